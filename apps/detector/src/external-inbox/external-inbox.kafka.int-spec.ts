// The external-change inbox on the real Kafka broker: reports posted to the HTTP intake travel through the topic; the
// subscription's accept hook dead-letters every reject with its code, the accepted urgent one starts a run once.
import { randomBytes, randomUUID } from 'node:crypto';
import { systemClock } from '@dco/contracts';
import { KafkaMessageBus } from '@dco/messaging';
import { waitFor as sharedWaitFor } from '@dco/testing';
import { KafkaTestNamespace } from '../../../../libs/messaging/src/testing/kafka-test-cluster';
import { ExternalChangesIntake } from './external-changes.intake';
import { ExternalInboxConsumer } from './external-inbox.consumer';
import { ExternalInboxHandler } from './external-inbox.handler';
import { InMemoryExternalReportStore } from './external-report.store';
import { ExternalReportVerifier } from './external-report.verifier';
import { signReport } from './external-signature';

jest.setTimeout(90_000);

const waitFor = (condition: () => boolean | Promise<boolean>, what: string): Promise<boolean> =>
  sharedWaitFor(condition, { description: what, timeoutMs: 30_000, intervalMs: 100 });

describe('external-change inbox on Kafka', () => {
  const key = randomBytes(32);
  const ids = { next: () => randomUUID() };
  let namespace: KafkaTestNamespace;
  let bus: KafkaMessageBus;
  let consumer: ExternalInboxConsumer;
  const store = new InMemoryExternalReportStore();

  beforeAll(async () => {
    namespace = await new KafkaTestNamespace(['ExternalChangeReported', 'RunRequested']).open();
    bus = namespace.bus();
    const verifier = new ExternalReportVerifier(new Map([['security-feed', key]]), store);
    consumer = new ExternalInboxConsumer(
      bus,
      store,
      verifier,
      new ExternalInboxHandler(store, { clock: systemClock, ids }),
      `${namespace.prefix}inbox`,
    );
    await consumer.start();
  });
  afterAll(async () => {
    await consumer.stop();
    await bus.close();
    await namespace.close();
  });

  it('stores the signed report, starts one run for it, and dead-letters the rejects with their codes', async () => {
    const verifier = new ExternalReportVerifier(new Map([['security-feed', key]]), store);
    const intake = new ExternalChangesIntake(bus, verifier, { clock: systemClock, ids });
    const report = (producerId: string, signWith: Buffer) => {
      const data: Record<string, unknown> = {
        producerId,
        reportId: `r-${randomUUID()}`,
        reportedAt: new Date().toISOString(),
        change: { kind: 'external', subject: 'openssl', to: '3.0.15', risk: 'high', reason: 'CVE-2026-0001' },
        urgent: true,
      };
      data.signature = signReport(data, signWith);
      return data;
    };
    const good = report('security-feed', key);
    const post = (body: Record<string, unknown>) => intake.receive(body, Buffer.byteLength(JSON.stringify(body)));

    expect((await post(good)).status).toBe(202);
    await waitFor(
      () => store.isKnown({ producerId: 'security-feed', reportId: String(good.reportId) }),
      'the accepted report',
    );
    expect((await post(good)).status).toBe(409);
    expect((await post(report('security-feed', randomBytes(32)))).status).toBe(401);
    expect((await post(report('stranger', key))).status).toBe(403);

    await waitFor(() => namespace.records('ExternalChangeReported.dlq').length >= 3, 'three dead letters');
    const codes = namespace
      .records('ExternalChangeReported.dlq')
      .map((record) => record.headers['dco-dlq-code'])
      .sort();
    expect(codes).toEqual(['MSG.BAD_SIGNATURE', 'MSG.REPLAYED', 'MSG.UNKNOWN_PRODUCER']);
    await waitFor(() => namespace.records('RunRequested').length >= 1, 'the RunRequested');
    expect(namespace.records('RunRequested')).toHaveLength(1);
    expect(await store.pendingFor(new Date().toISOString().slice(0, 10))).toHaveLength(1);
  });
});
