// The CloudEvents Kafka binding on the real broker: events written with the official SDK (binary and structured mode)
// to ExternalChangeCloudEvents become stored reports; a record that is no acceptable CloudEvent is dead-lettered with
// its CE.* code, a badly signed one with MSG.BAD_SIGNATURE (as HTTP ones are refused), both on the binding's own DLQ:
// nothing refused reaches ExternalChangeReported.
import { randomBytes, randomUUID } from 'node:crypto';
import { Kafka as CloudEventsKafka, KafkaMessage } from 'cloudevents';
import { Partitioners } from 'kafkajs';
import { systemClock } from '@dco/contracts';
import { KafkaMessageBus } from '@dco/messaging';
import { waitFor } from '@dco/testing';
import { KafkaTestNamespace, testKafka } from '../../../../libs/messaging/src/testing/kafka-test-cluster';
import { ExternalChangesIntake } from './external-changes.intake';
import { EXTERNAL_CLOUD_EVENTS_TOPIC, ExternalCloudEventsConsumer } from './external-cloud-events.consumer';
import { signedCloudEvent } from './external-cloud-event';
import { ExternalInboxConsumer } from './external-inbox.consumer';
import { ExternalInboxHandler } from './external-inbox.handler';
import { InMemoryExternalReportStore } from './external-report.store';
import { ExternalReportVerifier } from './external-report.verifier';

jest.setTimeout(90_000);

describe('external change reports over the CloudEvents Kafka binding', () => {
  const key = randomBytes(32);
  const ids = { next: () => randomUUID() };
  const store = new InMemoryExternalReportStore();
  const kafka = testKafka('dco-cloudevents-spec');
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  let namespace: KafkaTestNamespace;
  let bus: KafkaMessageBus;
  let inbox: ExternalInboxConsumer;
  let cloudEvents: ExternalCloudEventsConsumer;

  const report = (signWith = key) =>
    signedCloudEvent(
      {
        producerId: 'security-feed',
        reportId: `r-${randomUUID()}`,
        reportedAt: new Date().toISOString(),
        change: { kind: 'external', subject: 'openssl', to: '3.0.15', risk: 'high', reason: 'CVE' },
        urgent: false,
      },
      signWith,
    );
  /** What a Kafka client sends for the SDK's message: JSON text, defined headers only. */
  const send = (message: KafkaMessage) =>
    producer.send({
      topic: `${namespace.prefix}${EXTERNAL_CLOUD_EVENTS_TOPIC}`,
      messages: [
        {
          key: message.key || null,
          value: typeof message.value === 'string' ? message.value : JSON.stringify(message.value),
          headers: Object.fromEntries(
            Object.entries(message.headers)
              .filter(([, value]) => value !== undefined)
              .map(([name, value]) => [name, String(value)]),
          ),
        },
      ],
    });

  beforeAll(async () => {
    namespace = await new KafkaTestNamespace([
      'ExternalChangeReported',
      'RunRequested',
      EXTERNAL_CLOUD_EVENTS_TOPIC,
    ]).open();
    bus = namespace.bus();
    const verifier = new ExternalReportVerifier(new Map([['security-feed', [{ key }]]]), store);
    inbox = new ExternalInboxConsumer(
      bus,
      store,
      verifier,
      new ExternalInboxHandler(store, { clock: systemClock, ids }),
      `${namespace.prefix}inbox`,
    );
    await inbox.start();
    const intake = new ExternalChangesIntake(bus, verifier, { clock: systemClock, ids });
    cloudEvents = new ExternalCloudEventsConsumer(intake, {
      kafka,
      groupId: `${namespace.prefix}cloudevents`,
      topicPrefix: namespace.prefix,
    });
    await cloudEvents.start();
    await producer.connect();
  });

  afterAll(async () => {
    await producer.disconnect();
    await cloudEvents.stop();
    await inbox.stop();
    await bus.close();
    await namespace.close();
  });

  it('stores reports sent in binary and structured mode and dead-letters the refused ones with their codes', async () => {
    const binary = report();
    const structured = report();
    const badlySigned = report(randomBytes(32));
    const oldSpec = report();
    await send(CloudEventsKafka.binary(binary));
    await send(CloudEventsKafka.structured(structured));
    await send(CloudEventsKafka.binary(badlySigned));
    await send({
      ...CloudEventsKafka.binary(oldSpec),
      headers: { ...CloudEventsKafka.binary(oldSpec).headers, ce_specversion: '0.3' },
    });
    // Only this attempt's records count: a retry of this test runs on the same topics, after the first attempt's.
    const ofThisAttempt = (topic: string, events: { id: string }[]) =>
      namespace.records(topic).filter((record) => {
        const text = `${record.value?.toString('utf8') ?? ''} ${Object.values(record.headers).join(' ')}`;
        return events.some((event) => text.includes(event.id));
      });

    const known = (event: { id: string }) => store.isKnown({ producerId: 'security-feed', reportId: event.id });
    await waitFor(() => known(binary) && known(structured), {
      description: 'both reports stored',
      timeoutMs: 60_000,
      intervalMs: 100,
    });
    const deadLetters = () => ofThisAttempt(`${EXTERNAL_CLOUD_EVENTS_TOPIC}.dlq`, [badlySigned, oldSpec]);
    await waitFor(() => deadLetters().length >= 2, {
      description: 'the two dead letters',
      timeoutMs: 60_000,
      intervalMs: 100,
    });
    expect(deadLetters().map((record) => record.headers['dco-dlq-code'])).toEqual(
      expect.arrayContaining(['CE.UNSUPPORTED_SPECVERSION', 'MSG.BAD_SIGNATURE']),
    );
    expect(deadLetters()).toHaveLength(2);
    expect(ofThisAttempt('ExternalChangeReported', [binary, structured, badlySigned, oldSpec])).toHaveLength(2);
    expect(namespace.records('ExternalChangeReported.dlq')).toEqual([]);
  });
});
