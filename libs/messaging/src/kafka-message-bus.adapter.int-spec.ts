// The Kafka adapter passes the MessageBus contract on the real broker, each test in its own topic namespace; plus topics.
import { randomUUID } from 'node:crypto';
import { messageBusContract } from './message-bus.contract';
import { KafkaMessageBus } from './kafka-message-bus.adapter';
import { KafkaTestNamespace, testBrokers, testKafka } from './testing/kafka-test-cluster';

messageBusContract('kafka', async (topics) => (await new KafkaTestNamespace(topics).open()).harness(), { timeoutMs: 30_000 });

describe('KafkaMessageBus.ensureTopics', () => {
  it('creates each topic and its .dlq with the configured partitions, and is safe to race and repeat', async () => {
    const prefix = `it-${randomUUID().slice(0, 8)}.`;
    const make = () => new KafkaMessageBus({ brokers: testBrokers(), clientId: 'dco-test', topicPrefix: prefix, partitions: 4, logLevel: 'error' });
    const [a, b] = [make(), make()];
    const admin = testKafka('dco-test-topics').admin();
    await admin.connect();
    try {
      await Promise.all([a.ensureTopics(['RunDco', 'DcoCompleted']), b.ensureTopics(['RunDco'])]);
      await a.ensureTopics(['RunDco']);
      const names = ['RunDco', 'RunDco.dlq', 'DcoCompleted', 'DcoCompleted.dlq'].map((t) => `${prefix}${t}`);
      const { topics } = await admin.fetchTopicMetadata({ topics: names });
      expect(topics.map((t) => [t.name, t.partitions.length]).sort()).toEqual(names.map((n) => [n, 4]).sort());
      await admin.deleteTopics({ topics: names });
    } finally {
      await Promise.all([a.close(), b.close(), admin.disconnect()]);
    }
  });
});
