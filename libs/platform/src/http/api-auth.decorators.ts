// What the API guard reads on a route: public, the role it needs (default: viewer to read, operator to change), its rate
// limit bucket; and the actor of a request as a parameter.
import { ExecutionContext, SetMetadata, createParamDecorator } from '@nestjs/common';
import type { Request } from 'express';
import { ApiActor, ApiRole } from './api-credentials';

export const PUBLIC_ROUTE = 'dco:public';
export const REQUIRED_ROLE = 'dco:role';
export const RATE_LIMIT_BUCKET = 'dco:rate-limit';

/** Rate-limit buckets: the external intake and the sign-in (per client address), the run decisions (per actor). */
export type RateLimitBucket = 'intake' | 'session' | 'decisions';

/** No credential needed: /health, the dashboard's static page, and routes that authenticate their body themselves. */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** A stricter role than the method's default. */
export const RequiresRole = (role: ApiRole) => SetMetadata(REQUIRED_ROLE, role);

export const RateLimited = (bucket: RateLimitBucket) => SetMetadata(RATE_LIMIT_BUCKET, bucket);

export interface AuthenticatedRequest extends Request {
  actor?: ApiActor;
}

/** The caller, as the guard authenticated it (a route that is not public always has one). */
export const Actor = createParamDecorator((_data: unknown, context: ExecutionContext): ApiActor | undefined => {
  return context.switchToHttp().getRequest<AuthenticatedRequest>().actor;
});
