// Starts long-running stack processes detached with a pid file and a log file, recognises them again later, and stops exactly them.
import { StackError } from '../stack-error';
import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { isProcessAlive, stopProcessGroup } from '@dco/probes';

/** What a pid file holds: enough to find the process again and to be sure it is still ours. */
export interface PidRecord {
  name: string;
  pid: number;
  /** Value of DCO_STACK_OWNER in the process environment: proves a live pid is our process, not a recycled one. */
  owner: string;
  startedAt: string;
  command: string;
  logFile: string;
  meta?: Record<string, string | number>;
}

export interface DaemonSpec {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  logFile: string;
  pidFile: string;
  owner: string;
  meta?: Record<string, string | number>;
}

export function readPidRecord(pidFile: string): PidRecord | undefined {
  if (!existsSync(pidFile)) return undefined;
  try {
    const record = JSON.parse(readFileSync(pidFile, 'utf8')) as PidRecord;
    return Number.isInteger(record.pid) && record.pid > 0 ? record : undefined;
  } catch {
    return undefined; // a truncated or foreign pid file is as good as none
  }
}

/** The pid record when its process is alive and ours, else undefined. */
export function liveRecord(pidFile: string): PidRecord | undefined {
  const record = readPidRecord(pidFile);
  return record && isProcessAlive(record.pid, record.owner) ? record : undefined;
}

/** Logs are appended across restarts; past `maxBytes` the old one becomes `<log>.1` (one generation kept). */
export function rotateLog(logFile: string, maxBytes = 32 * 1024 * 1024): void {
  try {
    if (statSync(logFile).size > maxBytes) renameSync(logFile, `${logFile}.1`);
  } catch {
    // no log yet
  }
}

/** Spawns the daemon in its own process group, stdout+stderr appended to its log file, and writes the pid file atomically. */
export function spawnDaemon(spec: DaemonSpec): PidRecord {
  mkdirSync(dirname(spec.logFile), { recursive: true });
  mkdirSync(dirname(spec.pidFile), { recursive: true });
  const command = [spec.command, ...spec.args].join(' ');
  rotateLog(spec.logFile);
  const fd = openSync(spec.logFile, 'a');
  writeSync(fd, `\n=== ${new Date().toISOString()} starting ${spec.name}: ${command}\n`);
  try {
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env, DCO_STACK_OWNER: spec.owner },
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    if (child.pid === undefined)
      throw new StackError('STACK.START_FAILED', `could not spawn ${spec.command}`, { logFile: spec.logFile });
    child.on('error', () => undefined); // reported through the readiness probe and the log file
    child.unref();
    const record: PidRecord = {
      name: spec.name,
      pid: child.pid,
      owner: spec.owner,
      startedAt: new Date().toISOString(),
      command,
      logFile: spec.logFile,
      ...(spec.meta ? { meta: spec.meta } : {}),
    };
    const tmp = `${spec.pidFile}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(record, null, 2));
    renameSync(tmp, spec.pidFile);
    return record;
  } finally {
    closeSync(fd);
  }
}

/**
 * Stops the process of a pid file: SIGTERM to its group, SIGKILL after `graceMs`, then removes the pid file.
 * Returns false when nothing of ours was running (a stale pid file is removed all the same).
 */
export async function stopDaemon(pidFile: string, graceMs = 30000): Promise<boolean> {
  const record = liveRecord(pidFile);
  if (!record) {
    rmSync(pidFile, { force: true });
    return false;
  }
  await stopProcessGroup(record.pid, { graceMs, name: record.name });
  rmSync(pidFile, { force: true });
  return true;
}

/** The last `lines` lines of a log file, for error messages. */
export function tailFile(file: string, lines = 25): string {
  try {
    const size = statSync(file).size;
    const fd = openSync(file, 'r');
    try {
      const length = Math.min(size, 64 * 1024);
      const buffer = Buffer.alloc(length);
      readSync(fd, buffer, 0, length, size - length);
      return buffer
        .toString('utf8')
        .split('\n')
        .slice(-lines - 1)
        .join('\n')
        .trimEnd();
    } finally {
      closeSync(fd);
    }
  } catch {
    return '';
  }
}
