// The SagaStore port: where run states live durably. Snapshots are written by the bus in the same atomic batch as the
// saga's commands and the consumed offset; the store only encodes them and reads them all back at start.
import { OutputRecord } from '@dco/messaging';
import { RunState } from '@dco/saga';

export interface SagaStore {
  /** The newest committed snapshot of every run, read before the orchestrator consumes anything. */
  loadAll(): Promise<RunState[]>;
  /** The record that stores `state`; the handler returns it with its messages so that both commit together. */
  recordOf(state: RunState): OutputRecord;
}

export const SAGA_STORE = Symbol('SagaStore');

/** The compacted topic of run snapshots, keyed by runId (before any namespace prefix the bus adds). */
export const SAGA_STATE_TOPIC = 'SagaState';
