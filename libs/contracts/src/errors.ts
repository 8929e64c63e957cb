// Errors with a stable code: what use cases throw so that a worker can turn them into a *Failed event without guessing.
import { FAILURE_CODES, FailureCode } from './codes';
import { Failure } from './messages/common';

export class CodedError extends Error {
  constructor(
    readonly code: FailureCode | string,
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

/** Any thrown value as a Failure: coded errors keep their code, anything else is INTERNAL.UNEXPECTED. */
export function toFailure(error: unknown): Failure {
  if (error instanceof CodedError) return error.toFailure();
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL.UNEXPECTED', message: message.slice(0, 4000) };
}
