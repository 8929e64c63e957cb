// Run identity (ARCHITECTURE.md section 4): dco-<day> for the day's run, dco-<day>-r<n> for a manual rerun.
import { CodedError } from './errors';
import { RUN_ID_PATTERN } from './envelope';

export const runIdOf = (day: string, rerun?: number): string => (rerun ? `dco-${day}-r${rerun}` : `dco-${day}`);

export function dayOfRunId(runId: string): string {
  if (!RUN_ID_PATTERN.test(runId)) throw new CodedError('INTERNAL.UNEXPECTED', `not a run id: ${runId}`);
  return runId.slice(4, 14);
}

export function rerunOf(runId: string): number {
  const match = /-r(\d+)$/.exec(runId);
  return match ? Number(match[1]) : 0;
}
