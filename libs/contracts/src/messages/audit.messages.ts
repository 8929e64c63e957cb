// The audit trail's one record (ADR 0028): who did what to which run and why, written with the transition that caused it.
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, Min } from 'class-validator';
import { STEPS, Step } from './run.messages';

/**
 * What an entry records: a detected change, a saga transition (run status) or step start, an operator's decision or
 * resume, a stage's outcome (apply with its rollout, migration, DCO), a rollback, a failure, and the healer's work.
 */
export const AUDIT_KINDS = [
  'change-detected',
  'transition',
  'step-started',
  'approval-requested',
  'approval-granted',
  'approval-rejected',
  'resume-requested',
  'apply',
  'rollout',
  'migration',
  'dco',
  'rollback',
  'failure',
  // The healer (ADR 0033): an action taken or an alert raised on a known fault, an action refused during the DCO, and an
  // operator's approval to act during it.
  'heal',
  'heal-refused',
  'heal-approved',
] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];

export class AuditRecordedData {
  @IsIn(AUDIT_KINDS)
  kind!: AuditKind;

  /** A credential's name for an operator's decision, else the service that reported the cause. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  actor!: string;

  /** One line a person reads. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(1000)
  summary!: string;

  /** The message type that caused the entry (its eventId is the envelope's causationId). */
  @IsString()
  @IsNotEmpty()
  cause!: string;

  /** The run's version after the transition: entries of one run sort by it, then by `seq`. */
  @IsInt()
  @Min(0)
  version!: number;

  /** Position among the entries of one transition. */
  @IsInt()
  @Min(0)
  seq!: number;

  @IsOptional()
  @IsIn(STEPS)
  step?: Step;

  /** Why: the operator's reason, a change's or a failure's reason. */
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  reason?: string;

  /** The Terraform plan concerned (approvals of the plan gate, applies). */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  planId?: string;

  /** Status before and after, for a transition. */
  @IsOptional()
  @IsString()
  from?: string;

  @IsOptional()
  @IsString()
  to?: string;

  /** A failure's stable code. */
  @IsOptional()
  @Matches(/^[A-Z_]+\.[A-Z_]+$/)
  code?: string;
}
