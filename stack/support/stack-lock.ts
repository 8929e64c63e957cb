// A cross-process lock on the stack's state dir so that concurrent `stack:up`/`down` calls (several engineers, parallel test files) take turns.
import { mkdirSync, openSync, closeSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { StackError } from '../stack-error';
import { isProcessAlive, waitFor, WaitTimeoutError } from '@dco/probes';

/** In-process queue per lock file: callers of one process take turns before competing for the file with other processes. */
const queues = new Map<string, Promise<void>>();

function tryAcquire(lockFile: string, purpose: string): boolean {
  try {
    const fd = openSync(lockFile, 'wx');
    writeSync(fd, JSON.stringify({ pid: process.pid, purpose, at: new Date().toISOString() }));
    closeSync(fd);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  let holder: number | undefined;
  try {
    holder = (JSON.parse(readFileSync(lockFile, 'utf8')) as { pid: number }).pid;
  } catch {
    holder = undefined; // being written right now, or garbage: treat as held unless it stays so
  }
  if (holder !== undefined && !isProcessAlive(holder)) {
    rmSync(lockFile, { force: true }); // its owner died: the lock is stale
  }
  return false;
}

/**
 * Runs `action` while holding the lock file: concurrent callers, in this process or others, run one after another.
 * Not re-entrant: an action must not take the same lock again. Waits up to `timeoutMs`, printing once who it waits for.
 */
export async function withStackLock<T>(
  lockFile: string,
  purpose: string,
  action: () => Promise<T>,
  timeoutMs = 30 * 60 * 1000,
  log: (line: string) => void = () => undefined,
): Promise<T> {
  const previous = queues.get(lockFile) ?? Promise.resolve();
  let release: () => void = () => undefined;
  const mine = previous.then(() => new Promise<void>((resolveTurn) => (release = resolveTurn)));
  queues.set(lockFile, mine);
  await previous;
  try {
    mkdirSync(dirname(lockFile), { recursive: true });
    let announced = false;
    try {
      await waitFor(
        () => {
          if (tryAcquire(lockFile, purpose)) return true;
          if (!announced) {
            announced = true;
            log(`waiting for another stack operation to finish (lock ${lockFile})`);
          }
          return false;
        },
        { timeoutMs, intervalMs: 250, description: `the stack lock ${lockFile}` },
      );
    } catch (error) {
      if (error instanceof WaitTimeoutError)
        throw new StackError(
          'STACK.LOCKED',
          `another stack operation holds ${lockFile} for more than ${timeoutMs} ms`,
          { cause: error },
        );
      throw error;
    }
    try {
      return await action();
    } finally {
      rmSync(lockFile, { force: true });
    }
  } finally {
    release();
    if (queues.get(lockFile) === mine) queues.delete(lockFile);
  }
}
