// How a run state is stored: versioned JSON, so that a snapshot written by an older orchestrator is still read (or refused loudly).
import { CodedError } from '@dco/contracts';
import { RUN_STATUSES, RunState } from '@dco/saga';

export const SNAPSHOT_FORMAT = 1;

interface StoredSnapshot {
  format: number;
  state: RunState;
}

export function encodeSnapshot(state: RunState): Buffer {
  const stored: StoredSnapshot = { format: SNAPSHOT_FORMAT, state };
  return Buffer.from(JSON.stringify(stored), 'utf8');
}

/** Reads a stored snapshot; a snapshot this code cannot read stops the start instead of silently dropping a run. */
export function decodeSnapshot(key: string, value: Buffer): RunState {
  let stored: Partial<StoredSnapshot>;
  try {
    stored = JSON.parse(value.toString('utf8')) as Partial<StoredSnapshot>;
  } catch (error) {
    throw new CodedError('SAGA.SNAPSHOT_UNREADABLE', `snapshot of ${key} is not JSON`, (error as Error).message);
  }
  if (stored.format !== SNAPSHOT_FORMAT) {
    throw new CodedError(
      'SAGA.SNAPSHOT_UNREADABLE',
      `snapshot of ${key} has format ${String(stored.format)}, this orchestrator reads ${SNAPSHOT_FORMAT}`,
    );
  }
  const state = stored.state;
  if (!state || state.runId !== key || !RUN_STATUSES.includes(state.status) || typeof state.version !== 'number') {
    throw new CodedError('SAGA.SNAPSHOT_UNREADABLE', `snapshot of ${key} is not a run state`);
  }
  return state;
}

/** Keeps the newest snapshot per run while reading a log in order (a compacted topic may still hold older ones). */
export function newestByRun(snapshots: Iterable<RunState>): RunState[] {
  const newest = new Map<string, RunState>();
  for (const state of snapshots) {
    const known = newest.get(state.runId);
    if (!known || state.version >= known.version) newest.set(state.runId, state);
  }
  return [...newest.values()];
}
