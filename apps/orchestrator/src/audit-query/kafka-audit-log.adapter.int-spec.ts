// The Kafka AuditLog on the real broker: the AuditLog contract, the audit topic's retention as declared, and an entry of
// an aborted transaction never read (an audit entry exists only with the committed transition that caused it).
import { ConfigResourceTypes } from 'kafkajs';
import { FIXTURE_DATA, createMessage, runIdOf, serializeMessage, systemClock } from '@dco/contracts';
import { AUDIT_RETENTION_MS } from '@dco/messaging';
import { uuidGenerator } from '@dco/platform';
import { KafkaTestNamespace, testBrokers } from '../../../../libs/messaging/src/testing/kafka-test-cluster';
import { auditLogContract } from './audit-log.contract';
import { KafkaAuditLog } from './kafka-audit-log.adapter';

jest.setTimeout(60_000);

/** A namespace whose audit topic the bus creates (with its declared configuration); close() deletes it too. */
async function openNamespace() {
  const namespace = await new KafkaTestNamespace(['DailyTick']).open();
  const bus = namespace.bus();
  const log = () =>
    new KafkaAuditLog({
      brokers: testBrokers(),
      clientId: 'audit-log-it',
      namespace: 'it',
      topicPrefix: namespace.prefix,
      timeoutMs: 20_000,
    });
  const close = async () => {
    await bus.close();
    const admin = namespace.kafka.admin();
    await admin.connect();
    const audit = `${namespace.prefix}AuditRecorded`;
    await admin.deleteTopics({ topics: [audit, `${audit}.dlq`] }).catch(() => undefined);
    await admin.disconnect();
    await namespace.close();
  };
  return { namespace, bus, log, close };
}

auditLogContract('kafka', openNamespace, 45_000);

describe('the Kafka audit topic', () => {
  it('is created with time-based retention for audits, never compacted, and skips an aborted transaction', async () => {
    const { namespace, bus, log, close } = await openNamespace();
    try {
      await bus.ensureTopics(['AuditRecorded']);
      const topic = `${namespace.prefix}AuditRecorded`;
      const admin = namespace.kafka.admin();
      await admin.connect();
      const described = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['cleanup.policy', 'retention.ms'] }],
      });
      await admin.disconnect();
      const configs = Object.fromEntries(
        described.resources[0].configEntries.map((e) => [e.configName, e.configValue]),
      );
      expect(configs).toEqual({ 'cleanup.policy': 'delete', 'retention.ms': String(AUDIT_RETENTION_MS) });

      const entry = (summary: string) =>
        serializeMessage(
          createMessage(
            'AuditRecorded',
            { ...FIXTURE_DATA.AuditRecorded, summary },
            { runId: runIdOf('2026-11-26'), producer: 'orchestrator' },
            { clock: systemClock, ids: uuidGenerator },
          ),
        );
      const producer = namespace.kafka.producer({
        transactionalId: `${namespace.prefix}audit-it`,
        idempotent: true,
        maxInFlightRequests: 1,
      });
      await producer.connect();
      try {
        const aborted = await producer.transaction();
        await aborted.send({ topic, messages: [{ key: 'dco-2026-11-26', value: entry('aborted') }] });
        await aborted.abort();
        const committed = await producer.transaction();
        await committed.send({ topic, messages: [{ key: 'dco-2026-11-26', value: entry('committed') }] });
        await committed.commit();
      } finally {
        await producer.disconnect();
      }
      const read = await log().read(() => true);
      expect(read.map((message) => (message.data as { summary: string }).summary)).toEqual(['committed']);
    } finally {
      await close();
    }
  });
});
