// Errors with a stable code: what use cases throw so that a worker can turn them into a *Failed event without guessing.
import { FailureCode } from './codes';
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

  toFailure(): Failure {
    return { code: this.code as FailureCode, message: this.message, ...(this.detail ? { detail: this.detail.slice(0, 16000) } : {}) };
  }
}

/** Any thrown value as a Failure: coded errors keep their code, anything else is INTERNAL.UNEXPECTED. */
export function toFailure(error: unknown): Failure {
  if (error instanceof CodedError) return error.toFailure();
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL.UNEXPECTED', message: message.slice(0, 4000) };
}
