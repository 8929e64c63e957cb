// Derives what the saga needs to know about a day's other runs from their stored states.
import { RUN_ID_PATTERN, dayOfRunId, rerunOf, runIdOf } from '@dco/contracts';
import { lastRunDayBefore, unfinishedRunBefore } from './catch-up';
import { DayContext } from './decide';
import { RunState, isTerminal } from './run-state';

export function dayContextOf(runs: Iterable<RunState>, day: string, exceptRunId?: string): DayContext {
  const context: DayContext = {};
  const all = [...runs];
  const lastRunDay = lastRunDayBefore(all, day);
  if (lastRunDay !== undefined) context.lastRunDay = lastRunDay;
  const unfinishedBefore = unfinishedRunBefore(all, day);
  if (unfinishedBefore !== undefined) context.unfinishedBefore = unfinishedBefore;
  for (const run of all) {
    if (run.day !== day || run.runId === exceptRunId) continue;
    if (!isTerminal(run.status)) context.activeRunId = run.runId;
    const dcoDone = run.resultHash && (run.status === 'Completed' || run.status === 'CompletedAfterRollback');
    if (dcoDone && !context.completedDco)
      context.completedDco = { runId: run.dcoReusedFrom ?? run.runId, resultHash: run.resultHash as string };
  }
  return context;
}

/** The id of the next run of a day: dco-<day> if the day has none, else dco-<day>-r<n+1>. */
export function nextRunIdOf(existingRunIds: Iterable<string>, day: string): string {
  let highest = -1;
  for (const runId of existingRunIds) {
    if (RUN_ID_PATTERN.test(runId) && dayOfRunId(runId) === day) highest = Math.max(highest, rerunOf(runId));
  }
  return runIdOf(day, highest < 0 ? undefined : highest + 1);
}
