// The run a piece of work belongs to, carried through async calls so every log line can name it.
import { AsyncLocalStorage } from 'node:async_hooks';

export interface LogContext {
  runId?: string;
  messageType?: string;
  eventId?: string;
}

const storage = new AsyncLocalStorage<LogContext>();

/** Runs `fn` with these fields added to the current log context. */
export function withLogContext<T>(fields: LogContext, fn: () => T): T {
  return storage.run({ ...(storage.getStore() ?? {}), ...fields }, fn);
}

export function currentLogContext(): LogContext {
  return storage.getStore() ?? {};
}
