// Where the healer's audit entries go (ADR 0033): the run whose DCO is running, else the day's run id; at that run's
// current version, after the entries of its own transition.
import { runIdOf } from '@dco/contracts';
import { RunState } from '@dco/saga';

/** The run a DCO step is running in, from the saga's state. */
export function dcoRunningIn(runs: readonly RunState[]): RunState | undefined {
  return runs.find((run) => run.status === 'RunningDco');
}

export function auditPlace(runs: readonly RunState[], now: Date): { runId: string; version: number } {
  const runId = dcoRunningIn(runs)?.runId ?? runIdOf(now.toISOString().slice(0, 10));
  return { runId, version: runs.find((run) => run.runId === runId)?.version ?? 0 };
}

/** The saga numbers a transition's entries from 0; the healer's follow them. */
export const HEAL_AUDIT_SEQ_BASE = 1_000;
