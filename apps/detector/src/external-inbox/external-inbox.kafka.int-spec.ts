// The external-change inbox on the real Kafka broker: only the reports the intake accepts travel through the topic (a
// refused one never reaches Kafka); a forged report written to the topic directly is dead-lettered with its code by the
// subscription's accept hook; the accepted urgent one starts a run once.
import { randomBytes, randomUUID } from 'node:crypto';
import { createMessage, runIdOf, systemClock } from '@dco/contracts';
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
    const verifier = new ExternalReportVerifier(new Map([['security-feed', [{ key }]]]), store);
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

  it('stores the signed report, starts one run for it, keeps refused reports off Kafka, dead-letters a forged one', async () => {
    const verifier = new ExternalReportVerifier(new Map([['security-feed', [{ key }]]]), store);
    const intake = new ExternalChangesIntake(bus, verifier, { clock: systemClock, ids });
    const report = (producerId: string, signWith: Buffer, reportedAt = new Date()) => {
      const data: Record<string, unknown> = {
        producerId,
        reportId: `r-${randomUUID()}`,
        reportedAt: reportedAt.toISOString(),
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
    const stale = await post(report('security-feed', key, new Date(Date.now() - 10 * 60_000)));
    expect(stale).toMatchObject({ status: 400, body: { code: 'MSG.STALE_REPORT' } });

    // Written around the intake, straight to the topic: the consumer's accept hook refuses it.
    const forged = report('security-feed', randomBytes(32));
    const day = new Date().toISOString().slice(0, 10);
    await bus.publish(
      createMessage(
        'ExternalChangeReported',
        forged as never,
        { runId: runIdOf(day), producer: 'external' },
        { clock: systemClock, ids },
      ),
    );
    await waitFor(() => namespace.records('ExternalChangeReported.dlq').length >= 1, 'the forged report dead-lettered');
    expect(namespace.records('ExternalChangeReported.dlq').map((record) => record.headers['dco-dlq-code'])).toEqual([
      'MSG.BAD_SIGNATURE',
    ]);
    // The accepted report and the forged one; none of the four refused by the intake.
    expect(namespace.records('ExternalChangeReported')).toHaveLength(2);
    await waitFor(() => namespace.records('RunRequested').length >= 1, 'the RunRequested');
    expect(namespace.records('RunRequested')).toHaveLength(1);
    expect(await store.pendingFor(new Date().toISOString().slice(0, 10))).toHaveLength(1);
  });
});
