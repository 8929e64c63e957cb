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
  /** A kafkajs consumer as the lease drives it: its config, its event handlers, and whether it was disconnected. */
  interface StubConsumer {
    config: { retry: { restartOnFailure(error: Error): Promise<boolean> } };
    handlers: Map<string, Handler>;
    disconnected: boolean;
  }

  function stubKafka() {
    const consumers: StubConsumer[] = [];
    const kafka = {
      admin: () => ({
        connect: async () => undefined,
        disconnect: async () => undefined,
        listTopics: async () => ['lease'],
      }),
      consumer: (config: StubConsumer['config']) => {
        const stub: StubConsumer = { config, handlers: new Map(), disconnected: false };
        consumers.push(stub);
        return {
          events: { GROUP_JOIN: 'join', HEARTBEAT: 'heartbeat', CRASH: 'crash' },
          on: (event: string, handler: Handler) => stub.handlers.set(event, handler),
          connect: async () => undefined,
          subscribe: async () => undefined,
          run: async () => undefined,
          disconnect: async () => void (stub.disconnected = true),
        };
      },
    };
    return { kafka: kafka as unknown as Kafka, consumers };
  }

  afterEach(() => jest.useRealTimers());

  it('never lets the member it abandoned restart or keep a join (CI saw such a zombie hold the lease for good)', async () => {
    jest.useFakeTimers();
    const { kafka, consumers } = stubKafka();
    const changes: boolean[] = [];
    const lease = new KafkaLease({
      kafka,
      topic: 'lease',
      groupId: 'dco.orchestrator-lease',
      name: 'orchestrator-1',
      sessionTimeoutMs: 8_000,
      onChange: (held) => changes.push(held),
    });
    await lease.start();
    const [first] = consumers;
    first.handlers.get('join')?.({ payload: { memberAssignment: { lease: [0] } } });
    expect(lease.holding).toBe(true);
    expect(await first.config.retry.restartOnFailure(new Error('No broker available'))).toBe(true);

    // The broker goes away: no heartbeat for most of a session, so the member steps down and joins afresh.
    await jest.advanceTimersByTimeAsync(7_000);
    expect(consumers).toHaveLength(2);
    expect(changes).toEqual([true, false]);
    const [, second] = consumers;
    // The abandoned member's run crashes after its disconnect(): kafkajs asks whether to restart it.
    expect(await first.config.retry.restartOnFailure(new Error('write after end'))).toBe(false);
    expect(await second.config.retry.restartOnFailure(new Error('No broker available'))).toBe(true);
    // A join it had in flight: it leaves at once, and the lease goes by the current member's assignment only.
    first.disconnected = false;
    first.handlers.get('join')?.({ payload: { memberAssignment: { lease: [0] } } });
    expect(first.disconnected).toBe(true);
    expect(lease.holding).toBe(false);
    second.handlers.get('join')?.({ payload: { memberAssignment: { lease: [0] } } });
    expect(lease.holding).toBe(true);
    await lease.stop();
    expect(await second.config.retry.restartOnFailure(new Error('late crash'))).toBe(false);
  });
});
