// HMAC-SHA256 authentication of external change reports: canonical JSON of the data without `signature`, one key
// per producer, constant-time comparison.
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

/** Parses DCO_EXTERNAL_KEYS: "producerA:base64key,producerB:base64key"; each key at least 16 bytes. */
export function parseProducerKeys(text: string | undefined): Map<string, Buffer> {
  const keys = new Map<string, Buffer>();
  for (const entry of (text ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const separator = entry.indexOf(':');
    const producer = entry.slice(0, separator);
    const key = Buffer.from(entry.slice(separator + 1), 'base64');
    if (separator <= 0 || !/^[a-z0-9][a-z0-9-]{0,63}$/.test(producer) || key.length < 16) {
      throw new ConfigError(
        `DCO_EXTERNAL_KEYS entry for "${producer || entry.slice(0, 20)}" must be producer:base64key with a key of at least 16 bytes`,
      );
    }
    keys.set(producer, key);
  }
  return keys;
}
