// Exponential backoff between handler attempts: initial, x2 each attempt, capped; deterministic so tests can predict it.
import { RetryPolicy } from './message-bus.port';

/** Delay before attempt `nextAttempt` (2, 3, ...) after the previous one failed. */
export function backoffDelayMs(policy: RetryPolicy, nextAttempt: number): number {
  const exponent = Math.max(0, nextAttempt - 2);
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** exponent);
}

export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
