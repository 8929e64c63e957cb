// OIDC bearer tokens against a real JWKS endpoint (a tiny HTTP server on 127.0.0.1 serving keys made by jose): the
// actor and role a valid token gives, each refusal with its code, the coexistence with named credentials, the variables.
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, JWTPayload, KeyLike, SignJWT } from 'jose';
import { ApiAuthenticator } from './api-authenticator';
import { sha256Hex } from './api-credentials';
import { ApiHttpError } from './api-error';
import { oidcVerifierOf, OidcVerifier } from './oidc-verifier';
import { CommonConfig, loadConfig } from '../config';

const ISSUER = 'https://login.example.test/realms/dco';
const AUDIENCE = 'dco-autopilot';
const NOW = Date.parse('2026-12-05T12:00:00Z');
const seconds = (ms: number) => Math.floor(ms / 1000);

describe('OIDC bearer tokens', () => {
  let server: Server;
  let jwksUrl: string;
  let signingKey: KeyLike;
  let strangerKey: KeyLike;
  let served = true;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    signingKey = pair.privateKey;
    strangerKey = (await generateKeyPair('RS256')).privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    server = createServer((request, response) => {
      if (!served || request.url !== '/jwks') {
        response.writeHead(503).end();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const verifier = (settings: Record<string, string> = {}): OidcVerifier => {
    const made = oidcVerifierOf(
      { DCO_OIDC_ISSUER: ISSUER, DCO_OIDC_AUDIENCE: AUDIENCE, DCO_OIDC_JWKS_URL: jwksUrl, ...settings },
      () => NOW,
    );
    if (!made) throw new Error('OIDC not configured');
    return made;
  };

  const token = (
    claims: JWTPayload = {},
    options: { key?: KeyLike; kid?: string; issuer?: string; audience?: string; expiresAt?: number | null } = {},
  ) => {
    const jwt = new SignJWT({ sub: 'alice', roles: ['operator'], ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? 'k1' })
      .setIssuer(options.issuer ?? ISSUER)
      .setAudience(options.audience ?? AUDIENCE)
      .setIssuedAt(seconds(NOW) - 60);
    if (options.expiresAt !== null) jwt.setExpirationTime(seconds(options.expiresAt ?? NOW + 300_000));
    return jwt.sign(options.key ?? signingKey);
  };

  const refusal = async (verify: Promise<unknown>) => {
    const error = await verify.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ApiHttpError);
    return { code: (error as ApiHttpError).code, status: (error as ApiHttpError).getStatus() };
  };

  it("gives the subject as the actor and the highest mapped role, until the token's expiry", async () => {
    expect(await verifier().verify(await token({ roles: ['viewer', 'operator'] }))).toEqual({
      name: 'alice',
      role: 'operator',
      expiresAt: NOW + 300_000,
    });
  });

  it('reads the roles from a configured claim path through a role map, and the name from a configured claim', async () => {
    const mapped = verifier({
      DCO_OIDC_ROLES_CLAIM: 'realm_access.roles',
      DCO_OIDC_ROLE_MAP: 'dco-readers:viewer,dco-day-override:admin',
      DCO_OIDC_NAME_CLAIM: 'preferred_username',
    });
    const claims = {
      preferred_username: 'Alice Smith',
      realm_access: { roles: ['offline_access', 'dco-day-override'] },
    };
    expect(await mapped.verify(await token(claims))).toMatchObject({ name: 'Alice Smith', role: 'admin' });
    // The role names themselves mean nothing once a map is configured.
    expect(await refusal(mapped.verify(await token({ ...claims, realm_access: { roles: ['operator'] } })))).toEqual({
      code: 'API.TOKEN_NO_ROLE',
      status: 403,
    });
  });

  it.each([
    ['an expired token', { expiresAt: NOW - 120_000 }, 'API.TOKEN_EXPIRED'],
    ['another issuer', { issuer: 'https://evil.example.test' }, 'API.TOKEN_ISSUER_INVALID'],
    ['another audience', { audience: 'someone-else' }, 'API.TOKEN_AUDIENCE_INVALID'],
    ['a signature by another key under the same key id', { key: 'stranger' }, 'API.TOKEN_SIGNATURE_INVALID'],
    ['a key id the JWKS does not have', { kid: 'k9' }, 'API.TOKEN_SIGNATURE_INVALID'],
    ['a token without an expiry', { expiresAt: null }, 'API.TOKEN_INVALID'],
  ] as const)('refuses %s with 401 %s', async (_label, options, code) => {
    const { key, ...rest } = options as { key?: string };
    const signed = await token({}, { ...rest, ...(key ? { key: strangerKey } : {}) });
    expect(await refusal(verifier().verify(signed))).toEqual({ code, status: 401 });
  });

  it('refuses a token with no role of this API with 403 API.TOKEN_NO_ROLE, and a subject that is not a name', async () => {
    expect(await refusal(verifier().verify(await token({ roles: ['offline_access'] })))).toEqual({
      code: 'API.TOKEN_NO_ROLE',
      status: 403,
    });
    expect(await refusal(verifier().verify(await token({ roles: undefined })))).toEqual({
      code: 'API.TOKEN_NO_ROLE',
      status: 403,
    });
    expect(await refusal(verifier().verify(await token({ sub: 'line\nbreak' })))).toEqual({
      code: 'API.TOKEN_INVALID',
      status: 401,
    });
  });

  it('refuses an HMAC-signed token (algorithm confusion) and a token that is not a JWT', async () => {
    const hmac = await new SignJWT({ sub: 'mallory', roles: ['admin'] })
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime(seconds(NOW + 60_000))
      .sign(new TextEncoder().encode('a-shared-secret-of-at-least-32-bytes!!'));
    expect(await refusal(verifier().verify(hmac))).toEqual({ code: 'API.TOKEN_INVALID', status: 401 });
    expect(await refusal(verifier().verify('not.a.jwt'))).toEqual({ code: 'API.TOKEN_INVALID', status: 401 });
  });

  it('answers 503 API.OIDC_UNAVAILABLE while the JWKS cannot be fetched', async () => {
    served = false;
    try {
      expect(await refusal(verifier().verify(await token()))).toEqual({ code: 'API.OIDC_UNAVAILABLE', status: 503 });
    } finally {
      served = true;
    }
  });

  describe('next to named credentials', () => {
    const settings = () => ({
      DCO_API_CREDENTIALS: `ci:operator:${sha256Hex('ci-token')}`,
      DCO_API_RATE_LIMIT_INTAKE: 10,
      DCO_API_RATE_LIMIT_DECISIONS: 10,
    });

    it('takes both, and a session of an OIDC token ends when the token does', async () => {
      const authenticator = new ApiAuthenticator(settings(), () => NOW, verifier());
      const bearer = (value: string) => authenticator.authenticate({ authorization: `Bearer ${value}` });
      expect(await bearer('ci-token')).toEqual({ name: 'ci', role: 'operator' });
      expect(await bearer(await token())).toEqual({ name: 'alice', role: 'operator' });
      const session = await authenticator.openSession(await token({}, { expiresAt: NOW + 60_000 }));
      expect(session.expiresAt).toBe(NOW + 60_000);
      expect(session.maxAgeSeconds).toBe(60);
      expect(await refusal(bearer(await token({}, { audience: 'x' })))).toEqual({
        code: 'API.TOKEN_AUDIENCE_INVALID',
        status: 401,
      });
    });

    it("gives a named credential's session a cookie of the whole 12 h, however the clock ticks while it opens", async () => {
      let clock = NOW;
      const authenticator = new ApiAuthenticator(settings(), () => (clock += 1));
      const session = await authenticator.openSession('ci-token');
      expect(session.maxAgeSeconds).toBe(12 * 3600);
      expect(session.expiresAt - clock).toBeLessThanOrEqual(12 * 3_600_000);
    });

    it('refuses a JWT with API.UNAUTHORIZED when no identity provider is configured', async () => {
      const authenticator = new ApiAuthenticator(settings(), () => NOW);
      expect(await refusal(authenticator.authenticate({ authorization: `Bearer ${await token()}` }))).toEqual({
        code: 'API.UNAUTHORIZED',
        status: 401,
      });
    });
  });

  describe('configuration', () => {
    const problem = (env: Record<string, string>) => {
      try {
        loadConfig(CommonConfig, env);
        return undefined;
      } catch (error) {
        return error as Error & { code: string };
      }
    };

    it('takes the three variables together and refuses one alone, naming the missing ones', () => {
      expect(
        problem({ DCO_OIDC_ISSUER: ISSUER, DCO_OIDC_AUDIENCE: AUDIENCE, DCO_OIDC_JWKS_URL: `${ISSUER}/certs` }),
      ).toBeUndefined();
      const error = problem({ DCO_OIDC_ISSUER: ISSUER });
      expect(error).toMatchObject({ code: 'CONFIG.INVALID' });
      expect(error?.message).toContain('DCO_OIDC_AUDIENCE');
      expect(error?.message).toContain('DCO_OIDC_JWKS_URL');
    });

    it.each([
      ['DCO_OIDC_JWKS_URL', 'http://idp.example.test/certs'],
      ['DCO_OIDC_ISSUER', 'not a url'],
      ['DCO_OIDC_ROLE_MAP', 'dco-admins:root'],
      ['DCO_OIDC_ROLES_CLAIM', 'roles claim'],
    ])('refuses %s=%j with CONFIG.INVALID naming it', (name, value) => {
      const env = { DCO_OIDC_ISSUER: ISSUER, DCO_OIDC_AUDIENCE: AUDIENCE, DCO_OIDC_JWKS_URL: `${ISSUER}/certs` };
      const error = problem({ ...env, [name]: value });
      expect(error).toMatchObject({ code: 'CONFIG.INVALID' });
      expect(error?.message).toContain(name);
    });
  });
});
