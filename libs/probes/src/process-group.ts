// Liveness and stopping of a process by pid, for servers started detached in their own process group (the stack's
// daemons, the local Neo4j fleet): SIGTERM to the group, SIGKILL after a grace period, done once it has fully exited.
import { existsSync, readFileSync } from 'node:fs';
import { WaitTimeoutError, waitFor } from './wait-for';

function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return undefined;
  }
}

/**
 * True once `pid` has finished exiting: gone, or a zombie with no thread left. When a multi-threaded process (node, a
 * JVM) is killed, its main thread turns zombie first while its other threads still exit and hold its files, sockets
 * included; until they are gone, a port it listened on still accepts connections.
 */
export function hasExited(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return true;
  }
  const state = processState(pid);
  if (state === undefined) return existsSync('/proc');
  if (state !== 'Z' && state !== 'X') return false;
  try {
    return Number(/^Threads:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? '1') <= 1;
  } catch {
    return true;
  }
}

/** True while `pid` runs (zombies count as dead); with `owner`, only if its environment carries that DCO_STACK_OWNER. */
export function isProcessAlive(pid: number, owner?: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const state = processState(pid);
  if (state === undefined) return existsSync('/proc') ? false : true;
  if (state === 'Z' || state === 'X') return false;
  return owner === undefined || hasEnvironmentEntry(pid, `DCO_STACK_OWNER=${owner}`);
}

/** True when the environment `pid` was started with holds `entry` (`NAME=value`); false when it cannot be read. */
export function hasEnvironmentEntry(pid: number, entry: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(entry);
  } catch {
    return false;
  }
}

/** Signals the group `pid` leads (its children go with it), or `pid` alone when it leads none; a gone process is no error. */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/**
 * SIGTERM to the group of `pid`, SIGKILL after `graceMs` (at once when it is 0); resolves once the process has exited
 * completely (not only once it stops looking alive): its ports are free only then.
 */
export async function stopProcessGroup(pid: number, options: { graceMs: number; name: string }): Promise<void> {
  if (options.graceMs <= 0) return killProcessGroup(pid, options.name);
  signalGroup(pid, 'SIGTERM');
  try {
    await waitFor(() => hasExited(pid), {
      timeoutMs: options.graceMs,
      intervalMs: 100,
      description: `${options.name} (pid ${pid}) to exit after SIGTERM`,
    });
  } catch (error) {
    if (!(error instanceof WaitTimeoutError)) throw error;
    await killProcessGroup(pid, options.name);
  }
}

/** SIGKILL to the group of `pid`, no shutdown at all; resolves once the process has exited completely. */
export async function killProcessGroup(pid: number, name: string): Promise<void> {
  signalGroup(pid, 'SIGKILL');
  await waitFor(() => hasExited(pid), {
    timeoutMs: 10000,
    intervalMs: 100,
    description: `${name} (pid ${pid}) to exit after SIGKILL`,
  });
}
