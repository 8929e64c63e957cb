// The variables of the real ApplyInfra / RollbackInfra use cases (validated at boot): the workspace, the rollout policy, health endpoints, AWS.
import { IntersectionType, PickType } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { AwsClientConfig, DEFAULT_ROLLOUT_POLICY, HealthComparisonConfig, parseHealthEndpoints } from '@dco/aws';
import { CommonConfig, IsNonNegativeNumber, IsParsedBy } from '@dco/platform';
import { InfraWorkspaceConfig } from '@dco/terraform';
import { StagingConfig } from '../apply-to-staging/staging.config';

export class RolloutConfig {
  @IsNonNegativeNumber('DCO_ROLLOUT_CANARY_FRACTION')
  DCO_ROLLOUT_CANARY_FRACTION = DEFAULT_ROLLOUT_POLICY.canaryFraction;

  @IsNonNegativeNumber('DCO_ROLLOUT_CANARY_ANALYSIS_MS')
  DCO_ROLLOUT_CANARY_ANALYSIS_MS = DEFAULT_ROLLOUT_POLICY.canaryAnalysisMs;

  @IsNonNegativeNumber('DCO_ROLLOUT_GATE_MS')
  DCO_ROLLOUT_GATE_MS = DEFAULT_ROLLOUT_POLICY.gateMs;

  @IsNonNegativeNumber('DCO_ROLLOUT_POLL_MS')
  DCO_ROLLOUT_POLL_MS = DEFAULT_ROLLOUT_POLICY.pollIntervalMs;

  @IsNonNegativeNumber('DCO_ROLLOUT_STEADY_TIMEOUT_MS')
  DCO_ROLLOUT_STEADY_TIMEOUT_MS = DEFAULT_ROLLOUT_POLICY.steadyStateTimeoutMs;

  @IsNonNegativeNumber('DCO_ROLLOUT_MAX_ERROR_RATE')
  DCO_ROLLOUT_MAX_ERROR_RATE = DEFAULT_ROLLOUT_POLICY.maxErrorRate;

  /** Consecutive failed health samples that fail a gate (a healthy one resets the count); 1 = the first one does. */
  @IsInt({ message: 'DCO_ROLLOUT_FAILURE_THRESHOLD must be an integer' })
  @Min(1, { message: 'DCO_ROLLOUT_FAILURE_THRESHOLD must be at least 1' })
  @Max(100, { message: 'DCO_ROLLOUT_FAILURE_THRESHOLD must be at most 100' })
  DCO_ROLLOUT_FAILURE_THRESHOLD = DEFAULT_ROLLOUT_POLICY.failureThreshold;

  /** Where a rollout reads each service's health: "service=healthUrl|metricsUrl,other=healthUrl". */
  @IsOptional()
  @IsParsedBy(parseHealthEndpoints)
  DCO_HEALTH_ENDPOINTS?: string;
}

/** The workspace, the rollout and the AWS clients: what the real use cases read besides the common variables. */
export class ApplyInfraConfig extends IntersectionType(
  InfraWorkspaceConfig,
  IntersectionType(RolloutConfig, HealthComparisonConfig),
  IntersectionType(AwsClientConfig, StagingConfig),
) {}

/** What the operator CLI needs to build the use cases (no broker). */
export class InfraEnvironmentConfig extends IntersectionType(
  PickType(CommonConfig, ['DCO_PROFILE', 'LOG_LEVEL'] as const),
  ApplyInfraConfig,
) {}
