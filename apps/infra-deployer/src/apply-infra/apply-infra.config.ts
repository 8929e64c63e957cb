// The variables of the real ApplyInfra / RollbackInfra use cases (validated at boot): the workspace, the rollout policy, health endpoints, AWS.
import { IntersectionType, PickType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNumber, IsOptional, Matches, Max, Min } from 'class-validator';
import {
  AwsClientConfig,
  DEFAULT_HEALTH_COMPARISON_POLICY,
  DEFAULT_HEALTH_METRIC_NAMES,
  DEFAULT_ROLLOUT_POLICY,
  HEALTH_REGRESSION_POLICIES,
  HealthRegressionPolicy,
  parseHealthEndpoints,
} from '@dco/aws';
import { CommonConfig, IsNonNegativeNumber, IsParsedBy } from '@dco/platform';
import { InfraWorkspaceConfig } from '@dco/terraform';

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

  /** Where a rollout reads each service's health: "service=healthUrl|metricsUrl,other=healthUrl". */
  @IsOptional()
  @IsParsedBy(parseHealthEndpoints)
  DCO_HEALTH_ENDPOINTS?: string;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const metricName = (name: string) => Matches(METRIC_NAME, { message: `${name} must be a Prometheus metric name` });
/** A limit on after / before: a number of at least 1. */
function IsRatio(name: string): PropertyDecorator {
  const message = { message: `${name} must be a ratio of at least 1 (after / before)` };
  const decorators = [Type(() => Number), IsNumber({}, message), Min(1, message)];
  return (target, property) => decorators.forEach((decorate) => decorate(target, property));
}

/** Health before and after each rollout, and what a regression leads to (ADR 0024). */
export class HealthComparisonConfig {
  /** rollback: the service goes back to its previous revision and the step fails; alert: it stays, with an alert. */
  @IsIn(HEALTH_REGRESSION_POLICIES, {
    message: `DCO_HEALTH_REGRESSION_POLICY must be one of ${HEALTH_REGRESSION_POLICIES.join(', ')}`,
  })
  DCO_HEALTH_REGRESSION_POLICY: HealthRegressionPolicy = DEFAULT_HEALTH_COMPARISON_POLICY.onRegression;

  /** How long each measurement (before, after) watches the service; 0 = health not compared. */
  @IsNonNegativeNumber('DCO_HEALTH_WINDOW_MS')
  DCO_HEALTH_WINDOW_MS = DEFAULT_HEALTH_COMPARISON_POLICY.windowMs;

  @IsRatio('DCO_HEALTH_MAX_LATENCY_RATIO')
  DCO_HEALTH_MAX_LATENCY_RATIO = DEFAULT_HEALTH_COMPARISON_POLICY.thresholds.latencyRatio;

  @IsRatio('DCO_HEALTH_MAX_NEO4J_LATENCY_RATIO')
  DCO_HEALTH_MAX_NEO4J_LATENCY_RATIO = DEFAULT_HEALTH_COMPARISON_POLICY.thresholds.neo4jLatencyRatio;

  /** Highest tolerated rise of the error rate, as a share of requests (0.01 = one percentage point). */
  @IsNonNegativeNumber('DCO_HEALTH_MAX_ERROR_RATE_INCREASE')
  @Max(1, { message: 'DCO_HEALTH_MAX_ERROR_RATE_INCREASE must be a share between 0 and 1' })
  DCO_HEALTH_MAX_ERROR_RATE_INCREASE = DEFAULT_HEALTH_COMPARISON_POLICY.thresholds.errorRateIncrease;

  /** Fewest requests (or Neo4j queries) in each window for them to be judged. */
  @Type(() => Number)
  @IsInt({ message: 'DCO_HEALTH_MIN_REQUESTS must be a whole number' })
  @Min(1, { message: 'DCO_HEALTH_MIN_REQUESTS must be at least 1' })
  DCO_HEALTH_MIN_REQUESTS = DEFAULT_HEALTH_COMPARISON_POLICY.thresholds.minRequests;

  @metricName('DCO_HEALTH_REQUEST_COUNTER')
  DCO_HEALTH_REQUEST_COUNTER = DEFAULT_HEALTH_METRIC_NAMES.requestCounter;

  @metricName('DCO_HEALTH_LATENCY_HISTOGRAM')
  DCO_HEALTH_LATENCY_HISTOGRAM = DEFAULT_HEALTH_METRIC_NAMES.latencyHistogram;

  @metricName('DCO_HEALTH_NEO4J_HISTOGRAM')
  DCO_HEALTH_NEO4J_HISTOGRAM = DEFAULT_HEALTH_METRIC_NAMES.neo4jHistogram;
}

/** The workspace, the rollout and the AWS clients: what the real use cases read besides the common variables. */
export class ApplyInfraConfig extends IntersectionType(
  InfraWorkspaceConfig,
  IntersectionType(RolloutConfig, HealthComparisonConfig),
  AwsClientConfig,
) {}

/** What the operator CLI needs to build the use cases (no broker). */
export class InfraEnvironmentConfig extends IntersectionType(
  PickType(CommonConfig, ['DCO_PROFILE', 'LOG_LEVEL'] as const),
  ApplyInfraConfig,
) {}
