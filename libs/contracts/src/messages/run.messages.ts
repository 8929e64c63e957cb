// Messages of the run itself: step timeouts, approvals, final outcomes and alerts (all produced or consumed by the orchestrator).
import { Type } from 'class-transformer';
import {
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { Change, Failure, IsDay, IsListOf } from './common';

export const STEPS = [
  'detect',
  'approval',
  // Production's infrastructure change set on the staging environment first, soaked (ADR 0032).
  'staging',
  'apply-infra',
  'migrate-db',
  'run-dco',
  'rollback-db',
  'rollback-infra',
] as const;
export type Step = (typeof STEPS)[number];

export class StepTimedOutData {
  @IsIn(STEPS)
  step!: Step;

  @IsInt()
  @Min(1)
  attempt!: number;

  @IsISO8601({ strict: true })
  deadline!: string;
}

export class ApprovalRequestedData {
  @IsArray()
  @IsString({ each: true })
  reasons!: string[];

  @IsListOf(() => Change)
  changes!: Change[];
}

/** Who did something to a run and why (approvals, rejections, resumes). */
export class OperatorActionData {
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  by!: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason!: string;
}

export class ApprovalDecisionData extends OperatorActionData {}

/** An operator resumes a run parked in Failed: the failed compensation is issued again (who and why are recorded). */
export class RunResumeRequestedData extends OperatorActionData {}

export class RunStartedData {
  @IsDay()
  day!: string;

  @IsString()
  trigger!: string;
}

export class RunCompletedData {
  @IsDay()
  day!: string;

  @IsArray()
  @IsIn(STEPS, { each: true })
  steps!: Step[];

  @Matches(/^[0-9a-f]{64}$/)
  resultHash!: string;

  /** Changes left for a later run because they could not finish before the DCO deadline. */
  @IsListOf(() => Change)
  deferred!: Change[];
}

export class RunCompletedAfterRollbackData {
  @IsDay()
  day!: string;

  @ValidateNested()
  @Type(() => Failure)
  failure!: Failure;

  @IsArray()
  @IsIn(STEPS, { each: true })
  rolledBack!: Step[];

  @Matches(/^[0-9a-f]{64}$/)
  resultHash!: string;
}

export class RunFailedData {
  @IsDay()
  day!: string;

  @ValidateNested()
  @Type(() => Failure)
  failure!: Failure;

  /** Compensations that did not complete and need an operator. */
  @IsArray()
  @IsIn(STEPS, { each: true })
  pending!: Step[];
}

export const ALERT_SEVERITIES = ['info', 'warning', 'critical'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

export class AlertRaisedData {
  @IsIn(ALERT_SEVERITIES)
  severity!: AlertSeverity;

  /** A stable cause such as STEP_FAILED, ROLLBACK, STEP_OVERDUE, DLQ_GROWING, DEADLINE_AT_RISK. */
  @Matches(/^[A-Z_]{3,40}$/)
  cause!: string;

  /** Alerts with the same key describe one cause and are shown and delivered once. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  dedupeKey!: string;

  @IsString()
  @MaxLength(500)
  summary!: string;

  @IsOptional()
  @IsString()
  @MaxLength(4000)
  detail?: string;
}
