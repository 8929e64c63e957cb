// The global guard of every service's HTTP routes: public routes pass, every other one needs a credential whose role is
// at least the route's (viewer to read, operator to change anything), and rate-limited routes count their callers.
import { CanActivate, ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import { ApiHttpError } from './api-error';
import { ApiRole, hasRole } from './api-credentials';
import { ApiAuthenticator } from './api-authenticator';
import {
  AuthenticatedRequest,
  PUBLIC_ROUTE,
  RATE_LIMIT_BUCKET,
  REQUIRED_ROLE,
  RateLimitBucket,
} from './api-auth.decorators';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

@Injectable()
export class ApiAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: ApiAuthenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // Command handlers on the bus transport are not HTTP: the bus has its own boundary.
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const bucket = this.reflector.getAllAndOverride<RateLimitBucket | undefined>(RATE_LIMIT_BUCKET, targets);
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) {
      if (bucket) this.limit(context, bucket, clientAddress(request));
      return true;
    }
    const actor = await this.authenticator.authenticate(request.headers);
    const required =
      this.reflector.getAllAndOverride<ApiRole | undefined>(REQUIRED_ROLE, targets) ??
      (READS.has(request.method) ? 'viewer' : 'operator');
    if (!hasRole(actor, required))
      throw new ApiHttpError(
        'API.FORBIDDEN',
        `${actor.name} is ${actor.role}; ${request.method} ${request.path} needs ${required}`,
        HttpStatus.FORBIDDEN,
      );
    request.actor = actor;
    if (bucket) this.limit(context, bucket, bucket === 'decisions' ? `actor:${actor.name}` : clientAddress(request));
    return true;
  }

  private limit(context: ExecutionContext, bucket: RateLimitBucket, key: string): void {
    const retryAfter = this.authenticator.rateLimit(bucket, key);
    if (retryAfter === undefined) return;
    context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(retryAfter));
    throw new ApiHttpError(
      'API.RATE_LIMITED',
      `too many ${bucket} requests from ${key}; retry in ${retryAfter} s`,
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

function clientAddress(request: AuthenticatedRequest): string {
  return `address:${request.ip ?? request.socket.remoteAddress ?? 'unknown'}`;
}
