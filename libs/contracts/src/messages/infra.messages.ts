// Messages of the infrastructure stage: Terraform/OpenTofu plan and apply, ECS rollouts, and their rollback.
import { Type } from 'class-transformer';
import {
  IsArray,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { PLAN_ID_PATTERN } from '../identifiers';
import { Change, Failure, IsDay, IsListOf } from './common';

export class ApplyInfraData {
  @IsDay()
  day!: string;

  @IsListOf(() => Change)
  changes!: Change[];

  /** Set when an operator approved a plan that needed approval: apply exactly that plan. It names a file: strict. */
  @IsOptional()
  @Matches(PLAN_ID_PATTERN, { message: 'approvedPlanId must be a plan id (letters, digits, _ -, dot-separated parts)' })
  approvedPlanId?: string;
}

export class PlanSummary {
  @IsString()
  @IsNotEmpty()
  planId!: string;

  @IsInt()
  @Min(0)
  adds!: number;

  @IsInt()
  @Min(0)
  changes!: number;

  @IsInt()
  @Min(0)
  destroys!: number;

  @IsArray()
  @IsString({ each: true })
  replaced!: string[];
}

export class ServiceRevision {
  @IsString()
  @IsNotEmpty()
  service!: string;

  @IsString()
  @IsNotEmpty()
  taskDefinition!: string;
}

/** A service's health over one measurement window, read from its Prometheus metrics (ADR 0025). */
export class HealthMeasurement {
  /** Requests served in the window (the latency and error rate mean nothing without enough of them). */
  @IsInt()
  @Min(0)
  requests!: number;

  @IsOptional()
  @IsNumber()
  @Min(0)
  latencyP99Ms?: number;

  /** Failed (5xx) / all requests in the window, 0..1. */
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  errorRate?: number;

  @IsInt()
  @Min(0)
  neo4jQueries!: number;

  @IsOptional()
  @IsNumber()
  @Min(0)
  neo4jQueryP99Ms?: number;
}

/** A service's health before and after an update, and what regressed beyond the thresholds (empty: nothing). */
export class ServiceHealthComparison {
  @IsString()
  @IsNotEmpty()
  service!: string;

  @ValidateNested()
  @Type(() => HealthMeasurement)
  before!: HealthMeasurement;

  @ValidateNested()
  @Type(() => HealthMeasurement)
  after!: HealthMeasurement;

  @IsArray()
  @IsString({ each: true })
  @MaxLength(500, { each: true })
  regressions!: string[];

  /** Why a measure was not judged (too little traffic), if one was not. */
  @IsOptional()
  @IsString()
  @MaxLength(500)
  inconclusive?: string;
}

export class InfraAppliedData {
  @ValidateNested()
  @Type(() => PlanSummary)
  plan!: PlanSummary;

  @IsListOf(() => ServiceRevision)
  services!: ServiceRevision[];

  @IsString()
  configHash!: string;

  /** Each rolled-out service's health before and after its rollout, when its metrics were measured. */
  @IsOptional()
  @IsListOf(() => ServiceHealthComparison)
  health?: ServiceHealthComparison[];
}

export class InfraApprovalRequiredData {
  @ValidateNested()
  @Type(() => PlanSummary)
  plan!: PlanSummary;

  @IsArray()
  @IsString({ each: true })
  reasons!: string[];
}

export class InfraApplyFailedData {
  @ValidateNested()
  @Type(() => Failure)
  failure!: Failure;

  @IsOptional()
  @IsString()
  planId?: string;
}

export class RollbackData {
  @IsDay()
  day!: string;

  @IsString()
  reason!: string;
}

export class InfraRolledBackData {
  @IsString()
  configHash!: string;

  @IsListOf(() => ServiceRevision)
  services!: ServiceRevision[];
}

export class StepFailedData {
  @ValidateNested()
  @Type(() => Failure)
  failure!: Failure;
}

/** Production's change set, applied to the staging environment first and soaked there (ADR 0032). */
export class ApplyToStagingData {
  @IsDay()
  day!: string;

  /** The infrastructure changes production will receive after staging passed. */
  @IsListOf(() => Change)
  changes!: Change[];

  /** How long staging runs the change set, its health measured across that time, before it is judged. */
  @IsInt()
  @Min(0)
  @Max(86_400_000)
  soakMs!: number;
}

export class StagingSoakedData {
  @ValidateNested()
  @Type(() => PlanSummary)
  plan!: PlanSummary;

  @IsListOf(() => ServiceRevision)
  services!: ServiceRevision[];

  @IsInt()
  @Min(0)
  soakMs!: number;

  /** Each rolled-out staging service's health before the apply and across the soak, when its metrics were measured. */
  @IsOptional()
  @IsListOf(() => ServiceHealthComparison)
  health?: ServiceHealthComparison[];
}

export class StagingFailedData {
  @ValidateNested()
  @Type(() => Failure)
  failure!: Failure;

  @IsOptional()
  @IsListOf(() => ServiceHealthComparison)
  health?: ServiceHealthComparison[];
}
