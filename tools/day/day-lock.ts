// One day scenario at a time on this machine: a lock file naming the process that runs it (a dead owner's lock is stale).
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DayError } from './day-error';

export interface DayLockOwner {
  pid: number;
  scenario: string;
  startedAt: string;
  dir: string;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

export async function acquireDayLock(path: string, owner: DayLockOwner): Promise<() => Promise<void>> {
  await mkdir(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      await writeFile(path, JSON.stringify(owner), { flag: 'wx' });
      return async () => {
        const current = await readOwner(path);
        if (current?.pid === owner.pid && current.startedAt === owner.startedAt) await rm(path, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = await readOwner(path);
      if (holder && alive(holder.pid)) {
        throw new DayError(
          'DAY.RUN_IN_PROGRESS',
          `scenario ${holder.scenario} is running (pid ${holder.pid}, since ${holder.startedAt}, files in ${holder.dir}); stop it with Ctrl-C (or kill ${holder.pid}) before starting another`,
        );
      }
      // The owner died without cleaning up: the lock is stale.
      await rm(path, { force: true });
    }
  }
  throw new DayError('DAY.RUN_IN_PROGRESS', `could not take the day lock ${path}`);
}

async function readOwner(path: string): Promise<DayLockOwner | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as DayLockOwner;
  } catch {
    return undefined;
  }
}
