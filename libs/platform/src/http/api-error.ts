// The {code, message} error the platform's HTTP layer answers with (authentication, authorisation, rate limits).
import { HttpException, HttpStatus } from '@nestjs/common';
import { ApiErrorCode } from '@dco/contracts';

export class ApiHttpError extends HttpException {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    status: HttpStatus,
    readonly headers: Record<string, string> = {},
  ) {
    super({ code, message }, status);
  }
}
