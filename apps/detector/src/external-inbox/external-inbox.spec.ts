// The external-change inbox end to end on the in-memory bus: signed reports are kept (urgent ones start a run),
// every kind of bad report is answered with its code and dead-lettered with its reason, nothing of it is stored.
import { randomBytes, randomUUID } from 'node:crypto';
import { ExternalChangeReportedData } from '@dco/contracts';
import { InMemoryMessageBus } from '@dco/messaging';
import { ExternalChangesIntake } from './external-changes.intake';
import { ExternalInboxConsumer } from './external-inbox.consumer';
import { ExternalInboxHandler } from './external-inbox.handler';
import { InMemoryExternalReportStore } from './external-report.store';
import { unsignedReport } from './external-report.fixture';
import { ExternalReportVerifier } from './external-report.verifier';
import { canonicalJson, parseProducerKeys, signReport } from './external-signature';

const key = randomBytes(32);
const keys = parseProducerKeys(`security-feed:${key.toString('base64')}`);
const deps = { clock: { now: () => new Date('2026-11-26T07:00:00Z') }, ids: { next: () => randomUUID() } };

function report(
  overrides: Partial<ExternalChangeReportedData> = {},
  signWith: Buffer | null = key,
): Record<string, unknown> {
  const data: Record<string, unknown> = unsignedReport(overrides);
  if (signWith) data.signature = signReport(data, signWith);
  return data;
}

async function inbox() {
  const bus = new InMemoryMessageBus();
  const store = new InMemoryExternalReportStore();
  const verifier = new ExternalReportVerifier(keys, store);
  const consumer = new ExternalInboxConsumer(bus, store, verifier, new ExternalInboxHandler(store, deps));
  await consumer.start();
  const intake = new ExternalChangesIntake(bus, verifier, deps);
  const post = async (body: unknown) => {
    const answer = await intake.receive(body, Buffer.byteLength(JSON.stringify(body)));
    await bus.broker.idle();
    return answer;
  };
  return { bus, store, post, consumer };
}

describe('external-change inbox', () => {
  it('canonical JSON sorts keys at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[2,{"e":0,"f":1}]},"b":1}',
    );
  });

  it('accepts a signed report and keeps it for the next detection', async () => {
    const { post, store, bus } = await inbox();
    const body = report();
    expect(await post(body)).toEqual({ status: 202, body: { accepted: true, reportId: body.reportId } });
    expect((await store.pendingFor('2026-11-26')).map((stored) => stored.report.reportId)).toEqual([body.reportId]);
    expect(bus.broker.records('RunRequested')).toHaveLength(0);
  });

  it('starts a run for an urgent report', async () => {
    const { post, bus } = await inbox();
    await post(report({ urgent: true }));
    const requests = bus.broker.records('RunRequested');
    expect(requests).toHaveLength(1);
    expect(JSON.parse(requests[0].value?.toString() ?? '{}')).toMatchObject({
      runId: 'dco-2026-11-26',
      data: { day: '2026-11-26', requestedBy: 'external:security-feed' },
    });
  });

  it.each([
    ['a missing signature', () => report({}, null), 400, 'MSG.VALIDATION_FAILED'],
    ['a wrong signature', () => report({}, randomBytes(32)), 401, 'MSG.BAD_SIGNATURE'],
    ['a tampered report', () => ({ ...report(), urgent: true }), 401, 'MSG.BAD_SIGNATURE'],
    ['an unknown producer', () => report({ producerId: 'stranger' }), 403, 'MSG.UNKNOWN_PRODUCER'],
    [
      'an oversized body',
      () => report({ change: { kind: 'external', subject: 's', to: 't', risk: 'low', reason: 'x'.repeat(20_000) } }),
      413,
      'MSG.TOO_LARGE',
    ],
    ['a body that is not an object', () => ['not', 'a', 'report'], 400, 'MSG.INVALID_JSON'],
  ])('rejects %s with a coded answer, stores nothing', async (_label, make, status, code) => {
    const { post, store, bus } = await inbox();
    const answer = await post(make());
    expect(answer).toMatchObject({ status, body: { accepted: false, code } });
    expect(await store.pendingFor('2026-11-26')).toEqual([]);
    expect(bus.broker.records('RunRequested')).toHaveLength(0);
  });

  it('dead-letters rejected reports with their reason', async () => {
    const { post, bus } = await inbox();
    await post(report({}, randomBytes(32)));
    await post(report({ producerId: 'stranger' }));
    await post(report({}, null));
    await post(
      report({ change: { kind: 'external', subject: 's', to: 't', risk: 'low', reason: 'x'.repeat(20_000) } }),
    );
    const dead = bus.broker.deadLetters('ExternalChangeReported');
    expect(dead.map((letter) => letter.code).sort()).toEqual([
      'MSG.BAD_SIGNATURE',
      'MSG.UNKNOWN_PRODUCER',
      'MSG.VALIDATION_FAILED',
      'MSG.VALIDATION_FAILED',
    ]);
    expect(dead.find((letter) => letter.reason.includes('reason'))).toBeDefined();
  });

  it('rejects a replayed report and acts on it only once', async () => {
    const { post, store, bus } = await inbox();
    const body = report({ urgent: true });
    expect((await post(body)).status).toBe(202);
    expect(await post(body)).toMatchObject({ status: 409, body: { code: 'MSG.REPLAYED' } });
    expect(await store.pendingFor('2026-11-26')).toHaveLength(1);
    expect(bus.broker.records('RunRequested')).toHaveLength(1);
    expect(bus.broker.deadLetters('ExternalChangeReported').map((letter) => letter.code)).toEqual(['MSG.REPLAYED']);
  });

  it('answers 202 for a first report also when the consumer has stored it before the publish returns', async () => {
    const { bus, store } = await inbox();
    // A broker that hands the report to the consumer before it acknowledges the publish (on Kafka, whichever of the two
    // answers the client reads first).
    const eager = Object.assign(Object.create(bus) as InMemoryMessageBus, {
      publish: async (...messages: Parameters<InMemoryMessageBus['publish']>) => {
        await bus.publish(...messages);
        await bus.broker.idle();
      },
    });
    const intake = new ExternalChangesIntake(eager, new ExternalReportVerifier(keys, store), deps);
    const body = report();
    expect(await intake.receive(body, Buffer.byteLength(JSON.stringify(body)))).toEqual({
      status: 202,
      body: { accepted: true, reportId: body.reportId },
    });
    expect(store.isKnown(body as unknown as ExternalChangeReportedData)).toBe(true);
    expect((await intake.receive(body, Buffer.byteLength(JSON.stringify(body)))).status).toBe(409);
  });

  it('refuses weak or malformed producer keys', () => {
    expect(() => parseProducerKeys('feed:c2hvcnQ=')).toThrow(expect.objectContaining({ code: 'CONFIG.INVALID' }));
    expect(() => parseProducerKeys('Feed A:' + key.toString('base64'))).toThrow(
      expect.objectContaining({ code: 'CONFIG.INVALID' }),
    );
  });
});
