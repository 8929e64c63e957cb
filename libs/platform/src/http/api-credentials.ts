// Named API credentials (DCO_API_CREDENTIALS): who may call the HTTP API with which role. Only the sha256 of each token
// is configured, so a leaked configuration does not leak a token; several entries at once allow an overlapping rotation.
import { createHash, timingSafeEqual } from 'node:crypto';
import { ConfigError } from '@dco/contracts';

/** Each role may do what the ones before it may: viewer reads, operator also acts, admin also starts a run for any day. */
export const API_ROLES = ['viewer', 'operator', 'admin'] as const;
export type ApiRole = (typeof API_ROLES)[number];

export interface ApiCredential {
  /** Recorded as the actor of what the credential does (approvals, resumes, run requests). */
  readonly name: string;
  readonly role: ApiRole;
  readonly tokenSha256: Buffer;
}

/** Who is calling: the credential's name and role. */
export interface ApiActor {
  readonly name: string;
  readonly role: ApiRole;
}

const NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;

export function hasRole(actor: Pick<ApiActor, 'role'>, required: ApiRole): boolean {
  return API_ROLES.indexOf(actor.role) >= API_ROLES.indexOf(required);
}

export function sha256Hex(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Parses "name:role:sha256hex" entries separated by commas or new lines (a file may hold one per line, `#` comments
 * allowed). A name may appear more than once (old and new token during a rotation) but always with the same role.
 */
export function parseApiCredentials(text: string | undefined, variable = 'DCO_API_CREDENTIALS'): ApiCredential[] {
  const credentials: ApiCredential[] = [];
  const roles = new Map<string, ApiRole>();
  const entries = (text ?? '')
    .split(/[,\n]/)
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter(Boolean);
  for (const entry of entries) {
    const [name = '', role = '', hash = '', ...rest] = entry.split(':');
    const problem =
      rest.length > 0 || !NAME.test(name)
        ? `"${name.slice(0, 64)}" must be a name (lowercase letters, digits, . _ -, up to 64)`
        : !(API_ROLES as readonly string[]).includes(role)
          ? `role of ${name} must be one of ${API_ROLES.join(', ')}`
          : !SHA256_HEX.test(hash)
            ? `the token hash of ${name} must be the sha256 of the token as 64 lowercase hex digits`
            : roles.has(name) && roles.get(name) !== role
              ? `${name} appears with two roles`
              : undefined;
    if (problem) throw new ConfigError(`${variable}: entries are name:role:sha256hex; ${problem}`);
    roles.set(name, role as ApiRole);
    credentials.push({ name, role: role as ApiRole, tokenSha256: Buffer.from(hash, 'hex') });
  }
  return credentials;
}

/** The credential whose token this is, comparing the hashes in constant time (every entry is compared). */
export function findCredential(credentials: readonly ApiCredential[], token: string): ApiCredential | undefined {
  const given = Buffer.from(sha256Hex(token), 'hex');
  let found: ApiCredential | undefined;
  for (const credential of credentials) if (timingSafeEqual(given, credential.tokenSha256)) found ??= credential;
  return found;
}
