// Why the saga refused a message: the message changes nothing and the code says why (logged and counted by the service).
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
] as const;
export type SagaRejectionCode = (typeof SAGA_REJECTION_CODES)[number];

export interface SagaRejection {
  code: SagaRejectionCode;
  message: string;
}

export const rejection = (code: SagaRejectionCode, message: string): SagaRejection => ({ code, message });
