// Integration spec: the local Kafka 3.9.1 broker works with kafkajs 2.2.4 for plain produce/consume and for transactions (ADR 0001).
import { randomUUID } from 'node:crypto';
import { Consumer, Kafka, logLevel, Producer } from 'kafkajs';
import { stackEndpoints, waitFor } from '@dco/testing';

const kafka = new Kafka({
  clientId: 'stack-int-spec',
  brokers: stackEndpoints().kafkaBrokers,
  logLevel: logLevel.NOTHING,
});

async function createTopic(topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

async function consumeAll(
  topic: string,
  groupId: string,
  expected: number,
  isolation: { readUncommitted: boolean },
): Promise<string[]> {
  const consumer: Consumer = kafka.consumer({
    groupId,
    readUncommitted: isolation.readUncommitted,
    sessionTimeout: 10000,
    heartbeatInterval: 1000,
  });
  const seen: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value?.toString() ?? '') });
    await waitFor(() => seen.length >= expected, { timeoutMs: 30000, description: `${expected} messages on ${topic}` });
    return seen;
  } finally {
    await consumer.disconnect();
  }
}

describe('Kafka on the local stack', () => {
  it('describes a single-node KRaft cluster', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const cluster = await admin.describeCluster();
      expect(cluster.brokers).toHaveLength(1);
      expect(cluster.brokers[0].port).toBe(Number(stackEndpoints().kafkaBrokers[0].split(':')[1]));
    } finally {
      await admin.disconnect();
    }
  });

  it('round-trips keyed messages through an idempotent producer and a consumer group', async () => {
    const topic = `stack-probe-${randomUUID()}`;
    await createTopic(topic);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      await producer.send({
        topic,
        acks: -1,
        messages: ['one', 'two', 'three'].map((value) => ({ key: 'run-1', value })),
      });
    } finally {
      await producer.disconnect();
    }
    expect(await consumeAll(topic, `g-${randomUUID()}`, 3, { readUncommitted: false })).toEqual([
      'one',
      'two',
      'three',
    ]);
  });

  it('hides aborted transactions from read_committed consumers and shows committed ones', async () => {
    const topic = `stack-tx-${randomUUID()}`;
    await createTopic(topic);
    const producer: Producer = kafka.producer({
      transactionalId: `stack-tx-${randomUUID()}`,
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    try {
      const aborted = await producer.transaction();
      await aborted.send({ topic, messages: [{ key: 'k', value: 'aborted' }] });
      await aborted.abort();
      const committed = await producer.transaction();
      await committed.send({
        topic,
        messages: [
          { key: 'k', value: 'committed-1' },
          { key: 'k', value: 'committed-2' },
        ],
      });
      await committed.commit();
    } finally {
      await producer.disconnect();
    }
    expect(await consumeAll(topic, `g-${randomUUID()}`, 2, { readUncommitted: false })).toEqual([
      'committed-1',
      'committed-2',
    ]);
    const uncommitted = await consumeAll(topic, `g-${randomUUID()}`, 3, { readUncommitted: true });
    expect(uncommitted).toEqual(['aborted', 'committed-1', 'committed-2']);
  });

  it('commits consumer offsets atomically with the produced output (sendOffsets in a transaction)', async () => {
    const input = `stack-in-${randomUUID()}`;
    const output = `stack-out-${randomUUID()}`;
    const groupId = `g-${randomUUID()}`;
    await createTopic(input);
    await createTopic(output);
    const producer = kafka.producer({
      transactionalId: `stack-eos-${randomUUID()}`,
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    const admin = kafka.admin();
    await admin.connect();
    try {
      const transaction = await producer.transaction();
      await transaction.send({ topic: output, messages: [{ key: 'run-1', value: 'derived' }] });
      await transaction.sendOffsets({
        consumerGroupId: groupId,
        topics: [{ topic: input, partitions: [{ partition: 0, offset: '42' }] }],
      });
      await transaction.commit();
      const offsets = await admin.fetchOffsets({ groupId, topics: [input] });
      expect(offsets[0].partitions.find((partition) => partition.partition === 0)?.offset).toBe('42');
    } finally {
      await admin.disconnect();
      await producer.disconnect();
    }
    expect(await consumeAll(output, `g-${randomUUID()}`, 1, { readUncommitted: false })).toEqual(['derived']);
  });
});
