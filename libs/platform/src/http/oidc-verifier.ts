// OIDC bearer tokens: a JWT signed by the identity provider's key (its JWKS), for this issuer and audience, not expired;
// its subject (or name claim) becomes the actor, a roles claim mapped to viewer/operator/admin its role.
import { HttpStatus } from '@nestjs/common';
import { createRemoteJWKSet, errors, JWTPayload, JWTVerifyGetKey, jwtVerify } from 'jose';
import { ApiErrorCode, ConfigError } from '@dco/contracts';
import { ApiHttpError } from './api-error';
import { API_ROLES, ApiActor, ApiRole } from './api-credentials';

export interface OidcSettings {
  DCO_OIDC_ISSUER?: string;
  DCO_OIDC_AUDIENCE?: string;
  DCO_OIDC_JWKS_URL?: string;
  DCO_OIDC_ROLES_CLAIM?: string;
  DCO_OIDC_ROLE_MAP?: string;
  DCO_OIDC_NAME_CLAIM?: string;
}

/** An OIDC actor may only be kept (a dashboard session) until its token expires. */
export interface OidcActor extends ApiActor {
  readonly expiresAt: number;
}

/** Asymmetric algorithms only: a JWKS of public keys must never let an HMAC ("alg": "HS256") token through. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
/** Three base64url parts: what a JWT looks like, and what a named credential's token never is. */
export const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
// eslint-disable-next-line no-control-regex -- control characters are what an actor name must not have
const ACTOR_NAME = /^[^\u0000-\u001f\u007f]{1,200}$/;
const CLAIM_PATH = /^[A-Za-z0-9_:/.-]{1,200}$/;
const CLOCK_TOLERANCE_S = 30;

/** "claimValue:role" entries; by default the claim's values are the role names themselves. */
export function parseOidcRoleMap(text: string | undefined): Map<string, ApiRole> {
  const map = new Map<string, ApiRole>();
  if (text === undefined || text.trim() === '') {
    for (const role of API_ROLES) map.set(role, role);
    return map;
  }
  for (const entry of text
    .split(/[,\n]/)
    .map((part) => part.trim())
    .filter(Boolean)) {
    const separator = entry.lastIndexOf(':');
    const value = entry.slice(0, separator);
    const role = entry.slice(separator + 1);
    if (separator <= 0 || !(API_ROLES as readonly string[]).includes(role))
      throw new ConfigError(`DCO_OIDC_ROLE_MAP: entries are claimValue:role with role ${API_ROLES.join(', ')}`);
    map.set(value, role as ApiRole);
  }
  return map;
}

/** The issuer or JWKS URL: https, or http on this machine only (a local identity provider, the specs). */
export function parseOidcUrl(text: string, variable: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`${variable} must be a URL`);
  }
  const local = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local))
    throw new Error(`${variable} must be an https URL (http only for 127.0.0.1 or localhost)`);
  return url;
}

export function parseOidcClaimPath(text: string, variable: string): string[] {
  if (!CLAIM_PATH.test(text)) throw new Error(`${variable} must be a claim name or a dotted path of claim names`);
  return text.split('.');
}

function claimAt(payload: JWTPayload, path: string[]): unknown {
  let value: unknown = payload;
  for (const key of path) {
    if (value === null || typeof value !== 'object' || !Object.prototype.hasOwnProperty.call(value, key))
      return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

const refused = (code: ApiErrorCode, message: string, status = HttpStatus.UNAUTHORIZED) =>
  new ApiHttpError(code, message, status);

export class OidcVerifier {
  private readonly rolesClaim: string[];
  private readonly nameClaim: string[];
  private readonly roleMap: Map<string, ApiRole>;

  constructor(
    private readonly settings: Required<Pick<OidcSettings, 'DCO_OIDC_ISSUER' | 'DCO_OIDC_AUDIENCE'>> & OidcSettings,
    private readonly keys: JWTVerifyGetKey,
    private readonly now: () => number = Date.now,
  ) {
    this.rolesClaim = parseOidcClaimPath(settings.DCO_OIDC_ROLES_CLAIM ?? 'roles', 'DCO_OIDC_ROLES_CLAIM');
    this.nameClaim = parseOidcClaimPath(settings.DCO_OIDC_NAME_CLAIM ?? 'sub', 'DCO_OIDC_NAME_CLAIM');
    this.roleMap = parseOidcRoleMap(settings.DCO_OIDC_ROLE_MAP);
  }

  /** The actor of a valid token, or a coded refusal: API.TOKEN_* (401), API.TOKEN_NO_ROLE (403), API.OIDC_UNAVAILABLE (503). */
  async verify(token: string): Promise<OidcActor> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        issuer: this.settings.DCO_OIDC_ISSUER,
        audience: this.settings.DCO_OIDC_AUDIENCE,
        algorithms: ALGORITHMS,
        requiredClaims: ['exp'],
        clockTolerance: CLOCK_TOLERANCE_S,
        currentDate: new Date(this.now()),
      }));
    } catch (error) {
      throw refusalOf(error);
    }
    const name = claimAt(payload, this.nameClaim);
    if (typeof name !== 'string' || !ACTOR_NAME.test(name))
      throw refused(
        'API.TOKEN_INVALID',
        `the token's ${this.nameClaim.join('.')} claim is not a name (1-200 characters)`,
      );
    const claimed = claimAt(payload, this.rolesClaim);
    const values = Array.isArray(claimed) ? claimed : [claimed];
    const roles = values.flatMap((value) => {
      const role = typeof value === 'string' ? this.roleMap.get(value) : undefined;
      return role ? [role] : [];
    });
    if (roles.length === 0)
      throw refused(
        'API.TOKEN_NO_ROLE',
        `${name} has no role of this API in the token's ${this.rolesClaim.join('.')} claim`,
        HttpStatus.FORBIDDEN,
      );
    const role = API_ROLES[Math.max(...roles.map((r) => API_ROLES.indexOf(r)))];
    return { name, role, expiresAt: (payload.exp ?? 0) * 1000 };
  }
}

function refusalOf(error: unknown): ApiHttpError {
  if (error instanceof errors.JWTExpired) return refused('API.TOKEN_EXPIRED', 'the bearer token has expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'iss') return refused('API.TOKEN_ISSUER_INVALID', 'the bearer token is from another issuer');
    if (error.claim === 'aud')
      return refused('API.TOKEN_AUDIENCE_INVALID', 'the bearer token is not meant for this API (audience)');
    return refused('API.TOKEN_INVALID', `the bearer token's ${error.claim} claim is not valid: ${error.reason}`);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey)
    return refused('API.TOKEN_SIGNATURE_INVALID', "the bearer token is not signed by a key of the issuer's JWKS");
  // A JWKS that cannot be fetched: a timeout, a network error (not a JOSEError), or an answer other than 200 (generic).
  if (
    error instanceof errors.JWKSTimeout ||
    error instanceof errors.JWKSInvalid ||
    !(error instanceof errors.JOSEError) ||
    error.code === 'ERR_JOSE_GENERIC'
  )
    return refused(
      'API.OIDC_UNAVAILABLE',
      "the identity provider's signing keys (JWKS) cannot be fetched; try again",
      HttpStatus.SERVICE_UNAVAILABLE,
    );
  return refused('API.TOKEN_INVALID', `the bearer token is not a valid JWT (${error.code})`);
}

/** The verifier of the configured identity provider, or undefined when OIDC is not configured. */
export function oidcVerifierOf(settings: OidcSettings, now: () => number = Date.now): OidcVerifier | undefined {
  const { DCO_OIDC_ISSUER: issuer, DCO_OIDC_AUDIENCE: audience, DCO_OIDC_JWKS_URL: jwks } = settings;
  if (!issuer && !audience && !jwks) return undefined;
  if (!issuer || !audience || !jwks)
    throw new ConfigError('DCO_OIDC_ISSUER, DCO_OIDC_AUDIENCE and DCO_OIDC_JWKS_URL are set together or not at all');
  const keys = createRemoteJWKSet(parseOidcUrl(jwks, 'DCO_OIDC_JWKS_URL'), { timeoutDuration: 5_000 });
  return new OidcVerifier({ ...settings, DCO_OIDC_ISSUER: issuer, DCO_OIDC_AUDIENCE: audience }, keys, now);
}
