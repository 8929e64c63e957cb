// HMAC-SHA256 authentication of external change reports: canonical JSON of the data without `signature`, one or more
// keys per producer (by key id, for overlapping rotation), constant-time comparison.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ConfigError } from '@dco/contracts';

/** JSON with object keys sorted at every level and no whitespace: the same data always gives the same bytes. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function signingPayload(data: Record<string, unknown>): string {
  const { signature: _signature, ...rest } = data;
  return canonicalJson(rest);
}

export function signReport(data: Record<string, unknown>, key: Buffer): string {
  return createHmac('sha256', key).update(signingPayload(data), 'utf8').digest('hex');
}

export function signatureMatches(data: Record<string, unknown>, key: Buffer): boolean {
  const given =
    typeof data.signature === 'string' && /^[0-9a-f]{64}$/.test(data.signature)
      ? Buffer.from(data.signature, 'hex')
      : Buffer.alloc(0);
  const expected = Buffer.from(signReport(data, key), 'hex');
  // Compare equal-length buffers always, so a short or missing signature costs the same time as a wrong one.
  const comparable = given.length === expected.length ? given : Buffer.alloc(expected.length);
  return timingSafeEqual(comparable, expected) && given.length === expected.length;
}

/** One signing key of a producer; a report that names a key id is checked against that key only. */
export interface ProducerKey {
  keyId?: string;
  key: Buffer;
}

const PRODUCER = /^[a-z0-9][a-z0-9-]{0,63}$/;
export const KEY_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Parses DCO_EXTERNAL_KEYS: "producer:keyId:base64key" entries (or "producer:base64key", a key without an id), comma
 * separated; each key at least 16 bytes. A producer may have several keys at once, so a rotation overlaps: the new key
 * is added, producers move to it, the old one is removed.
 */
export function parseProducerKeys(text: string | undefined): Map<string, ProducerKey[]> {
  const keys = new Map<string, ProducerKey[]>();
  for (const entry of (text ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const parts = entry.split(':');
    const [producer, keyId, encoded] = parts.length === 3 ? parts : [parts[0], undefined, parts[1] ?? ''];
    const key = Buffer.from(encoded, 'base64');
    const known = keys.get(producer) ?? [];
    if (
      parts.length < 2 ||
      parts.length > 3 ||
      !PRODUCER.test(producer) ||
      (keyId !== undefined && !KEY_ID_PATTERN.test(keyId)) ||
      key.length < 16 ||
      known.some((other) => other.keyId === keyId)
    ) {
      throw new ConfigError(
        `DCO_EXTERNAL_KEYS entry for "${(producer || entry).slice(0, 20)}" must be producer:keyId:base64key (or producer:base64key) with a key of at least 16 bytes and key ids unique per producer`,
      );
    }
    keys.set(producer, [...known, { keyId, key }]);
  }
  return keys;
}
