// The external-change inbox end to end on the in-memory bus: signed reports are kept (urgent ones start a run), every
// kind of bad report is answered with its code and never forwarded to the topic; one forged onto the topic directly is
// dead-lettered with its reason; nothing of it is stored.
import { randomBytes, randomUUID } from 'node:crypto';
import { ExternalChangeReportedData, createMessage } from '@dco/contracts';
import { InMemoryMessageBus } from '@dco/messaging';
import { ExternalChangesIntake } from './external-changes.intake';
import { ExternalInboxConsumer } from './external-inbox.consumer';
import { ExternalInboxHandler } from './external-inbox.handler';
import { InMemoryExternalReportStore } from './external-report.store';
import { unsignedReport } from './external-report.fixture';
import { ExternalReportVerifier } from './external-report.verifier';
import { canonicalJson, parseProducerKeys, signReport } from './external-signature';

const key = randomBytes(32);
const nextKey = randomBytes(32);
// Mid-rotation: the old key without an id and the new one as "2026-12".
const keys = parseProducerKeys(
  `security-feed:${key.toString('base64')},security-feed:2026-12:${nextKey.toString('base64')}`,
);
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
    ['an unknown key id', () => report({ keyId: '2027-01' }, nextKey), 401, 'MSG.BAD_SIGNATURE'],
    ['a key id of another key', () => report({ keyId: '2026-12' }, key), 401, 'MSG.BAD_SIGNATURE'],
    ['a report from 6 minutes ago', () => report({ reportedAt: '2026-11-26T06:54:00Z' }), 400, 'MSG.STALE_REPORT'],
    ['a report from the future', () => report({ reportedAt: '2026-11-26T07:06:00Z' }), 400, 'MSG.STALE_REPORT'],
    [
      'an oversized body',
      () => report({ change: { kind: 'external', subject: 's', to: 't', risk: 'low', reason: 'x'.repeat(20_000) } }),
      413,
      'MSG.TOO_LARGE',
    ],
    ['a body that is not an object', () => ['not', 'a', 'report'], 400, 'MSG.INVALID_JSON'],
  ])('rejects %s with a coded answer, never forwards it, stores nothing', async (_label, make, status, code) => {
    const { post, store, bus } = await inbox();
    const answer = await post(make());
    expect(answer).toMatchObject({ status, body: { accepted: false, code } });
    expect(bus.broker.records('ExternalChangeReported')).toHaveLength(0);
    expect(await store.pendingFor('2026-11-26')).toEqual([]);
    expect(bus.broker.records('RunRequested')).toHaveLength(0);
  });

  it('accepts the reports of both keys during a rotation, named by key id or not', async () => {
    const { post, store } = await inbox();
    const bodies = [report(), report({ keyId: '2026-12' }, nextKey), report({}, nextKey)];
    for (const body of bodies) expect((await post(body)).status).toBe(202);
    expect((await store.pendingFor('2026-11-26')).map((stored) => stored.report.reportId).sort()).toEqual(
      bodies.map((body) => body.reportId).sort(),
    );
  });

  it('dead-letters a report forged onto the topic around the intake, with its reason', async () => {
    const { bus, store } = await inbox();
    const forged = report({}, randomBytes(32));
    await bus.publish(
      createMessage('ExternalChangeReported', forged as never, { runId: 'dco-2026-11-26', producer: 'external' }, deps),
    );
    await bus.broker.idle();
    expect(bus.broker.deadLetters('ExternalChangeReported').map((letter) => letter.code)).toEqual([
      'MSG.BAD_SIGNATURE',
    ]);
    expect(await store.pendingFor('2026-11-26')).toEqual([]);
  });

  it('rejects a replayed report and acts on it only once', async () => {
    const { post, store, bus } = await inbox();
    const body = report({ urgent: true });
    expect((await post(body)).status).toBe(202);
    expect(await post(body)).toMatchObject({ status: 409, body: { code: 'MSG.REPLAYED' } });
    expect(await store.pendingFor('2026-11-26')).toHaveLength(1);
    expect(bus.broker.records('RunRequested')).toHaveLength(1);
    expect(bus.broker.records('ExternalChangeReported')).toHaveLength(1);
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
    const base64 = key.toString('base64');
    for (const text of [
      'feed:c2hvcnQ=',
      `Feed A:${base64}`,
      `feed:bad id!:${base64}`,
      `feed:k1:${base64},feed:k1:${base64}`,
      `feed:a:b:${base64}`,
    ])
      expect(() => parseProducerKeys(text)).toThrow(expect.objectContaining({ code: 'CONFIG.INVALID' }));
    expect(
      parseProducerKeys(`feed:k1:${base64},feed:k2:${base64}`)
        .get('feed')
        ?.map((k) => k.keyId),
    ).toEqual(['k1', 'k2']);
  });
});
