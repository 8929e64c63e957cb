// A standby orchestrator serves reads only: a request that would change a run (start, approve, reject, resume) gets
// 503 API.NOT_ACTIVE naming the active orchestrator, since the saga would not see it until the standby takes over.
// Registered as an app guard, apart from the API's own authentication, so that both compose.
import { CanActivate, ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { ApiError } from '../runs-api/api-error';
import { Leadership } from './leadership';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

@Injectable()
export class ActiveOnlyGuard implements CanActivate {
  constructor(private readonly leadership: Leadership) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<Request>();
    if (READS.has(request.method) || !request.path.startsWith('/api/runs')) return true;
    if (this.leadership.role === 'active') return true;
    const active = await this.leadership.activeName();
    throw new ApiError(
      'API.NOT_ACTIVE',
      `this orchestrator (${this.leadership.name}) is a standby and changes no run; ${
        active ? `the active one is ${active}` : 'no active orchestrator is known right now'
      }: retry in a few seconds`,
      HttpStatus.SERVICE_UNAVAILABLE,
    );
  }
}
