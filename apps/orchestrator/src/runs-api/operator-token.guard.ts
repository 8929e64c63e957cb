// Only operators holding the configured bearer token may approve, reject or resume a run.
import { CanActivate, ExecutionContext, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { ORCHESTRATOR_CONFIG, OrchestratorConfig } from '../orchestrator.config';
import { ApiError } from './api-error';

@Injectable()
export class OperatorTokenGuard implements CanActivate {
  constructor(@Inject(ORCHESTRATOR_CONFIG) private readonly config: OrchestratorConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const expected = this.config.DCO_OPERATOR_TOKEN;
    if (!expected)
      throw new ApiError(
        'API.UNAUTHORIZED',
        'operator actions (approve, reject, resume) are disabled: the orchestrator has no DCO_OPERATOR_TOKEN configured',
        HttpStatus.UNAUTHORIZED,
      );
    const header = context.switchToHttp().getRequest<Request>().headers.authorization ?? '';
    const match = /^Bearer (.+)$/.exec(header);
    if (!match)
      throw new ApiError(
        'API.UNAUTHORIZED',
        'missing "Authorization: Bearer <operator token>" header',
        HttpStatus.UNAUTHORIZED,
      );
    const given = Buffer.from(match[1]);
    const wanted = Buffer.from(expected);
    if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
      throw new ApiError('API.UNAUTHORIZED', 'the operator token is not valid', HttpStatus.UNAUTHORIZED);
    }
    return true;
  }
}
