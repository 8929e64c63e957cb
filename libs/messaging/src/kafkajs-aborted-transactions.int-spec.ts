// Read-committed consumers on a real broker whose restart left two producers' transactions to abort (ADR 0013): every
// committed record arrives exactly once, no aborted one does, also when the fetch starts past both transactions' starts.
import { Kafka, logLevel, Partitioners, Producer } from 'kafkajs';
import { PrivateKafka, startPrivateKafka, waitFor } from '@dco/testing';
import { createTopicsAndWait } from './kafka-topics';

const TOPIC = 'aborted-around-restart';
const BROKER_MS = 240_000; // a start and a restart of a JVM broker on a shared 2-core machine

describe('kafkajs read-committed consumer after a broker restart aborted two transactions', () => {
  let broker: PrivateKafka;
  let kafka: Kafka;
  const producers: Producer[] = [];

  /** A transactional producer as libs/messaging configures one; connecting fences the id's previous producer. */
  async function transactional(transactionalId: string): Promise<Producer> {
    const producer = kafka.producer({
      transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: 60_000, // longer than the spec: only fencing aborts, in the order the spec chooses
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
    });
    producers.push(producer);
    await producer.connect();
    return producer;
  }

  async function committed(producer: Producer, value: string): Promise<number> {
    const transaction = await producer.transaction();
    const [sent] = await transaction.send({ topic: TOPIC, messages: [{ value }] });
    await transaction.commit();
    return Number(sent.baseOffset);
  }

  async function leftOpen(producer: Producer, value: string): Promise<void> {
    const transaction = await producer.transaction();
    await transaction.send({ topic: TOPIC, messages: [{ value }] });
  }

  /** What a read-committed group (libs/messaging's consumer settings) starting at `offset` hands to its handler. */
  async function readCommitted(groupId: string, offset: number, last: string): Promise<string[]> {
    const admin = kafka.admin();
    await admin.connect();
    await admin.setOffsets({ groupId, topic: TOPIC, partitions: [{ partition: 0, offset: String(offset) }] });
    await admin.disconnect();
    const consumer = kafka.consumer({
      groupId,
      readUncommitted: false,
      allowAutoTopicCreation: false,
      maxBytesPerPartition: 4 * 1024 * 1024,
      maxWaitTimeInMs: 250,
    });
    const seen: string[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: TOPIC });
      await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value?.toString() ?? '') });
      // Records of a partition arrive in offset order: once the last committed one is in, every earlier one has been.
      await waitFor(() => seen.includes(last), { timeoutMs: 60_000, description: `${groupId} to read "${last}"` });
      return seen;
    } finally {
      await consumer.disconnect();
    }
  }

  beforeAll(async () => {
    broker = await startPrivateKafka();
    kafka = new Kafka({
      clientId: 'dco-aborted-transactions-spec',
      brokers: broker.brokers,
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    await createTopicsAndWait(admin, [{ topic: TOPIC, numPartitions: 1, replicationFactor: 1 }]);
    await admin.disconnect();
  }, BROKER_MS);

  afterAll(async () => {
    await Promise.all(producers.map((producer) => producer.disconnect().catch(() => undefined)));
    await broker?.close();
  }, BROKER_MS);

  it(
    'delivers every committed record exactly once and no aborted one',
    async () => {
      // Given: a committed record; then B's and A's transactions open (B began first) when the broker restarts.
      const before = await committed(await transactional('spec-c'), 'c committed before');
      await leftOpen(await transactional('spec-b'), 'b aborted');
      await leftOpen(await transactional('spec-a'), 'a aborted');
      await broker.restart();

      // When: A's replacement fences A (abort marker first, although A began second) and commits, then B's does.
      const afterAbortMarker = await committed(await transactional('spec-a'), 'a committed after restart');
      await committed(await transactional('spec-b'), 'b committed after restart');

      // Then: from before both transactions, and from A's abort marker (past both first offsets), exactly the commits.
      const last = 'b committed after restart';
      expect(await readCommitted('from-start', before, last)).toEqual([
        'c committed before',
        'a committed after restart',
        last,
      ]);
      expect(await readCommitted('from-abort-marker', afterAbortMarker - 1, last)).toEqual([
        'a committed after restart',
        last,
      ]);
    },
    BROKER_MS,
  );
});
