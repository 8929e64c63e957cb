// The Kafka lease on the real broker: one holder at a time, sticky while the holder stays, handed over when it leaves,
// and a fresh holder's fencing of the exclusive transactional id makes the previous holder's transaction fail.
import { randomUUID } from 'node:crypto';
import { waitFor } from '@dco/probes';
import { KafkaLease } from './kafka-lease';
import { testBrokers, testKafka } from './testing/kafka-test-cluster';
import { KafkaMessageBus } from './kafka-message-bus.adapter';

jest.setTimeout(120_000);

describe('KafkaLease (real broker)', () => {
  const id = randomUUID().slice(0, 8);
  const topic = `it-lease-${id}.Lease`;
  const leases: KafkaLease[] = [];
  const changes: Record<string, boolean[]> = {};

  const member = (name: string) => {
    changes[name] = [];
    const lease = new KafkaLease({
      kafka: testKafka(`lease-${name}`),
      topic,
      groupId: `it-lease-${id}.lease`,
      name,
      sessionTimeoutMs: 6_000,
      onChange: (held) => changes[name].push(held),
    });
    leases.push(lease);
    return lease;
  };

  afterAll(async () => {
    await Promise.all(leases.map((lease) => lease.stop()));
    const admin = testKafka('lease-cleanup').admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('gives the lease to one member, keeps it there when another joins, and hands it over when the holder leaves', async () => {
    const first = member('first');
    await first.start();
    await waitFor(() => first.holding, { description: 'the first member to hold the lease', timeoutMs: 30_000 });
    const second = member('second');
    await second.start();
    // The second one's join rebalanced the group; the sticky assignor left the lease where it was.
    await waitFor(async () => (await second.holder()) === 'first', {
      description: 'the group to name the first member as the holder after the second joined',
      timeoutMs: 30_000,
    });
    expect([first.holding, second.holding]).toEqual([true, false]);
    expect(changes.second).toEqual([]);

    await first.stop();
    await waitFor(() => second.holding, { description: 'the second member to take the lease over', timeoutMs: 30_000 });
    expect(changes.first).toEqual([true, false]);
    expect(await second.holder()).toBe('second');
  });

  it("fencing the exclusive transactional id aborts the previous holder's open transaction", async () => {
    const bus = (name: string) =>
      new KafkaMessageBus({ brokers: testBrokers(), clientId: name, namespace: `it-${id}`, topicPrefix: `it-${id}.` });
    const [old, next] = [bus('old'), bus('next')];
    expect(old.exclusiveTransactionalId('orchestrator')).toBe(`it-${id}.orchestrator.it-${id}.exclusive`);
    expect(next.exclusiveTransactionalId('orchestrator')).toBe(old.exclusiveTransactionalId('orchestrator'));
    const kafka = testKafka('fence-old');
    const producer = kafka.producer({
      transactionalId: old.exclusiveTransactionalId('orchestrator'),
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    const admin = kafka.admin();
    await admin.connect();
    const target = `it-lease-${id}.Fenced`;
    await admin.createTopics({ topics: [{ topic: target, numPartitions: 1 }], waitForLeaders: true });
    const transaction = await producer.transaction();
    await transaction.send({ topic: target, messages: [{ key: 'k', value: 'from the old holder' }] });
    // Open: the last stable offset (what a read-committed loader reads up to) stays before it.
    expect((await admin.fetchTopicOffsets(target))[0].high).toBe('0');
    await next.fenceExclusive('orchestrator');
    // Aborted at once (record + abort marker), not after the old producer's 60 s transaction timeout.
    await waitFor(async () => (await admin.fetchTopicOffsets(target))[0].high === '2', {
      description: "the old holder's transaction to be aborted by the fence",
      timeoutMs: 5_000,
    });
    await expect(transaction.commit()).rejects.toThrow();
    await producer.disconnect().catch(() => undefined);
    await admin.deleteTopics({ topics: [target] }).catch(() => undefined);
    await admin.disconnect();
    await Promise.all([old.close(), next.close()]);
  });
});
