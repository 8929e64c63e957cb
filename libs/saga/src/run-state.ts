// The state of one daily run as the saga keeps it: where the run is, what it changed, what is left to undo, and its timeline.
import { AlertSeverity, Change, Failure, ServiceHealthComparison, Step } from '@dco/contracts';
import { UpdateWindowPolicy, WindowReason } from './update-window/choose-window';

export const RUN_STATUSES = [
  // Waits for the runs of earlier days to end (missed days run first, oldest first: ADR 0023).
  'Queued',
  'Started',
  'Detecting',
  'AwaitingApproval',
  // Waits for the change set's update window (ADR 0027).
  'AwaitingWindow',
  // Production's change set runs on staging and soaks there first (ADR 0032).
  'Staging',
  'ApplyingInfra',
  'MigratingDb',
  'RunningDco',
  'RollingBackDb',
  'RollingBackInfra',
  'Completed',
  'CompletedAfterRollback',
  'Failed',
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const TERMINAL_STATUSES: readonly RunStatus[] = ['Completed', 'CompletedAfterRollback', 'Failed'];
export const isTerminal = (status: RunStatus): boolean => TERMINAL_STATUSES.includes(status);

export type StepOutcome =
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'timed-out'
  | 'deferred'
  | 'rejected'
  | 'skipped'
  | 'needs-approval';

/** One entry of the run's timeline: a step attempt from its command to its outcome. */
export interface StepRecord {
  step: Step;
  attempt: number;
  /** eventId of the command (or request) that started the step; outcomes must name it as their causationId. */
  commandId?: string;
  startedAt: string;
  endedAt?: string;
  durationMs?: number;
  outcome: StepOutcome;
  failure?: Failure;
  /** Free-form progress such as "restore 500/1000". */
  progress?: string;
}

/** The step the run waits on; StepTimedOut fires when `deadline` passes. */
export interface PendingStep {
  step: Step;
  attempt: number;
  commandId: string;
  startedAt: string;
  deadline: string;
}

export interface ApprovalRecord {
  /**
   * `changes`: the detected changes need a person; `plan`: the Terraform plan destroys or replaces something; `catch-up`:
   * more missed days than DCO_CATCH_UP_MAX_DAYS would run before this day (ADR 0023); `window`: the change set waits for
   * its update window, which opens at the step's deadline; granted, it starts at once; rejected, it is deferred (ADR 0027).
   */
  gate: 'changes' | 'plan' | 'catch-up' | 'window';
  reasons: string[];
  requestedAt: string;
  planId?: string;
  decision?: { granted: boolean; by: string; reason: string; at: string };
}

export interface AlertRecord {
  severity: AlertSeverity;
  cause: string;
  summary: string;
  at: string;
}

/** An operator resumed the run from Failed: the compensation issued again, and the failure that had parked the run. */
export interface ResumeRecord {
  step: Step;
  by: string;
  reason: string;
  at: string;
  failure?: Failure;
}

/** When the run's change set is applied and why (ADR 0027); predicted loads only with the forecast policy. */
export interface UpdateWindowRecord {
  policy: UpdateWindowPolicy;
  reason: WindowReason;
  start: string;
  end: string;
  decidedAt: string;
  predictedLoad?: number;
  predictedLoadNow?: number;
  /** An operator started the change set before its window opened. */
  openedBy?: string;
}

export type RunTrigger = 'schedule' | 'catch-up' | 'manual' | 'request';

export interface RunState {
  runId: string;
  day: string;
  trigger: RunTrigger;
  requestedBy?: string;
  status: RunStatus;
  startedAt: string;
  updatedAt: string;
  /** Incremented by every accepted message; a snapshot with a lower version is older. */
  version: number;
  /** When the DCO must have run; update stages that cannot finish before it are deferred. */
  dcoDeadline: string;
  /**
   * startedAt + the policy's maximum run time (absent in runs stored before the policy had one): no update stage starts
   * after it, and update or approval steps wait on their outcome no later than it.
   */
  runDeadline?: string;
  changes: Change[];
  /** What the run will update: set once the changes are known. */
  plan: {
    infra: boolean;
    dbTargetImageId?: string;
    /** Promotion staging-first (ADR 0032): the infrastructure change set soaks this long on staging before production. */
    staging?: { soakMs: number };
  };
  deferred: Change[];
  /** When the change set is applied (absent until the changes are known, and in runs stored before ADR 0027). */
  updateWindow?: UpdateWindowRecord;
  pending?: PendingStep;
  timeline: StepRecord[];
  /** Update steps that may have changed something and therefore need a compensation on failure, in order. */
  touched: Step[];
  /** Compensations still to run, next first. */
  compensations: Step[];
  /** Compensations that completed. */
  rolledBack: Step[];
  /** The failure that sent the run into compensation (the first one). */
  failure?: Failure;
  /** A compensation that failed: the run is parked in Failed with `compensations` left to do. */
  compensationFailure?: Failure;
  approvals: ApprovalRecord[];
  /** Operator resumes of a Failed run, oldest first (absent in runs stored before resumes existed). */
  resumes?: ResumeRecord[];
  alerts: AlertRecord[];
  /** Health before vs after each service's rollout, as the update step reported it (absent until one did, ADR 0025). */
  health?: Array<ServiceHealthComparison & { step: Step }>;
  attempts: Partial<Record<Step, number>>;
  /** True once the DCO is asked to run on the old infrastructure after a failure. */
  dcoAfterRollback: boolean;
  resultHash?: string;
  /**
   * The missed days this day's tick found (ADR 0023): the days after `after` (the last day that had a run) up to this
   * day run first, oldest first, while this run is Queued; `skipped` once an operator refused them (or did not answer).
   */
  catchUp?: { after: string; missed: number; skipped?: boolean };
  /** The DCO result came from an earlier run of the same day, so no RunDco was sent. */
  dcoReusedFrom?: string;
}
