// The declared topic configurations (found under the deployment's prefix, never for a dead-letter or undeclared topic);
// topic creation that tries again after a timeout and never after a refusal.
import {
  Admin,
  KafkaJSAggregateError,
  KafkaJSConnectionError,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
} from 'kafkajs';
import { AUDIT_RETENTION_MS, createTopicsAndWait, isTransientBrokerFailure, topicConfigOf } from './kafka-topics';
import { coordinatorNotFound, finalKafkaError } from './testing/kafkajs-errors';

describe('topicConfigOf', () => {
  it('gives the audit topic its retention, with or without a prefix (ADR 0028)', () => {
    const expected = [
      { name: 'cleanup.policy', value: 'delete' },
      { name: 'retention.ms', value: String(AUDIT_RETENTION_MS) },
      { name: 'retention.bytes', value: '-1' },
    ];
    expect(topicConfigOf('AuditRecorded')).toEqual(expected);
    expect(topicConfigOf('stg.AuditRecorded', 'stg.')).toEqual(expected);
    expect(AUDIT_RETENTION_MS).toBe(400 * 24 * 3600 * 1000);
  });

  it('leaves every other topic, and the audit topic of another prefix or its .dlq, to the broker defaults', () => {
    expect(topicConfigOf('ApplyInfra')).toBeUndefined();
    expect(topicConfigOf('AuditRecorded.dlq')).toBeUndefined();
    expect(topicConfigOf('prod.AuditRecorded', 'stg.')).toBeUndefined();
  });
});

describe('createTopicsAndWait', () => {
  const protocolError = (type: string, retriable: boolean) =>
    new KafkaJSProtocolError({ message: type, type, code: 0, retriable } as unknown as Error);
  const spec = { topic: 't1', numPartitions: 1, replicationFactor: 1 };

  /** An admin whose createTopics fails with `failures` in turn, then creates; every partition is led at once. */
  function admin(failures: unknown[]) {
    const calls = { create: 0 };
    const fake = {
      createTopics: async () => {
        calls.create += 1;
        const failure = failures.shift();
        if (failure) throw failure;
        return true;
      },
      fetchTopicMetadata: async ({ topics }: { topics: string[] }) => ({
        topics: topics.map((name) => ({ name, partitions: [{ partitionId: 0, leader: 1 }] })),
      }),
      fetchTopicOffsets: async () => [],
    } as unknown as Admin;
    return { fake, calls };
  }

  it('tries again after a busy controller timed out or the connection dropped (a starting service used to exit)', async () => {
    const { fake, calls } = admin([
      new KafkaJSAggregateError('create', [protocolError('REQUEST_TIMED_OUT', true)]),
      new KafkaJSNumberOfRetriesExceeded(new KafkaJSConnectionError('Connection timeout'), {
        retryCount: 5,
        retryTime: 300,
      }),
    ]);
    await createTopicsAndWait(fake, [spec], 10_000);
    expect(calls.create).toBe(3);
  });

  it('does not try again after a refusal or a bad request', async () => {
    for (const refusal of [
      new KafkaJSAggregateError('create', [protocolError('TOPIC_AUTHORIZATION_FAILED', false)]),
      new KafkaJSAggregateError('create', [protocolError('INVALID_REPLICATION_FACTOR', false)]),
      new Error('Invalid topics array'),
    ]) {
      const { fake, calls } = admin([refusal]);
      await expect(createTopicsAndWait(fake, [spec], 10_000)).rejects.toBe(refusal);
      expect(calls.create).toBe(1);
    }
  });

  it('gives up with the last failure at its deadline', async () => {
    const timeouts = Array.from({ length: 100 }, () => protocolError('REQUEST_TIMED_OUT', true));
    const { fake, calls } = admin(timeouts);
    await expect(createTopicsAndWait(fake, [spec], 300)).rejects.toMatchObject({ type: 'REQUEST_TIMED_OUT' });
    expect(calls.create).toBeGreaterThan(1);
    expect(calls.create).toBeLessThan(10);
  });

  it('looks again only at the topics whose leader did not serve yet, and names those at its deadline', async () => {
    const looked: string[][] = [];
    let refusals = 3;
    const fake = {
      createTopics: async () => true,
      fetchTopicMetadata: async ({ topics }: { topics: string[] }) => {
        looked.push(topics);
        return { topics: topics.map((name) => ({ name, partitions: [{ partitionId: 0, leader: 1 }] })) };
      },
      fetchTopicOffsets: async (topic: string) => {
        if (topic === 't2' && refusals-- > 0) throw protocolError('NOT_LEADER_FOR_PARTITION', true);
        return [];
      },
    } as unknown as Admin;
    const specs = ['t1', 't2', 't3'].map((topic) => ({ ...spec, topic }));
    await createTopicsAndWait(fake, specs, 10_000);
    expect(looked).toEqual([['t1', 't2', 't3'], ['t2'], ['t2'], ['t2']]);

    refusals = Infinity;
    looked.length = 0;
    const failure = await createTopicsAndWait(fake, specs, 300).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'MSG.TOPICS_NOT_READY' });
    expect((failure as Error).message).toMatch(/^topics t2 have no serving leaders after 300 ms: .*NOT_LEADER/);
    expect(looked.length).toBeLessThan(10);
  });

  it("looks through kafkajs' final wrapper at its cause: a missing coordinator is transient, a refusal is not", () => {
    expect(isTransientBrokerFailure(coordinatorNotFound())).toBe(true);
    expect(
      isTransientBrokerFailure(finalKafkaError(new KafkaJSConnectionError('Connection error: connect ECONNREFUSED'))),
    ).toBe(true);
    expect(isTransientBrokerFailure(finalKafkaError(protocolError('GROUP_AUTHORIZATION_FAILED', false)))).toBe(false);
    expect(isTransientBrokerFailure(new KafkaJSNonRetriableError('Invalid topics array'))).toBe(false);
  });

  it('counts "already exists" next to a timeout as done, and an authorization failure inside a wrapper as final', () => {
    expect(
      isTransientBrokerFailure(
        new KafkaJSAggregateError('create', [
          protocolError('TOPIC_ALREADY_EXISTS', false),
          protocolError('REQUEST_TIMED_OUT', true),
        ]),
      ),
    ).toBe(true);
    expect(
      isTransientBrokerFailure(
        new KafkaJSNumberOfRetriesExceeded(protocolError('CLUSTER_AUTHORIZATION_FAILED', false), {
          retryCount: 5,
          retryTime: 300,
        }),
      ),
    ).toBe(false);
  });
});
