// Messages of the infrastructure stage: Terraform/OpenTofu plan and apply, ECS rollouts, and their rollback.
import { Type } from 'class-transformer';
import { IsArray, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Min, ValidateNested } from 'class-validator';
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

export class InfraAppliedData {
  @ValidateNested()
  @Type(() => PlanSummary)
  plan!: PlanSummary;

  @IsListOf(() => ServiceRevision)
  services!: ServiceRevision[];

  @IsString()
  configHash!: string;
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
