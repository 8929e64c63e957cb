// Stable error and failure codes (AREA.REASON). Operators, alerts and tests match on these, so never rename one.

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
  'MSG.HANDLER_FAILED',
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
  'DETECT.MANIFEST_INVALID',
  'INFRA.INIT_FAILED',
  'INFRA.PLAN_FAILED',
  'INFRA.APPLY_FAILED',
  'INFRA.HEALTH_GATE_FAILED',
  'INFRA.CANARY_FAILED',
  'INFRA.ROLLBACK_FAILED',
  'INFRA.NOT_APPROVED',
  'DB.PROVISION_FAILED',
  'DB.UNREACHABLE',
  'DB.BACKUP_FAILED',
  'DB.BACKUP_CORRUPT',
  'DB.RESTORE_FAILED',
  'DB.TARGET_NOT_EMPTY',
  'DB.RESERVED_NAME',
  'DB.VALIDATION_MISMATCH',
  'DB.SOURCE_CHANGED',
  'DB.SWITCH_FAILED',
  'DB.ROLLBACK_FAILED',
  'DCO.INVALID_INPUT',
  'DCO.EXECUTION_FAILED',
  'DCO.TASK_FAILED',
  'SAGA.STEP_TIMED_OUT',
  'SAGA.RUN_TIME_EXCEEDED',
  'SAGA.DEFERRED',
  'SAGA.REJECTED',
  'INTERNAL.UNEXPECTED',
] as const;
export type FailureCode = (typeof FAILURE_CODES)[number];
