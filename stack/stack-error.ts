// Coded errors of the local stack (STACK.REASON), each naming the log file an operator should read next.
// The files, not the barrel: the stack CLI stays light and decorator-free.
import { StackErrorCode } from '../libs/contracts/src/codes';
import { CodedError } from '../libs/contracts/src/errors';

export type { StackErrorCode } from '../libs/contracts/src/codes';

export class StackError extends CodedError {
  readonly logFile?: string;

  constructor(
    code: StackErrorCode,
    message: string,
    options: { logFile?: string; detail?: string; cause?: unknown } = {},
  ) {
    super(code, options.logFile ? `${message} (read ${options.logFile})` : message, options.detail, {
      cause: options.cause,
    });
    this.name = 'StackError';
    this.logFile = options.logFile;
  }
}
