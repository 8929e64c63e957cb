import { AssignerProtocol, Cluster, Kafka, Logger } from 'kafkajs';
import {
  KafkaLease,
  chooseLeaseHolder,
  decodeLeaseMember,
  encodeLeaseMember,
  stickyLeaseAssigner,
} from './kafka-lease';

const member = (memberId: string, name: string, holding: boolean) => ({
  memberId,
  memberMetadata: AssignerProtocol.MemberMetadata.encode({
    version: 0,
    topics: ['lease'],
    userData: encodeLeaseMember({ name, holding }),
  }),
});

describe('the sticky lease assignor', () => {
  it('keeps the lease with the member that holds it, whatever the member ids', () => {
    expect(
      chooseLeaseHolder([
        { memberId: 'a', data: { name: 'pod-a', holding: false } },
        { memberId: 'z', data: { name: 'pod-z', holding: true } },
      ]),
    ).toBe('z');
  });

  it('gives it to the lowest member id when nobody holds it, and to the lowest claimant when several claim it', () => {
    expect(chooseLeaseHolder([{ memberId: 'b' }, { memberId: 'a', data: { name: 'x', holding: false } }])).toBe('a');
    expect(
      chooseLeaseHolder([
        { memberId: 'c', data: { name: 'c', holding: true } },
        { memberId: 'b', data: { name: 'b', holding: true } },
        { memberId: 'a', data: { name: 'a', holding: false } },
      ]),
    ).toBe('b');
    expect(chooseLeaseHolder([])).toBeUndefined();
  });

  it('assigns partition 0 to the holder only, and announces holding in its join metadata', async () => {
    let holding = true;
    const assigner = stickyLeaseAssigner(() => ({ name: 'pod-b', holding }))({
      cluster: {} as Cluster,
      groupId: 'g',
      logger: {} as Logger,
    });
    const assignments = await assigner.assign({
      members: [member('a', 'pod-a', false), member('b', 'pod-b', true)],
      topics: ['lease'],
    });
    const decoded = Object.fromEntries(
      assignments.map(({ memberId, memberAssignment }) => [
        memberId,
        AssignerProtocol.MemberAssignment.decode(memberAssignment)?.assignment,
      ]),
    );
    expect(decoded).toEqual({ a: {}, b: { lease: [0] } });
    const joinData = () =>
      decodeLeaseMember(
        AssignerProtocol.MemberMetadata.decode(assigner.protocol({ topics: ['lease'] }).metadata)?.userData,
      );
    expect(joinData()).toEqual({ name: 'pod-b', holding: true });
    holding = false;
    expect(joinData()).toEqual({ name: 'pod-b', holding: false });
  });

  it('ignores member data it cannot read (another assignor version) instead of failing the rebalance', () => {
    expect(decodeLeaseMember(Buffer.from('not json'))).toBeUndefined();
    expect(decodeLeaseMember(Buffer.from('{"holding":true}'))).toBeUndefined();
    expect(decodeLeaseMember(undefined)).toBeUndefined();
  });
});

describe('a lease member that rejoins', () => {
  type Handler = (event: { payload: Record<string, unknown> }) => void;
  /**
   * A kafkajs consumer as the lease drives it: its config, its event handlers, its run (settled by the spec: kafkajs's
   * run() returns once the join has ended in a running member or a crash), and whether it was disconnected.
   */
  interface StubConsumer {
    config: { retry: { restartOnFailure(error: Error): Promise<boolean> } };
    handlers: Map<string, Handler>;
    settleRun(): void;
    disconnected: boolean;
  }

  function stubKafka(runs: 'settled' | 'pending' = 'settled') {
    const consumers: StubConsumer[] = [];
    const kafka = {
      admin: () => ({
        connect: async () => undefined,
        disconnect: async () => undefined,
        listTopics: async () => ['lease'],
      }),
      consumer: (config: StubConsumer['config']) => {
        let settleRun = () => undefined as void;
        const run = new Promise<void>((resolve) => (settleRun = resolve));
        if (runs === 'settled') settleRun();
        const stub: StubConsumer = { config, handlers: new Map(), settleRun, disconnected: false };
        consumers.push(stub);
        return {
          events: { GROUP_JOIN: 'join', HEARTBEAT: 'heartbeat', CRASH: 'crash' },
          on: (event: string, handler: Handler) => stub.handlers.set(event, handler),
          connect: async () => undefined,
          subscribe: async () => undefined,
          run: () => run,
          disconnect: async () => void (stub.disconnected = true),
        };
      },
    };
    return { kafka: kafka as unknown as Kafka, consumers };
  }

  const lease = (kafka: Kafka, changes: boolean[]) =>
    new KafkaLease({
      kafka,
      topic: 'lease',
      groupId: 'dco.orchestrator-lease',
      name: 'orchestrator-1',
      sessionTimeoutMs: 8_000,
      onChange: (held) => changes.push(held),
    });
  const joins = (consumer: StubConsumer, partitions: number[]) =>
    consumer.handlers.get('join')?.({ payload: { memberAssignment: { lease: partitions } } });

  afterEach(() => jest.useRealTimers());

  it('never lets kafkajs restart a consumer: kafkajs cannot stop a restart whose join is in flight', async () => {
    const { kafka, consumers } = stubKafka();
    const member = lease(kafka, []);
    await member.start();
    await expect(consumers[0].config.retry.restartOnFailure(new Error('No broker available'))).resolves.toBe(false);
    await member.stop();
  });

  it('steps down when silent, and disconnects the member it abandons only once that join has settled', async () => {
    jest.useFakeTimers();
    const { kafka, consumers } = stubKafka('pending');
    const changes: boolean[] = [];
    const member = lease(kafka, changes);
    const started = member.start();
    await jest.advanceTimersByTimeAsync(0);
    const [first] = consumers;
    joins(first, [0]);
    first.settleRun();
    await started;
    expect(member.holding).toBe(true);

    // The broker goes away: no heartbeat for most of a session, so the member steps down and joins afresh.
    await jest.advanceTimersByTimeAsync(7_000);
    expect(changes).toEqual([true, false]);
    expect(consumers).toHaveLength(2);
    expect(first.disconnected).toBe(true);
    const [, second] = consumers;
    // The new consumer steps down in turn while its own join is in flight (CI: a crash, then the broker back late).
    second.handlers.get('crash')?.({ payload: { error: new Error('No broker available'), restart: false } });
    await jest.advanceTimersByTimeAsync(500);
    expect(consumers).toHaveLength(3);
    // Its join is still in flight: a disconnect() now would leave it running in the group, so none comes yet.
    expect(second.disconnected).toBe(false);
    // That join ends in a member holding partition 0: it says nothing about this member, and then it leaves.
    joins(second, [0]);
    expect(member.holding).toBe(false);
    second.settleRun();
    await jest.advanceTimersByTimeAsync(0);
    expect(second.disconnected).toBe(true);
    const [, , third] = consumers;
    joins(third, [0]);
    expect(member.holding).toBe(true);
    third.settleRun();
    await member.stop();
    expect(third.disconnected).toBe(true);
    expect(changes).toEqual([true, false, true, false]);
  });

  it('joins again after each crash, later each time until a join succeeds', async () => {
    jest.useFakeTimers();
    const { kafka, consumers } = stubKafka();
    const changes: boolean[] = [];
    const member = lease(kafka, changes);
    await member.start();
    joins(consumers[0], [0]);
    const crash = (consumer: StubConsumer) =>
      consumer.handlers.get('crash')?.({ payload: { error: new Error('No broker available'), restart: false } });
    crash(consumers[0]);
    expect(member.holding).toBe(false);
    await jest.advanceTimersByTimeAsync(499);
    expect(consumers).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(consumers).toHaveLength(2);
    crash(consumers[1]);
    await jest.advanceTimersByTimeAsync(999);
    expect(consumers).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(1);
    expect(consumers).toHaveLength(3);
    // A crash of a consumer already abandoned changes nothing.
    crash(consumers[0]);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(consumers).toHaveLength(3);
    joins(consumers[2], [0]);
    expect(member.holding).toBe(true);
    expect(changes).toEqual([true, false, true]);
    await member.stop();
    // Stopped: a late crash joins nothing.
    crash(consumers[2]);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(consumers).toHaveLength(3);
  });
});
