// Coded errors of the local stack (STACK.REASON), each naming the log file an operator should read next.
import { CodedError } from '../libs/contracts/src/errors'; // the file, not the barrel: the stack CLI stays light and decorator-free

export type StackErrorCode =
  | 'STACK.BUILD_FAILED'
  | 'STACK.PORT_IN_USE'
  | 'STACK.NOT_READY'
  | 'STACK.START_FAILED'
  | 'STACK.STOP_FAILED'
  | 'STACK.LOCKED'
  | 'STACK.CONFIG_INVALID'
  | 'STACK.UNKNOWN_COMPONENT'
  | 'STACK.TOOL_MISSING'
  | 'STACK.NOT_OWNED';

export class StackError extends CodedError {
  readonly logFile?: string;

  constructor(code: StackErrorCode, message: string, options: { logFile?: string; detail?: string; cause?: unknown } = {}) {
    super(code, options.logFile ? `${message} (read ${options.logFile})` : message, options.detail, { cause: options.cause });
    this.name = 'StackError';
    this.logFile = options.logFile;
  }
}
