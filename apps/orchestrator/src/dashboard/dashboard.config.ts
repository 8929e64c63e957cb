// Environment of the dashboard and alerting part of the orchestrator (validated at boot).
import { IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min } from 'class-validator';

export const DASHBOARD_CONFIG = Symbol('DashboardConfig');

export class DashboardConfig {
  /** Base URL of the Jaeger UI the dashboard links each run's trace to. */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] }, { message: 'JAEGER_UI_URL must be an http(s) URL' })
  JAEGER_UI_URL = 'http://127.0.0.1:16686';

  /** EventBridge bus the alerts are published on. */
  @Matches(/^[A-Za-z0-9._\-/:]{1,256}$/, { message: 'DCO_ALERT_EVENT_BUS must be an event bus name or ARN' })
  DCO_ALERT_EVENT_BUS = 'dco-alerts';

  /** When set, the orchestrator creates the alert bus, a rule on source dco.autopilot and this SQS queue as its target at start. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,80}$/, { message: 'DCO_ALERT_QUEUE must be an SQS queue name' })
  DCO_ALERT_QUEUE?: string;

  /** A cause (dedupeKey) is delivered once within this window. */
  @IsInt({ message: 'DCO_ALERT_DEDUPE_WINDOW_MS must be an integer' })
  @Min(0)
  DCO_ALERT_DEDUPE_WINDOW_MS = 3_600_000;

  /** How often stages and runs are checked against their expected durations. */
  @IsInt({ message: 'DCO_ALERT_CHECK_INTERVAL_MS must be an integer' })
  @Min(100)
  @Max(3_600_000)
  DCO_ALERT_CHECK_INTERVAL_MS = 30_000;

  /** A run still going after this long raises RUN_OVERDUE. */
  @IsInt({ message: 'DCO_RUN_EXPECTED_MS must be an integer' })
  @Min(1_000)
  DCO_RUN_EXPECTED_MS = 3 * 3_600_000;

  /** How often the infrastructure panel reads the live fleet (EC2), services (ECS) and Neo4j pointer; also on page load. */
  @IsInt({ message: 'DCO_DASHBOARD_INFRA_REFRESH_MS must be an integer' })
  @Min(1_000, { message: 'DCO_DASHBOARD_INFRA_REFRESH_MS must be at least 1000 (ms)' })
  @Max(3_600_000, { message: 'DCO_DASHBOARD_INFRA_REFRESH_MS must be at most 3600000 (ms)' })
  DCO_DASHBOARD_INFRA_REFRESH_MS = 30_000;

  /** How long each part of that read (EC2, ECS, pointer) may take before the panel shows DASHBOARD.INFRA_TIMEOUT. */
  @IsInt({ message: 'DCO_DASHBOARD_INFRA_TIMEOUT_MS must be an integer' })
  @Min(100, { message: 'DCO_DASHBOARD_INFRA_TIMEOUT_MS must be at least 100 (ms)' })
  @Max(120_000, { message: 'DCO_DASHBOARD_INFRA_TIMEOUT_MS must be at most 120000 (ms)' })
  DCO_DASHBOARD_INFRA_TIMEOUT_MS = 5_000;

  /** The ECS cluster whose services the infrastructure panel shows (infra/'s cluster_name). */
  @Matches(/^[A-Za-z0-9_-]{1,255}$/, { message: 'DCO_ECS_CLUSTER must be an ECS cluster name' })
  DCO_ECS_CLUSTER = 'dco-autopilot';

  /** Where the services' state lives; the Neo4j pointer file defaults to <DCO_STATE_DIR>/neo4j-pointer.json. */
  @IsString()
  DCO_STATE_DIR = '.stack';
}
