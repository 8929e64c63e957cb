// The Kafka adapter passes the MessageBus contract on the real broker, each test in its own topic namespace; plus topics
// and what only Kafka has: partitions consumed concurrently, with their chunks sharing transactions.
import { fixtureMessage } from '@dco/contracts';
import { randomUUID } from 'node:crypto';
import { eventually, messageBusContract } from './message-bus.contract';
import { KafkaMessageBus } from './kafka-message-bus.adapter';
import { HandlerOutput } from './message-bus.port';
import { KafkaTestNamespace, testBrokers, testKafka } from './testing/kafka-test-cluster';
import { hookTransactions } from './testing/transaction-hook';

messageBusContract('kafka', async (topics) => (await new KafkaTestNamespace(topics).open()).harness(), {
  timeoutMs: 30_000,
});

describe('KafkaMessageBus.ensureTopics', () => {
  it('creates each topic and its .dlq with the configured partitions, and is safe to race and repeat', async () => {
    const prefix = `it-${randomUUID().slice(0, 8)}.`;
    const make = () =>
      new KafkaMessageBus({
        brokers: testBrokers(),
        clientId: 'dco-test',
        topicPrefix: prefix,
        partitions: 4,
        logLevel: 'error',
      });
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

describe('KafkaMessageBus with partitions consumed concurrently', () => {
  let ns: KafkaTestNamespace;

  beforeEach(async () => {
    ns = await new KafkaTestNamespace(['DetectChanges', 'ChangesDetected'], 3).open();
  });

  afterEach(async () => {
    await ns.close();
  });

  /** A client whose transactional producers report, per transaction, the partitions whose offsets it committed. */
  function countingKafka(transactions: number[][]) {
    return hookTransactions(testKafka('dco-test-counting'), (txn) => {
      const sendOffsets = txn.sendOffsets.bind(txn);
      txn.sendOffsets = async (offsets) => {
        transactions.push(offsets.topics.flatMap((t) => t.partitions.map((p) => p.partition)));
        return sendOffsets(offsets);
      };
    });
  }

  it('handles several partitions at once, keeps each run in order, and commits chunks that finish together in one transaction', async () => {
    const transactions: number[][] = [];
    const bus = ns.bus({ partitionsConsumedConcurrently: 3, kafka: countingKafka(transactions) });
    const inFlight = new Set<number>();
    let widest = 0;
    const handled = new Map<string, string[]>();
    let allThreeInFlight: () => void = () => undefined;
    const threeInFlight = new Promise<void>((resolve) => (allThreeInFlight = resolve));
    const giveUp = new Promise<void>((resolve) => setTimeout(resolve, 20_000).unref());
    try {
      await bus.subscribe({
        group: `concurrent-${randomUUID().slice(0, 8)}`,
        types: ['DetectChanges'],
        handler: async (m, c): Promise<HandlerOutput> => {
          inFlight.add(c.partition);
          widest = Math.max(widest, inFlight.size);
          if (widest >= 3) allThreeInFlight();
          // Each partition's first record waits until all three partitions are in a handler at the same time. One
          // promise releases them together: their chunks then finish while the first one's transaction is in flight.
          // (Each polling on its own 20 ms timer let them go up to 20 ms apart; in about 1 run of 25 each chunk then
          // had a transaction of its own and the group-commit assertion failed.)
          if (!handled.has(m.runId) && handled.size < 3) await Promise.race([threeInFlight, giveUp]);
          handled.set(m.runId, [...(handled.get(m.runId) ?? []), m.eventId]);
          inFlight.delete(c.partition);
          return {
            messages: [
              fixtureMessage('ChangesDetected', {
                eventId: randomUUID(),
                runId: m.runId,
                causationId: m.eventId,
              } as never),
            ],
          };
        },
      });
      // Runs whose keys cover the three partitions; several records each, published at once.
      const runs = Array.from({ length: 12 }, (_, i) => `dco-2027-01-${String(i + 1).padStart(2, '0')}`);
      const sent = runs.flatMap((runId) =>
        Array.from({ length: 4 }, () => fixtureMessage('DetectChanges', { eventId: randomUUID(), runId } as never)),
      );
      await bus.publish(...sent);

      const answers = await eventually(
        'an answer per command',
        () => (ns.records('ChangesDetected').length >= sent.length ? ns.records('ChangesDetected') : undefined),
        30_000,
      );
      expect(widest).toBe(3);
      expect(answers).toHaveLength(sent.length);
      expect(answers.map((r) => JSON.parse(r.value?.toString('utf8') ?? '{}').causationId).sort()).toEqual(
        sent.map((m) => m.eventId).sort(),
      );
      for (const runId of runs)
        expect(handled.get(runId)).toEqual(sent.filter((m) => m.runId === runId).map((m) => m.eventId));
      // Group commit: at least one transaction carried the offsets of more than one partition.
      expect(Math.max(...transactions.map((partitions) => partitions.length))).toBeGreaterThan(1);
    } finally {
      await bus.close();
    }
  });
});
