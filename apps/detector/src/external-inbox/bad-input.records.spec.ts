// Bad-input suite, Kafka records (issue 15 item 8): thousands of generated records (valid and forged signatures, broken
// envelopes, random bytes, sizes up to beyond the limit) through the bus's consumer path with the external inbox's
// signature check. Every record is either handled or dead-lettered with a registered code; none is lost, none crashes
// the subscription, every dead letter fits. Deterministic: fixed seed.
import { fixtureMessage, isErrorCode } from '@dco/contracts';
import { HEADERS, InMemoryBroker, InMemoryMessageBus, MAX_DEAD_LETTER_VALUE_BYTES } from '@dco/messaging';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { ExternalReportVerifier } from './external-report.verifier';
import { signReport } from './external-signature';

const SEED = 15_008;
const RUNS = 2_000;
const KEY = Buffer.from('k'.repeat(32));

type Json = Record<string, unknown>;

const report = (): Json => ({
  ...fixtureMessage('ExternalChangeReported', { eventId: randomUUID() } as never),
});

function signed(message: Json): Json {
  const data = { ...(message.data as Json), producerId: 'security-feed' };
  return { ...message, data: { ...data, signature: signReport(data, KEY) } };
}

/** One generated record: its bytes, and how it was made (a valid signed report must be handled, forged ones never). */
const records = fc.oneof(
  fc.constant(null).map(() => {
    const message = signed(report());
    return { kind: 'valid', eventId: message.eventId as string, value: Buffer.from(JSON.stringify(message)) };
  }),
  fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => {
    const signature = Buffer.from(bytes).toString('hex');
    const message = signed(report());
    return {
      kind: 'forged',
      eventId: message.eventId as string,
      value: Buffer.from(JSON.stringify({ ...message, data: { ...(message.data as Json), signature } })),
    };
  }),
  fc.record({ key: fc.string({ maxLength: 20 }), value: fc.jsonValue() }).map(({ key, value }) => {
    const message = signed(report());
    return {
      kind: 'mutated',
      eventId: message.eventId as string,
      value: Buffer.from(JSON.stringify({ ...message, [key || 'type']: value })),
    };
  }),
  fc.record({ key: fc.string({ maxLength: 20 }), value: fc.jsonValue() }).map(({ key, value }) => {
    const message = signed(report());
    const data = { ...(message.data as Json), [key || 'reportId']: value };
    return {
      kind: 'mutated',
      eventId: message.eventId as string,
      value: Buffer.from(JSON.stringify({ ...message, data })),
    };
  }),
  fc
    .uint8Array({ maxLength: 512 })
    .map((bytes) => ({ kind: 'bytes', eventId: undefined as string | undefined, value: Buffer.from(bytes) })),
  fc.jsonValue().map((value) => ({
    kind: 'json',
    eventId: undefined as string | undefined,
    value: Buffer.from(JSON.stringify(value) ?? 'null'),
  })),
  fc.integer({ min: 263_000, max: 1_200_000 }).map((size) => {
    const message = signed(report());
    const data = { ...(message.data as Json), padding: 'x'.repeat(size) };
    return {
      kind: 'large',
      eventId: message.eventId as string,
      value: Buffer.from(JSON.stringify({ ...message, data })),
    };
  }),
);

describe('bad input: generated Kafka records through the external inbox subscription', () => {
  it(`handles or dead-letters each of ${RUNS} records with a registered code; none is lost or crashes`, async () => {
    const broker = new InMemoryBroker();
    const crashed: string[] = [];
    const bus = new InMemoryMessageBus({
      broker,
      sleep: async () => undefined,
      observer: { onSubscriptionCrashed: (event) => void crashed.push(event.error) },
    });
    const verifier = new ExternalReportVerifier(new Map([['security-feed', [{ key: KEY }]]]), { isKnown: () => false });
    const handled: string[] = [];
    await bus.subscribe({
      group: 'bad-input',
      types: ['ExternalChangeReported'],
      accept: verifier.accept,
      handler: async (message) => void handled.push(message.eventId),
    });
    const samples = fc.sample(records, { seed: SEED, numRuns: RUNS });
    for (const sample of samples) {
      broker.append([{ topic: 'ExternalChangeReported', key: 'dco-2026-11-26', value: sample.value, headers: {} }]);
    }
    await bus.idle();

    const dead = broker.deadLetters('ExternalChangeReported');
    const counts = new Map<string, number>();
    for (const letter of dead) counts.set(letter.code, (counts.get(letter.code) ?? 0) + 1);
    process.stdout.write(
      `bad-input records: ${samples.length} generated, ${handled.length} handled, ${dead.length} dead-lettered ` +
        `${JSON.stringify(Object.fromEntries(counts))}\n`,
    );
    expect(crashed).toEqual([]);
    expect(handled.length + dead.length).toBe(samples.length);
    const ids = (kind: string) => samples.filter((sample) => sample.kind === kind).map((sample) => sample.eventId);
    const wasHandled = new Set(handled);
    expect(ids('valid').every((id) => wasHandled.has(id as string))).toBe(true);
    for (const kind of ['forged', 'large', 'bytes', 'json'])
      expect(ids(kind).filter((id) => id !== undefined && wasHandled.has(id))).toEqual([]);
    expect(counts.get('MSG.BAD_SIGNATURE')).toBeGreaterThanOrEqual(ids('forged').length); // + mutated signed fields
    expect(counts.get('MSG.TOO_LARGE')).toBe(ids('large').length);
    for (const letter of dead) {
      expect(isErrorCode(letter.code)).toBe(true);
      expect(letter.value?.length ?? 0).toBeLessThanOrEqual(MAX_DEAD_LETTER_VALUE_BYTES);
      if (letter.truncated) expect(letter.headers[HEADERS.dlqCode]).toBe('MSG.TOO_LARGE');
    }
    for (const code of ['MSG.BAD_SIGNATURE', 'MSG.INVALID_JSON', 'MSG.NOT_AN_ENVELOPE', 'MSG.TOO_LARGE'])
      expect(counts.get(code)).toBeGreaterThan(0);
    await bus.close();
  });
});
