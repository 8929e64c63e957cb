// The run's clocks as policy: the DCO deadline that defers update stages, the maximum run time that ends them, and
// how long each step is waited on.
import { Change, Step } from '@dco/contracts';
import { RUN_PLAN, UpdateStage, isCompensation } from './run-plan';
import { RunPolicy } from './run-policy';
import { PendingStep, RunState } from './run-state';

/** When a run started now must have ended its update stages: its start plus the policy's maximum run time. */
export const runDeadlineOf = (now: Date, policy: RunPolicy): Date => new Date(now.getTime() + policy.maxRunMs);

/** Update stages and the approval wait end at the run deadline; the DCO and the compensations keep their own timeouts. */
export const boundByRunDeadline = (step: Step): boolean => step !== 'run-dco' && !isCompensation(step);

/** Past the run deadline no update stage starts and nobody is asked to approve one; runs stored without a deadline have none. */
export const runTimeExceeded = (run: RunState, now: Date): boolean =>
  run.runDeadline !== undefined && now.getTime() >= Date.parse(run.runDeadline);

/** The soak the staging step adds to its apply (ADR 0032); nothing for the other steps. */
const soakMsOf = (run: RunState, step: Step): number => (step === 'staging' ? (run.plan.staging?.soakMs ?? 0) : 0);

/** A step's expected duration for this run: the policy's, and for staging its soak on top. */
export const expectedMsOf = (run: RunState, step: Step, policy: RunPolicy): number =>
  policy.steps[step].expectedMs + soakMsOf(run, step);

/** How long a step started now is waited on: the policy's timeout, cut to the run deadline for the steps it binds. */
export function stepDeadlineOf(run: RunState, step: Step, now: Date, policy: RunPolicy): string {
  const deadline = new Date(now.getTime() + policy.steps[step].timeoutMs + soakMsOf(run, step)).toISOString();
  const runDeadline = run.runDeadline;
  return runDeadline && boundByRunDeadline(step) && Date.parse(runDeadline) < Date.parse(deadline)
    ? runDeadline
    : deadline;
}

/** The pending step's wait was cut to the run deadline: when it times out, the run, not the step, is out of time. */
export const endsAtRunDeadline = (run: RunState, pending: PendingStep): boolean =>
  pending.deadline === run.runDeadline && boundByRunDeadline(pending.step);

/**
 * An update stage fits when the stage and then the DCO can finish, at their expected durations, before the DCO deadline.
 * Staging fits only if production's stages after it fit too (`remaining`): staging is worth nothing if production cannot
 * follow in the same day's window. Returns the time left and the time needed when it does not fit (the stage and those
 * after it are then deferred).
 */
export function dcoDeadlineAtRisk(
  run: RunState,
  stage: UpdateStage,
  now: Date,
  policy: RunPolicy,
  remaining: readonly UpdateStage[] = [stage],
): { leftMs: number; neededMs: number } | undefined {
  const stages = stage === 'staging' ? remaining : [stage];
  const neededMs =
    stages.reduce((sum, next) => sum + expectedMsOf(run, next, policy), 0) + policy.steps['run-dco'].expectedMs;
  const leftMs = Date.parse(run.dcoDeadline) - now.getTime();
  return leftMs < neededMs ? { leftMs, neededMs } : undefined;
}

/** The detected changes that deferred update stages would have applied. */
export const deferredChangesOf = (run: RunState, stages: readonly UpdateStage[]): Change[] =>
  run.changes.filter((change) => stages.some((stage) => RUN_PLAN[stage].update.applies(change)));
