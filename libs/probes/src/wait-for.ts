// Polls a condition until it holds or a deadline passes: the one waiting primitive of the services, the stack and the tests (no blind sleeps).
import { setTimeout as delay } from 'node:timers/promises';
import { CodedError } from '../../contracts/src/errors'; // the file, not the barrel: the stack CLI loads this and stays decorator-free

export interface WaitForOptions {
  /** Give up after this many milliseconds. */
  timeoutMs: number;
  /** Pause between two polls (default 200 ms). */
  intervalMs?: number;
  /** What is awaited, for the timeout message ("kafka to accept describeCluster"). */
  description: string;
  /** Stops waiting early (e.g. the process under test exited). */
  signal?: AbortSignal;
}

export class WaitTimeoutError extends CodedError {
  constructor(
    readonly description: string,
    readonly timeoutMs: number,
    readonly lastError?: unknown,
  ) {
    const last =
      lastError instanceof Error
        ? `; last error: ${lastError.message}`
        : lastError !== undefined
          ? `; last: ${String(lastError)}`
          : '';
    super(
      'WAIT.TIMED_OUT',
      `timed out after ${timeoutMs} ms waiting for ${description}${last}`,
      undefined,
      lastError === undefined ? undefined : { cause: lastError },
    );
    this.name = 'WaitTimeoutError';
  }
}

/**
 * Calls `condition` until it returns a value other than `undefined`/`false`, and returns that value.
 * A thrown error counts as "not yet" (it is kept for the timeout message) unless it is marked fatal with `abortWaiting`.
 */
export async function waitFor<T>(
  condition: () => T | undefined | false | Promise<T | undefined | false>,
  options: WaitForOptions,
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  const interval = options.intervalMs ?? 200;
  let lastError: unknown;
  for (;;) {
    options.signal?.throwIfAborted();
    try {
      const value = await condition();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      if (error instanceof FatalWaitError) throw error.cause;
      lastError = error;
    }
    const left = deadline - Date.now();
    if (left <= 0) throw new WaitTimeoutError(options.description, options.timeoutMs, lastError);
    try {
      await delay(Math.min(interval, left), undefined, options.signal ? { signal: options.signal } : undefined);
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      throw error;
    }
  }
}

/** Carries an abortWaiting error out of the condition; waitFor unwraps it, so callers never see this one. */
class FatalWaitError extends CodedError {
  constructor(override readonly cause: unknown) {
    super('WAIT.ABORTED', 'abortWaiting called outside a waitFor condition');
  }
}

/** Thrown inside a waitFor condition: stop polling at once and rethrow `error` to the caller. */
export function abortWaiting(error: unknown): never {
  throw new FatalWaitError(error);
}

/**
 * The work's outcome, or the error `onTimeout` makes once `timeoutMs` passed first (the work is not cancelled: its
 * late outcome is ignored). The timer never outlives the race.
 */
export async function withDeadline<T>(work: Promise<T>, timeoutMs: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), timeoutMs);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
