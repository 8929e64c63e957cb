// The keyed signature of a backup's manifest (HMAC-SHA256): a sha256 footer guards against accidents, only a key guards
// against someone who can write to the backup store.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { CodedError } from '@dco/contracts';

export interface BackupKey {
  keyId: string;
  secret: Buffer;
}

/** What a signed manifest carries: which key, and the HMAC-SHA256 (hex) of the manifest's signed payload. */
export interface BackupSignature {
  keyId: string;
  hmacSha256: string;
}

export const BACKUP_KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
/** 256 bits: the HMAC-SHA256 key size that leaves brute force out of reach. */
export const MIN_BACKUP_KEY_BYTES = 32;
const HEX_HMAC = /^[0-9a-f]{64}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Parses "keyId:base64secret" entries (comma or new line separated). The message never repeats a secret, because config
 * errors are printed.
 */
export function parseBackupKeys(text: string, variable: string): BackupKey[] {
  const entries = text
    .split(/[,\n]/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (entries.length === 0) throw new Error(`${variable} holds no key (expected keyId:base64secret)`);
  const keys = entries.map((entry, index) => {
    const colon = entry.indexOf(':');
    const keyId = colon < 0 ? '' : entry.slice(0, colon);
    const encoded = colon < 0 ? '' : entry.slice(colon + 1);
    if (!BACKUP_KEY_ID.test(keyId))
      throw new Error(
        `${variable} entry ${index + 1}: expected keyId:base64secret with a key id of [A-Za-z0-9._-]{1,64}`,
      );
    const secret = Buffer.from(encoded, 'base64');
    if (!BASE64.test(encoded) || secret.length < MIN_BACKUP_KEY_BYTES)
      throw new Error(`${variable} key ${keyId}: the secret must be base64 of at least ${MIN_BACKUP_KEY_BYTES} bytes`);
    return { keyId, secret };
  });
  const ids = keys.map((key) => key.keyId);
  const twice = ids.find((id, index) => ids.indexOf(id) !== index);
  if (twice !== undefined) throw new Error(`${variable} names the key id ${twice} twice`);
  return keys;
}

/** A fresh key entry ("keyId:base64secret") for a profile that generates its own. */
export function generateBackupKeyEntry(keyId: string): string {
  return `${keyId}:${randomBytes(MIN_BACKUP_KEY_BYTES).toString('base64')}`;
}

/**
 * Signs with one key and accepts a signature by any of the verification keys (the signing key and the ones it replaced):
 * rotation adds the new key as the signing key and keeps the old one for verifying until its backups have expired.
 */
export class BackupSigner {
  private readonly verifying = new Map<string, Buffer>();

  constructor(
    private readonly signingKey: BackupKey,
    verificationKeys: BackupKey[] = [],
  ) {
    for (const key of [signingKey, ...verificationKeys]) {
      const known = this.verifying.get(key.keyId);
      if (known && !known.equals(key.secret))
        throw new CodedError(
          'CONFIG.INVALID',
          `the backup key id ${key.keyId} is configured with two different secrets`,
        );
      this.verifying.set(key.keyId, key.secret);
    }
  }

  get keyId(): string {
    return this.signingKey.keyId;
  }

  sign(payload: string): BackupSignature {
    return { keyId: this.signingKey.keyId, hmacSha256: hmac(this.signingKey.secret, payload) };
  }

  /** Throws DB.BACKUP_UNSIGNED (no signature) or DB.BACKUP_SIGNATURE_INVALID (unknown key, or not this payload's). */
  verify(payload: string, signature: unknown, what: string): void {
    if (signature === undefined || signature === null)
      throw new CodedError('DB.BACKUP_UNSIGNED', `${what} is not signed; a restore only takes signed backups`);
    const { keyId, hmacSha256 } = signature as Partial<BackupSignature>;
    if (typeof keyId !== 'string' || typeof hmacSha256 !== 'string' || !HEX_HMAC.test(hmacSha256))
      throw new CodedError('DB.BACKUP_SIGNATURE_INVALID', `${what} has a malformed signature`);
    const secret = this.verifying.get(keyId);
    if (!secret) {
      throw new CodedError(
        'DB.BACKUP_SIGNATURE_INVALID',
        `${what} is signed with the key ${JSON.stringify(keyId.slice(0, 64))}, which is not a configured verification key`,
      );
    }
    const expected = Buffer.from(hmac(secret, payload), 'hex');
    if (!timingSafeEqual(expected, Buffer.from(hmacSha256, 'hex')))
      throw new CodedError(
        'DB.BACKUP_SIGNATURE_INVALID',
        `${what} does not match its signature (tampered, or another key)`,
      );
  }
}

function hmac(secret: Buffer, payload: string): string {
  return createHmac('sha256', secret).update(payload, 'utf8').digest('hex');
}
