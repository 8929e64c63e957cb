// The variables of the health comparison around updates (ADR 0025), shared by the infra-deployer (rollouts) and the
// db-migrator (Neo4j migrations); validated at boot like every app's config.
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNumber, Matches, Max, Min } from 'class-validator';
import { DEFAULT_HEALTH_THRESHOLDS, HEALTH_REGRESSION_POLICIES, HealthRegressionPolicy } from './health-comparison';
import { DEFAULT_HEALTH_METRIC_NAMES, HealthMetricNames } from './http-health-meter.adapter';
import { DEFAULT_HEALTH_COMPARISON_POLICY, HealthComparisonPolicy } from './rollout-policy';

function all(...decorators: PropertyDecorator[]): PropertyDecorator {
  return (target, property) => decorators.forEach((decorate) => decorate(target, property));
}

function IsNonNegative(name: string): PropertyDecorator {
  const message = { message: `${name} must be a non-negative number` };
  return all(
    Type(() => Number),
    IsNumber({}, message),
    Min(0, message),
  );
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const metricName = (name: string) => Matches(METRIC_NAME, { message: `${name} must be a Prometheus metric name` });
/** A limit on after / before: a number of at least 1. */
function IsRatio(name: string): PropertyDecorator {
  const message = { message: `${name} must be a ratio of at least 1 (after / before)` };
  return all(
    Type(() => Number),
    IsNumber({}, message),
    Min(1, message),
  );
}

/** Health before and after each rollout, and what a regression leads to (ADR 0025). */
export class HealthComparisonConfig {
  /** rollback: the service goes back to its previous revision and the step fails; alert: it stays, with an alert. */
  @IsIn(HEALTH_REGRESSION_POLICIES, {
    message: `DCO_HEALTH_REGRESSION_POLICY must be one of ${HEALTH_REGRESSION_POLICIES.join(', ')}`,
  })
  DCO_HEALTH_REGRESSION_POLICY: HealthRegressionPolicy = DEFAULT_HEALTH_COMPARISON_POLICY.onRegression;

  /** How long each measurement (before, after) watches the service; 0 = health not compared. */
  @IsNonNegative('DCO_HEALTH_WINDOW_MS')
  DCO_HEALTH_WINDOW_MS = DEFAULT_HEALTH_COMPARISON_POLICY.windowMs;

  @IsRatio('DCO_HEALTH_MAX_LATENCY_RATIO')
  DCO_HEALTH_MAX_LATENCY_RATIO = DEFAULT_HEALTH_THRESHOLDS.latencyRatio;

  @IsRatio('DCO_HEALTH_MAX_NEO4J_LATENCY_RATIO')
  DCO_HEALTH_MAX_NEO4J_LATENCY_RATIO = DEFAULT_HEALTH_THRESHOLDS.neo4jLatencyRatio;

  /** Highest tolerated rise of the error rate, as a share of requests (0.01 = one percentage point). */
  @IsNonNegative('DCO_HEALTH_MAX_ERROR_RATE_INCREASE')
  @Max(1, { message: 'DCO_HEALTH_MAX_ERROR_RATE_INCREASE must be a share between 0 and 1' })
  DCO_HEALTH_MAX_ERROR_RATE_INCREASE = DEFAULT_HEALTH_THRESHOLDS.errorRateIncrease;

  /** Fewest requests (or Neo4j queries) in each window for them to be judged. */
  @Type(() => Number)
  @IsInt({ message: 'DCO_HEALTH_MIN_REQUESTS must be a whole number' })
  @Min(1, { message: 'DCO_HEALTH_MIN_REQUESTS must be at least 1' })
  DCO_HEALTH_MIN_REQUESTS = DEFAULT_HEALTH_THRESHOLDS.minRequests;

  @metricName('DCO_HEALTH_REQUEST_COUNTER')
  DCO_HEALTH_REQUEST_COUNTER = DEFAULT_HEALTH_METRIC_NAMES.requestCounter;

  @metricName('DCO_HEALTH_LATENCY_HISTOGRAM')
  DCO_HEALTH_LATENCY_HISTOGRAM = DEFAULT_HEALTH_METRIC_NAMES.latencyHistogram;

  @metricName('DCO_HEALTH_NEO4J_HISTOGRAM')
  DCO_HEALTH_NEO4J_HISTOGRAM = DEFAULT_HEALTH_METRIC_NAMES.neo4jHistogram;
}

/** The comparison policy the validated variables describe. */
export function healthComparisonPolicyOf(config: HealthComparisonConfig): HealthComparisonPolicy {
  return {
    windowMs: config.DCO_HEALTH_WINDOW_MS,
    onRegression: config.DCO_HEALTH_REGRESSION_POLICY,
    thresholds: {
      latencyRatio: config.DCO_HEALTH_MAX_LATENCY_RATIO,
      errorRateIncrease: config.DCO_HEALTH_MAX_ERROR_RATE_INCREASE,
      neo4jLatencyRatio: config.DCO_HEALTH_MAX_NEO4J_LATENCY_RATIO,
      minRequests: config.DCO_HEALTH_MIN_REQUESTS,
    },
  };
}

export function healthMetricNamesOf(config: HealthComparisonConfig): HealthMetricNames {
  return {
    requestCounter: config.DCO_HEALTH_REQUEST_COUNTER,
    latencyHistogram: config.DCO_HEALTH_LATENCY_HISTOGRAM,
    neo4jHistogram: config.DCO_HEALTH_NEO4J_HISTOGRAM,
  };
}
