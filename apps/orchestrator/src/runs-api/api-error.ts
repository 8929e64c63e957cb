// API errors as JSON {code, message} with stable codes, and the filter that shapes every error under /api that way.
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Request, Response } from 'express';
import { API_ERROR_CODES, ApiErrorCode, CodedError } from '@dco/contracts';

export class ApiError extends CodedError {
  declare readonly code: ApiErrorCode;

  constructor(
    code: ApiErrorCode,
    message: string,
    readonly status: HttpStatus,
  ) {
    super(code, message);
    this.name = 'ApiError';
  }
}

export interface ApiErrorBody {
  code: string;
  message: string;
}

/** Status -> code for errors raised by Nest itself (malformed JSON, unknown route). */
const CODE_OF_STATUS: Partial<Record<number, ApiErrorCode>> = {
  400: 'API.VALIDATION_FAILED',
  401: 'API.UNAUTHORIZED',
  403: 'API.FORBIDDEN',
  429: 'API.RATE_LIMITED',
  404: 'API.NOT_FOUND',
  503: 'API.UNAVAILABLE',
};

@Catch()
export class ApiErrorFilter extends BaseExceptionFilter implements ExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    if (!request?.url?.startsWith('/api/') || response.headersSent) return super.catch(exception, host);
    const [status, body] = toBody(exception);
    response.status(status).json(body);
  }
}

export function toBody(exception: unknown): [number, ApiErrorBody] {
  if (exception instanceof ApiError) return [exception.status, { code: exception.code, message: exception.message }];
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    const message =
      typeof response === 'string'
        ? response
        : String((response as { message?: unknown }).message ?? exception.message);
    // The platform's guard answers with its own code (API.UNAUTHORIZED, API.FORBIDDEN, API.RATE_LIMITED).
    const given = typeof response === 'object' ? (response as { code?: unknown }).code : undefined;
    const code = isApiErrorCode(given)
      ? given
      : (CODE_OF_STATUS[status] ?? (status >= 500 ? 'API.INTERNAL' : 'API.VALIDATION_FAILED'));
    return [status, { code, message }];
  }
  const message = exception instanceof Error ? exception.message : String(exception);
  return [
    HttpStatus.INTERNAL_SERVER_ERROR,
    { code: 'API.INTERNAL', message: `unexpected error: ${message}`.slice(0, 500) },
  ];
}

function isApiErrorCode(value: unknown): value is ApiErrorCode {
  return (API_ERROR_CODES as readonly unknown[]).includes(value);
}
