// Polls a condition until it yields a value or a deadline passes: the only way this library waits for the outside world.
import { setTimeout as delay } from 'node:timers/promises';

export class WaitTimeoutError extends Error {
  constructor(description: string, timeoutMs: number) {
    super(`timed out after ${timeoutMs} ms waiting for ${description}`);
    this.name = 'WaitTimeoutError';
  }
}

/** Resolves with the first defined value of `probe`; a thrown error ends the wait at once. */
export async function waitFor<T>(probe: () => Promise<T | undefined>, options: { timeoutMs: number; intervalMs?: number; description: string }): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) throw new WaitTimeoutError(options.description, options.timeoutMs);
    await delay(options.intervalMs ?? 250);
  }
}
