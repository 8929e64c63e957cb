// The SagaStore port: where run states live durably. Snapshots are written by the bus in the same atomic batch as the
// saga's commands and the consumed offset; the store only encodes them and reads them all back at start.
import { OutputRecord } from '@dco/messaging';
import { RunState } from '@dco/saga';

export interface SagaStore {
  /** The newest committed snapshot of every run, read before the orchestrator consumes anything. */
  loadAll(): Promise<RunState[]>;
  /** The record that stores `state`; the handler returns it with its messages so that both commit together. */
  recordOf(state: RunState): OutputRecord;
  /**
   * Tails the committed snapshots (a standby's view, ADR 0004): `replace` once with every run when the reader reached
   * the end it saw at start, then `put` / `remove` per committed change. Absent where only one process runs (in memory).
   */
  follow?(sink: SagaStateSink): Promise<SagaFollower>;
}

export interface SagaStateSink {
  replace(states: RunState[]): void;
  put(state: RunState): void;
  remove(runId: string): void;
  /** A snapshot that cannot be decoded (SAGA.SNAPSHOT_UNREADABLE): the follower stops applying changes. */
  failed(error: unknown): void;
}

export interface SagaFollower {
  /** Resolves once `replace` was called. */
  readonly caughtUp: Promise<void>;
  stop(): Promise<void>;
}

export const SAGA_STORE = Symbol('SagaStore');

/** The compacted topic of run snapshots, keyed by runId (before any namespace prefix the bus adds). */
export const SAGA_STATE_TOPIC = 'SagaState';

/** The one-partition topic whose consumer group elects the active orchestrator (before the bus's prefix); ADR 0004. */
export const ORCHESTRATOR_LEASE_TOPIC = 'OrchestratorLease';
