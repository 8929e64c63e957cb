// Errors with a stable code: what use cases throw so that a worker can turn them into a *Failed event without guessing.
// Every error the project throws is a CodedError (or a subclass) whose code is in codes.ts.
import { CONFIG_ERROR_CODES, ErrorCode, FAILURE_CODES, FailureCode } from './codes';
import { Failure } from './messages/common';

export class CodedError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly detail?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CodedError';
  }

  /**
   * The failure a *Failed event carries. A code outside FAILURE_CODES (e.g. a CLI or config code thrown deep in a use
   * case) would make the event itself invalid and dead-letter it, leaving the saga to time out: it becomes
   * INTERNAL.UNEXPECTED with the original code kept in the message.
   */
  toFailure(): Failure {
    const known = (FAILURE_CODES as readonly string[]).includes(this.code);
    const detail = this.detail ? { detail: this.detail.slice(0, 16000) } : {};
    if (known) return { code: this.code as FailureCode, message: this.message, ...detail };
    return { code: 'INTERNAL.UNEXPECTED', message: `${this.code}: ${this.message}`.slice(0, 4000), ...detail };
  }
}

/**
 * A malformed environment variable or argument: services and tools stop with exit status 78 and print
 * `CONFIG.INVALID: <message>`. One problem is the message; several are listed under one line.
 */
export class ConfigError extends CodedError {
  readonly problems: string[];

  constructor(problems: string | string[], options?: { cause?: unknown }) {
    const list = typeof problems === 'string' ? [problems] : problems;
    super(
      'CONFIG.INVALID',
      typeof problems === 'string' ? problems : `invalid environment configuration:\n  - ${list.join('\n  - ')}`,
      undefined,
      options,
    );
    this.name = 'ConfigError';
    this.problems = list;
  }
}

/** True for a ConfigError and for any CodedError with a CONFIG code: the caller should exit with status 78. */
export function isConfigError(error: unknown): error is CodedError {
  return error instanceof CodedError && (CONFIG_ERROR_CODES as readonly string[]).includes(error.code);
}

/** Any thrown value as a Failure: coded errors keep their code, anything else is INTERNAL.UNEXPECTED. */
export function toFailure(error: unknown): Failure {
  if (error instanceof CodedError) return error.toFailure();
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL.UNEXPECTED', message: message.slice(0, 4000) };
}
