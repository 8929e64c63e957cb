// Stable error and failure codes (AREA.REASON), the one registry of them. Operators, alerts and tests match on these, so
// never rename one; codes.spec.ts fails when the source uses a code that is not listed here.

/** Why a message could not be accepted; each is also the dead-letter reason. */
export const MESSAGE_REJECTION_CODES = [
  'MSG.INVALID_JSON',
  'MSG.NOT_AN_ENVELOPE',
  'MSG.UNKNOWN_TYPE',
  'MSG.UNKNOWN_VERSION',
  'MSG.VALIDATION_FAILED',
  'MSG.TOO_LARGE',
  'MSG.BAD_SIGNATURE',
  'MSG.UNKNOWN_PRODUCER',
  'MSG.REPLAYED',
  'MSG.STALE_REPORT',
  'MSG.HANDLER_FAILED',
  'MSG.OUTPUT_REFUSED',
  'MSG.DLQ_TRUNCATED',
  // CloudEvents in front of external change reports (apps/detector/src/external-inbox/external-cloud-event.ts).
  'CE.NOT_A_CLOUD_EVENT',
  'CE.UNSUPPORTED_SPECVERSION',
  'CE.INVALID_ATTRIBUTES',
  'CE.UNSUPPORTED_TYPE',
  'CE.MISSING_DATA',
  'CE.MISSING_SIGNATURE',
] as const;
export type MessageRejectionCode = (typeof MESSAGE_REJECTION_CODES)[number];

/** Failure codes carried by *Failed events and by StepTimedOut. */
export const FAILURE_CODES = [
  'DETECT.SOURCE_FAILED',
  'DETECT.AMI_FILTER_EMPTY',
  'DETECT.AMI_SSM_PATH_EMPTY',
  'DETECT.MANIFEST_INVALID',
  'DETECT.DRIFT_BASELINE_INVALID',
  // The package registry the dependency source asks (ADR 0029).
  'DETECT.PACKAGE_NAME_INVALID',
  'DETECT.REGISTRY_UNREACHABLE',
  'DETECT.REGISTRY_ANSWER_INVALID',
  'INFRA.INIT_FAILED',
  'INFRA.PLAN_FAILED',
  'INFRA.APPLY_FAILED',
  'INFRA.HEALTH_GATE_FAILED',
  'INFRA.CANARY_FAILED',
  'INFRA.HEALTH_REGRESSED',
  // Staging-first promotion (ADR 0032): staging's health across the soak regressed, or staging has no definition.
  'INFRA.STAGING_REGRESSED',
  'INFRA.STAGING_NOT_CONFIGURED',
  'INFRA.ROLLBACK_FAILED',
  'INFRA.NOT_APPROVED',
  'INFRA.PLAN_STALE',
  'INFRA.STORE_FAILED',
  'DB.PROVISION_FAILED',
  'DB.UNREACHABLE',
  // Neo4j refused the login (ADR 0034): no credentials, a wrong user or password.
  'DB.UNAUTHORIZED',
  'DB.BACKUP_FAILED',
  'DB.BACKUP_CORRUPT',
  'DB.BACKUP_UNSIGNED',
  'DB.BACKUP_SIGNATURE_INVALID',
  'DB.RESTORE_FAILED',
  'DB.TARGET_NOT_EMPTY',
  'DB.RESERVED_NAME',
  'DB.BULK_UNSUPPORTED',
  'DB.VALIDATION_MISMATCH',
  'DB.SOURCE_CHANGED',
  'DB.SWITCH_FAILED',
  'DB.HEALTH_REGRESSED',
  'DB.ROLLBACK_FAILED',
  'DB.MIGRATION_LEASE_LOST',
  'DB.MIGRATION_LEASE_FAILED',
  'DCO.INVALID_INPUT',
  'DCO.EXECUTION_FAILED',
  'DCO.TASK_FAILED',
  'DCO.DAY_TOO_LARGE',
  'SAGA.STEP_TIMED_OUT',
  'SAGA.RUN_TIME_EXCEEDED',
  'SAGA.DEFERRED',
  'SAGA.REJECTED',
  'INTERNAL.UNEXPECTED',
] as const;
export type FailureCode = (typeof FAILURE_CODES)[number];

/** Why the saga refused a message: the message changes nothing (logged and counted by the orchestrator). */
export const SAGA_REJECTION_CODES = [
  'SAGA.UNKNOWN_RUN',
  'SAGA.DUPLICATE_START',
  'SAGA.DAY_BUSY',
  'SAGA.DAY_MISMATCH',
  'SAGA.OUT_OF_ORDER',
  'SAGA.STALE_OUTCOME',
  'SAGA.RUN_FINISHED',
  'SAGA.NOT_FAILED',
  'SAGA.NOTHING_TO_RESUME',
  'SAGA.CATCH_UP_DISABLED',
] as const;
export type SagaRejectionCode = (typeof SAGA_REJECTION_CODES)[number];

/** A service or tool refuses to start: a variable or argument is malformed (exit status 78). */
export const CONFIG_ERROR_CODES = ['CONFIG.INVALID'] as const;
export type ConfigErrorCode = (typeof CONFIG_ERROR_CODES)[number];

/** Errors a service raises outside a command: they are logged or retried, never carried by an event. */
export const SERVICE_ERROR_CODES = [
  'ALERT.PUBLISH_FAILED',
  'ALERT.PROVISION_FAILED',
  // The dashboard's live infrastructure read (EC2 fleet, ECS services, Neo4j pointer): a read failed or timed out.
  'DASHBOARD.INFRA_UNAVAILABLE',
  'DASHBOARD.INFRA_TIMEOUT',
  'DB.POINTER_MALFORMED',
  // The healer (ADR 0033): an action refused during a run's DCO without approval; an action that failed; a fail-back
  // not taken because the pointer moved after the fault was seen (its message is in the HEAL.ACTION_FAILED entry).
  'HEAL.DCO_RUNNING',
  'HEAL.ACTION_FAILED',
  'HEAL.TARGET_CHANGED',
  'MSG.BUS_CLOSED',
  'MSG.DLQ_READ_TIMEOUT',
  'MSG.GROUP_JOIN_TIMEOUT',
  'MSG.NOT_AUTHORIZED',
  'MSG.RECORD_PARKED',
  'MSG.TOPICS_NOT_READY',
  'MSG.TOPIC_READ_TIMEOUT',
  'PATH.OUTSIDE_ROOT',
  // Secrets Manager (ADR 0034): a secret held as binary, or one that could not be read (permissions, network).
  'SECRETS.UNREADABLE',
  'SAGA.SNAPSHOT_UNREADABLE',
  'SAGA.STATE_LOAD_TIMEOUT',
  'WAIT.TIMED_OUT',
  'WAIT.ABORTED',
] as const;
export type ServiceErrorCode = (typeof SERVICE_ERROR_CODES)[number];

/**
 * A use case's temporary condition: the bus transport retries the command (with backoff, then dead-letters it) instead of
 * answering it with the step's failure event, because the same command succeeds once the condition lifts.
 */
export const TRANSIENT_ERROR_CODES = ['DB.WRITES_FROZEN', 'DB.MIGRATION_LEASE_HELD', 'INFRA.STATE_LOCKED'] as const;
export type TransientErrorCode = (typeof TRANSIENT_ERROR_CODES)[number];

export function isTransientErrorCode(code: string): code is TransientErrorCode {
  return (TRANSIENT_ERROR_CODES as readonly string[]).includes(code);
}

/** The orchestrator's HTTP API answers {code, message} with one of these. */
export const API_ERROR_CODES = [
  'API.VALIDATION_FAILED',
  'API.UNAUTHORIZED',
  'API.FORBIDDEN',
  'API.TOKEN_EXPIRED',
  'API.TOKEN_ISSUER_INVALID',
  'API.TOKEN_AUDIENCE_INVALID',
  'API.TOKEN_SIGNATURE_INVALID',
  'API.TOKEN_INVALID',
  'API.TOKEN_NO_ROLE',
  'API.OIDC_UNAVAILABLE',
  'API.RATE_LIMITED',
  'API.NOT_FOUND',
  'API.UNAVAILABLE',
  'API.NOT_ACTIVE',
  'API.INTERNAL',
  'RUN.NOT_FOUND',
  'RUN.NOT_AWAITING_APPROVAL',
  'RUN.ALREADY_ACTIVE',
  'RUN.NOT_FAILED',
  'RUN.NOTHING_TO_RESUME',
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/** The dco CLI, npm start and the repository's tools print one of these before exiting non-zero. */
export const CLI_ERROR_CODES = [
  'CLI.ACLS_INCOMPLETE',
  'CLI.API_UNREACHABLE',
  'CLI.FILTER_REQUIRED',
  'CLI.INVALID_ARGUMENT',
  'CLI.INVALID_DAY',
  'CLI.INVALID_NUMBER',
  'CLI.INVALID_OPTION',
  'CLI.INVALID_POSITION',
  'CLI.INVALID_PROFILE',
  'DOCS.STALE',
  'CLI.INVALID_LOG_FORMAT',
  'CLI.INVALID_RUN_ID',
  'CLI.INVALID_URL',
  'CLI.KAFKA_UNAVAILABLE',
  'CLI.MISSING_OPTION',
  'CLI.MISSING_VALUE',
  'CLI.NOT_FOUND',
  'CLI.NO_BROKERS',
  'CLI.NO_TOKEN',
  'CLI.REJECTED',
  'CLI.UNAVAILABLE',
  'CLI.UNEXPECTED',
  'CLI.UNKNOWN_APP',
  'CLI.UNKNOWN_OPTION',
  'CLI.UNKNOWN_TYPE',
  'DAY.INTERRUPTED',
  'DAY.PREPARATION_FAILED',
  'DAY.RUN_IN_PROGRESS',
  'DAY.SERVICE_FAILED',
  'DAY.STACK_NOT_READY',
  'DAY.TIMED_OUT',
  'DAY.TOPOLOGY_INVALID',
  'DAY.UNEXPECTED',
  'DAY.UNKNOWN_SCENARIO',
  'DCO.NEO4J_UNAVAILABLE',
  'DCO.OFFERING_NOT_FOUND',
  'DCO.VERIFY_FAILED',
  'DEPLOY.INVALID',
  // DR drills (`dco drill`, the scheduled drill): a run is active, a drill missed its objective, an unknown kind.
  'DR.RUN_ACTIVE',
  'DR.OBJECTIVE_MISSED',
  'DR.UNKNOWN_KIND',
] as const;
export type CliErrorCode = (typeof CLI_ERROR_CODES)[number];

/** The local stack installer (npm run stack:*); each names the log file an operator should read next. */
export const STACK_ERROR_CODES = [
  'STACK.BUILD_FAILED',
  'STACK.COMMAND_FAILED',
  'STACK.PORT_IN_USE',
  'STACK.NOT_READY',
  'STACK.START_FAILED',
  'STACK.STOP_FAILED',
  'STACK.LOCKED',
  'STACK.CONFIG_INVALID',
  'STACK.CONFIG_MISSING',
  'STACK.UNKNOWN_COMPONENT',
  'STACK.TOOL_MISSING',
  'STACK.NOT_OWNED',
] as const;
export type StackErrorCode = (typeof STACK_ERROR_CODES)[number];

/** Every code the project uses. */
export const ERROR_CODES = [
  ...MESSAGE_REJECTION_CODES,
  ...FAILURE_CODES,
  ...SAGA_REJECTION_CODES,
  ...CONFIG_ERROR_CODES,
  ...SERVICE_ERROR_CODES,
  ...TRANSIENT_ERROR_CODES,
  ...API_ERROR_CODES,
  ...CLI_ERROR_CODES,
  ...STACK_ERROR_CODES,
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}
