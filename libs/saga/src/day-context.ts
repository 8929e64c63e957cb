// Derives what the saga needs to know about a day's other runs from their stored states.
import { DayContext } from './decide';
import { RunState, isTerminal } from './run-state';

export function dayContextOf(runs: Iterable<RunState>, day: string, exceptRunId?: string): DayContext {
  const context: DayContext = {};
  for (const run of runs) {
    if (run.day !== day || run.runId === exceptRunId) continue;
    if (!isTerminal(run.status)) context.activeRunId = run.runId;
    const dcoDone = run.resultHash && (run.status === 'Completed' || run.status === 'CompletedAfterRollback');
    if (dcoDone && !context.completedDco) context.completedDco = { runId: run.dcoReusedFrom ?? run.runId, resultHash: run.resultHash as string };
  }
  return context;
}

/** The id of the next run of a day: dco-<day> if the day has none, else dco-<day>-r<n+1>. */
export function nextRunIdOf(existingRunIds: Iterable<string>, day: string): string {
  let highest = -1;
  for (const runId of existingRunIds) {
    const match = /^dco-(\d{4}-\d{2}-\d{2})(?:-r(\d+))?$/.exec(runId);
    if (match && match[1] === day) highest = Math.max(highest, match[2] ? Number(match[2]) : 0);
  }
  return highest < 0 ? `dco-${day}` : `dco-${day}-r${highest + 1}`;
}
