// Environment of the orchestrator service (validated at boot).
import { IntersectionType, PickType } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { AwsClientConfig } from '@dco/aws';
import { ConnectionPointerConfig } from '@dco/neo4j';
import { CommonConfig, Neo4jFleetConfig } from '@dco/platform';
import { CLOUDWATCH_METRIC_PATTERN } from '@dco/observability';
import {
  CATCH_UP_POLICIES,
  CatchUpPolicy,
  DEFAULT_POLICY,
  MAX_CATCH_UP_DAYS,
  MAX_SOAK_MS,
  PROMOTION_POLICIES,
  PromotionPolicy,
  UPDATE_WINDOW_POLICIES,
  UpdateWindowPolicy,
} from '@dco/saga';
import { DashboardConfig } from './dashboard/dashboard.config';
import { HealConfig } from './heal/heal.config';

/** The orchestrator's own validated config (PLATFORM_CONFIG holds only the common part when embedded). */
export const ORCHESTRATOR_CONFIG = Symbol('OrchestratorConfig');

/**
 * Every variable the orchestrator reads: the common ones, the saga's, the dashboard's and alerts', AWS (EventBridge, and the
 * infrastructure panel's EC2/ECS reads), the Neo4j fleet's tags, the connection pointer's location (the panel's too) and
 * the healer's (ADR 0033).
 */
export class OrchestratorConfig extends IntersectionType(
  CommonConfig,
  DashboardConfig,
  AwsClientConfig,
  PickType(Neo4jFleetConfig, ['DCO_ENV', 'DCO_NEO4J_FLEET_TAGS'] as const),
  ConnectionPointerConfig,
  HealConfig,
) {
  /** Wall-clock time by which the day's DCO must have run (HH:MM, in DCO_TIME_ZONE). */
  @Matches(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'DCO_DEADLINE must be HH:MM (24 h)' })
  DCO_DEADLINE = '09:00';

  /** IANA time zone of DCO_DEADLINE, e.g. Europe/Zurich. */
  @IsString()
  DCO_TIME_ZONE = 'UTC';

  /** Per-step timeouts overriding the policy, e.g. "apply-infra=2700000,run-dco=600000" (milliseconds). */
  @IsOptional()
  @IsString()
  SAGA_STEP_TIMEOUTS?: string;

  /** Per-step expected durations (measured history) used for deferral, same format as SAGA_STEP_TIMEOUTS. */
  @IsOptional()
  @IsString()
  SAGA_STEP_EXPECTED?: string;

  /**
   * Maximum run time in milliseconds, from RunStarted: past it no update stage starts, one in flight (or an approval wait) is
   * timed out into compensation, then the DCO runs on the old infrastructure. The DCO itself is never cut short. Default 6 h.
   */
  @IsInt({ message: 'SAGA_MAX_RUN_MS must be an integer number of milliseconds' })
  @Min(1_000, { message: 'SAGA_MAX_RUN_MS must be at least 1000 (ms)' })
  @Max(7 * 24 * 3_600_000, { message: 'SAGA_MAX_RUN_MS must be at most 604800000 (7 days)' })
  SAGA_MAX_RUN_MS = 6 * 3_600_000;

  /**
   * Days missed since the last day that has a run (ADR 0023): `all` runs each of them, oldest first, before the ticked day;
   * `last` runs only the ticked day; `none` no missed day (not even a late tick of the scheduler).
   */
  @IsIn(CATCH_UP_POLICIES, { message: 'DCO_CATCH_UP must be all, last or none' })
  DCO_CATCH_UP: CatchUpPolicy = 'all';

  /** With DCO_CATCH_UP=all: more missed days than this wait for an operator's approval (0: always ask). */
  @IsInt({ message: 'DCO_CATCH_UP_MAX_DAYS must be an integer number of days' })
  @Min(0, { message: 'DCO_CATCH_UP_MAX_DAYS must be at least 0' })
  @Max(MAX_CATCH_UP_DAYS, { message: `DCO_CATCH_UP_MAX_DAYS must be at most ${MAX_CATCH_UP_DAYS}` })
  DCO_CATCH_UP_MAX_DAYS = 7;

  /**
   * When a non-urgent change set is applied (ADR 0027): `tick` at once, when the run gets to it; `forecast` in the
   * predicted lowest-load window that still ends, at the stages' expected durations, before the DCO deadline.
   */
  @IsIn(UPDATE_WINDOW_POLICIES, { message: 'DCO_UPDATE_WINDOW must be tick or forecast' })
  DCO_UPDATE_WINDOW: UpdateWindowPolicy = 'tick';

  /**
   * Where a day's infrastructure change set goes first (ADR 0032): `direct` to production; `staging-first` to the staging
   * environment, soaked for DCO_STAGING_SOAK_MS with its health compared to before, then to production in the same window.
   */
  @IsIn(PROMOTION_POLICIES, { message: 'DCO_PROMOTION must be direct or staging-first' })
  DCO_PROMOTION: PromotionPolicy = DEFAULT_POLICY.promotion.policy;

  /** With DCO_PROMOTION=staging-first: how long staging runs the change set before it is judged (0: judged at once). */
  @IsInt({ message: 'DCO_STAGING_SOAK_MS must be an integer number of milliseconds' })
  @Min(0, { message: 'DCO_STAGING_SOAK_MS must be at least 0' })
  @Max(MAX_SOAK_MS, { message: `DCO_STAGING_SOAK_MS must be at most ${MAX_SOAK_MS} (6 h)` })
  DCO_STAGING_SOAK_MS = DEFAULT_POLICY.promotion.soakMs;

  /** Where the load is read from for the forecast: this process's metrics (`metrics`) or CloudWatch (`cloudwatch`). */
  @IsIn(['metrics', 'cloudwatch'], { message: 'DCO_LOAD_SOURCE must be metrics or cloudwatch' })
  DCO_LOAD_SOURCE: 'metrics' | 'cloudwatch' = 'metrics';

  /** With DCO_LOAD_SOURCE=cloudwatch: `Namespace:MetricName[:Name=Value,...]`, e.g. `AWS/ECS:CPUUtilization:ClusterName=dco`. */
  @IsOptional()
  @Matches(CLOUDWATCH_METRIC_PATTERN, {
    message: 'DCO_LOAD_CLOUDWATCH_METRIC must be Namespace:MetricName[:Name=Value,...]',
  })
  DCO_LOAD_CLOUDWATCH_METRIC?: string;

  /** UTC days whose load the forecast does not learn from (public holidays), comma-separated YYYY-MM-DD. */
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}(,\d{4}-\d{2}-\d{2})*$/, {
    message: 'DCO_LOAD_HOLIDAYS must be comma-separated days YYYY-MM-DD',
  })
  DCO_LOAD_HOLIDAYS?: string;

  /** Change risks that need an operator's approval, comma-separated (low, medium, high); "none" for none. */
  @Matches(/^(none|(low|medium|high)(,(low|medium|high))*)$/, {
    message: 'SAGA_APPROVAL_RISKS must be "none" or a comma-separated list of low, medium, high',
  })
  SAGA_APPROVAL_RISKS = 'high';

  /** How often the step timer looks for overdue steps. */
  @IsInt({ message: 'SAGA_TIMER_INTERVAL_MS must be an integer' })
  @Min(50)
  @Max(600_000)
  SAGA_TIMER_INTERVAL_MS = 1_000;

  /** How long the start may take to read every run back from the SagaState topic. */
  @IsInt({ message: 'SAGA_STATE_LOAD_TIMEOUT_MS must be an integer' })
  @Min(1_000)
  SAGA_STATE_LOAD_TIMEOUT_MS = 60_000;

  /**
   * The orchestrator's consumer-group session (the common default is 30 s): a killed active's lease, and its input
   * partitions, move to a standby after this long. Short is safe here because the new active fences its predecessor
   * through the exclusive transactional id before it reads anything (ADR 0004). Within the broker's 6 s minimum.
   */
  @IsInt({ message: 'KAFKA_SESSION_TIMEOUT_MS must be an integer' })
  @Min(6_000, { message: 'KAFKA_SESSION_TIMEOUT_MS must be at least 6000 (the broker refuses shorter sessions)' })
  @Max(300_000, { message: 'KAFKA_SESSION_TIMEOUT_MS must be at most 300000' })
  override KAFKA_SESSION_TIMEOUT_MS = 8_000;
}
