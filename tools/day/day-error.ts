// The day tooling's coded errors and the exit status each code means (the operator CLI's statuses: 1 failure,
// 2 usage, 4 another scenario runs, 5 the stack is not up).
import { CodedError } from '@dco/contracts';

export const DAY_EXIT = { OK: 0, FAILURE: 1, USAGE: 2, CONFLICT: 4, UNAVAILABLE: 5 } as const;

export type DayErrorCode =
  | 'DAY.UNKNOWN_SCENARIO'
  | 'DAY.RUN_IN_PROGRESS'
  | 'DAY.STACK_NOT_READY'
  | 'DAY.PREPARATION_FAILED'
  | 'DAY.SERVICE_FAILED'
  | 'DAY.INTERRUPTED'
  | 'DAY.TIMED_OUT'
  | 'DAY.TOPOLOGY_INVALID'
  | 'DAY.UNEXPECTED';

const EXIT_STATUS: Partial<Record<DayErrorCode, number>> = {
  'DAY.UNKNOWN_SCENARIO': DAY_EXIT.USAGE,
  'DAY.RUN_IN_PROGRESS': DAY_EXIT.CONFLICT,
  'DAY.STACK_NOT_READY': DAY_EXIT.UNAVAILABLE,
};

export class DayError extends CodedError {
  declare readonly code: DayErrorCode;

  constructor(code: DayErrorCode, message: string) {
    super(code, message);
    this.name = 'DayError';
  }

  get exitStatus(): number {
    return EXIT_STATUS[this.code] ?? DAY_EXIT.FAILURE;
  }
}
