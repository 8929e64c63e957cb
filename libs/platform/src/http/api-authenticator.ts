// Who a request comes from: a bearer token of a named credential, an OIDC bearer JWT of the configured issuer, or the
// dashboard's session cookie that either was exchanged for (POST /api/session); plus the per-process rate limits of the
// intake and decision endpoints.
import { HttpStatus } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError } from '@dco/contracts';
import type { IncomingHttpHeaders } from 'node:http';
import { ApiHttpError } from './api-error';
import { ApiActor, ApiCredential, findCredential, parseApiCredentials } from './api-credentials';
import { RateLimitBucket } from './api-auth.decorators';
import { RateLimiter } from './rate-limiter';
import { JWT_SHAPE, OidcSettings, OidcVerifier, oidcVerifierOf } from './oidc-verifier';

export const SESSION_COOKIE = 'dco_session';
export const SESSION_TTL_MS = 12 * 3_600_000;

export interface ApiAuthSettings extends OidcSettings {
  DCO_API_CREDENTIALS?: string;
  DCO_API_CREDENTIALS_FILE?: string;
  DCO_API_TLS_CERT_FILE?: string;
  DCO_API_RATE_LIMIT_INTAKE: number;
  DCO_API_RATE_LIMIT_DECISIONS: number;
}

/** The configured credentials: the variable's entries and the file's (either may be empty). */
export function loadApiCredentials(settings: ApiAuthSettings): ApiCredential[] {
  const credentials = parseApiCredentials(settings.DCO_API_CREDENTIALS);
  if (settings.DCO_API_CREDENTIALS_FILE) {
    let text: string;
    try {
      text = readFileSync(settings.DCO_API_CREDENTIALS_FILE, 'utf8');
    } catch (error) {
      throw new ConfigError(
        `DCO_API_CREDENTIALS_FILE (${settings.DCO_API_CREDENTIALS_FILE}) cannot be read: ${(error as Error).message}`,
      );
    }
    credentials.push(...parseApiCredentials(text, 'DCO_API_CREDENTIALS_FILE'));
  }
  return credentials;
}

export class ApiAuthenticator {
  private readonly credentials: ApiCredential[];
  private readonly sessions = new Map<string, { actor: ApiActor; expiresAt: number }>();
  private readonly limiters: Record<RateLimitBucket, RateLimiter>;
  readonly secureCookies: boolean;
  private readonly oidc: OidcVerifier | undefined;

  constructor(
    settings: ApiAuthSettings,
    private readonly now: () => number = Date.now,
    /** The OIDC verifier; by default the configured issuer's (none when DCO_OIDC_* are unset). */
    oidc?: OidcVerifier,
  ) {
    this.credentials = loadApiCredentials(settings);
    this.oidc = oidc ?? oidcVerifierOf(settings, now);
    this.secureCookies = Boolean(settings.DCO_API_TLS_CERT_FILE);
    this.limiters = {
      intake: new RateLimiter(settings.DCO_API_RATE_LIMIT_INTAKE, now),
      session: new RateLimiter(settings.DCO_API_RATE_LIMIT_DECISIONS, now),
      decisions: new RateLimiter(settings.DCO_API_RATE_LIMIT_DECISIONS, now),
    };
  }

  /** The caller of a request, or API.UNAUTHORIZED saying what is missing (API.TOKEN_* for a refused OIDC token). */
  async authenticate(headers: IncomingHttpHeaders): Promise<ApiActor> {
    return (await this.authenticateUntil(headers)).actor;
  }

  private async authenticateUntil(headers: IncomingHttpHeaders): Promise<{ actor: ApiActor; expiresAt?: number }> {
    if (this.credentials.length === 0 && !this.oidc)
      throw unauthorized(
        'this service has no API credentials configured (DCO_API_CREDENTIALS, DCO_API_CREDENTIALS_FILE or DCO_OIDC_*), so it answers no one',
      );
    // An identity provider's JWT is a few kB; a named credential's token is short.
    const bearer = /^Bearer ([\x21-\x7e]{1,8192})$/.exec(headers.authorization ?? '');
    if (headers.authorization !== undefined) {
      // A named credential's token is never a JWT: three dot-separated base64url parts go to the identity provider.
      if (bearer && this.oidc && JWT_SHAPE.test(bearer[1])) {
        const { expiresAt, ...actor } = await this.oidc.verify(bearer[1]);
        return { actor, expiresAt };
      }
      const credential = bearer && bearer[1].length <= 512 ? findCredential(this.credentials, bearer[1]) : undefined;
      if (!credential) throw unauthorized('the bearer token is not one of the configured API credentials');
      return { actor: { name: credential.name, role: credential.role } };
    }
    const sessionId = cookieValue(headers.cookie, SESSION_COOKIE);
    if (sessionId !== undefined) {
      const session = this.sessions.get(sessionId);
      if (!session || session.expiresAt <= this.now()) {
        this.sessions.delete(sessionId);
        throw unauthorized('the session has expired or is unknown: sign in again with a token (POST /api/session)');
      }
      return { actor: session.actor };
    }
    throw unauthorized('missing "Authorization: Bearer <token>" header (DCO_API_TOKEN for the dco CLI)');
  }

  /**
   * Exchanges a token for a session id (the dashboard's cookie); a session of an OIDC token ends when the token does.
   * maxAgeSeconds is the cookie's lifetime, whole seconds that do not outlive the session, read from the same instant as
   * expiresAt (a second reading of the clock would make a fresh 12 h session's cookie 43199 s whenever a millisecond passed).
   */
  async openSession(token: string): Promise<{ id: string; actor: ApiActor; expiresAt: number; maxAgeSeconds: number }> {
    const { actor, expiresAt: tokenExpiresAt } = await this.authenticateUntil({ authorization: `Bearer ${token}` });
    const id = randomBytes(32).toString('base64url');
    const openedAt = this.now();
    const expiresAt = Math.min(openedAt + SESSION_TTL_MS, tokenExpiresAt ?? Infinity);
    this.sessions.set(id, { actor, expiresAt });
    for (const [key, session] of this.sessions) if (session.expiresAt <= openedAt) this.sessions.delete(key);
    return { id, actor, expiresAt, maxAgeSeconds: Math.max(0, Math.floor((expiresAt - openedAt) / 1000)) };
  }

  closeSession(headers: IncomingHttpHeaders): void {
    const sessionId = cookieValue(headers.cookie, SESSION_COOKIE);
    if (sessionId !== undefined) this.sessions.delete(sessionId);
  }

  /** Undefined when the request may go on, else the seconds to wait (Retry-After). */
  rateLimit(bucket: RateLimitBucket, key: string): number | undefined {
    return this.limiters[bucket].take(key);
  }
}

function unauthorized(message: string): ApiHttpError {
  return new ApiHttpError('API.UNAUTHORIZED', message, HttpStatus.UNAUTHORIZED);
}

export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const separator = part.indexOf('=');
    if (separator > 0 && part.slice(0, separator).trim() === name) return part.slice(separator + 1).trim();
  }
  return undefined;
}
