// The Kafka bus's consumers tell kafkajs not to restart them after a crash once their subscription is stopping: kafkajs
// restarts a crashed consumer after a delay, which used to reconnect a member that had already been disconnected.
import { Kafka } from 'kafkajs';
import { KafkaMessageBus } from './kafka-message-bus.adapter';
import { coordinatorNotFound } from './testing/kafkajs-errors';

type RestartOnFailure = (error: Error) => Promise<boolean>;

/** What a fake consumer was asked: how often it was run, and its listeners (to emit a crash). */
interface FakeConsumer {
  runs: number;
  emit(name: string, event: unknown): void;
}

/** The kafkajs surface the bus touches, recording the consumer config it is given. */
function fakeKafka(
  configs: Array<{ retry?: { restartOnFailure?: RestartOnFailure } }>,
  consumers: FakeConsumer[] = [],
): Kafka {
  const events = { CRASH: 'consumer.crash', GROUP_JOIN: 'consumer.group_join' };
  return {
    consumer: (config: { retry?: { restartOnFailure?: RestartOnFailure } }) => {
      configs.push(config);
      const listeners = new Map<string, (event: unknown) => void>();
      const fake: FakeConsumer = { runs: 0, emit: (name, event) => listeners.get(name)?.(event) };
      consumers.push(fake);
      return {
        events,
        connect: async () => undefined,
        subscribe: async () => undefined,
        on: (name: string, listener: (event: unknown) => void) => {
          listeners.set(name, listener);
          return () => listeners.delete(name);
        },
        run: async () => {
          fake.runs += 1;
          listeners.get(events.GROUP_JOIN)?.({});
        },
        stop: async () => undefined,
        disconnect: async () => undefined,
      };
    },
    producer: () => ({ connect: async () => undefined, disconnect: async () => undefined }),
    admin: () => ({
      connect: async () => undefined,
      disconnect: async () => undefined,
      listTopics: async () => ['DetectChanges', 'DetectChanges.dlq'],
    }),
  } as unknown as Kafka;
}

describe('KafkaMessageBus consumer restarts', () => {
  it('lets kafkajs restart a crashed consumer while subscribed, and never once its subscription stops', async () => {
    const configs: Array<{ retry?: { restartOnFailure?: RestartOnFailure } }> = [];
    const bus = new KafkaMessageBus({
      brokers: ['unused:1'],
      clientId: 'spec',
      kafka: fakeKafka(configs),
      logLevel: 'error',
    });
    const handle = await bus.subscribe({ group: 'g', types: ['DetectChanges'], handler: async () => undefined });
    const restartOnFailure = configs[0]?.retry?.restartOnFailure;
    expect(restartOnFailure).toBeDefined();
    await expect(restartOnFailure?.(new Error('broker gone'))).resolves.toBe(true);
    await handle.stop();
    await expect(restartOnFailure?.(new Error('broker gone during shutdown'))).resolves.toBe(false);
    await bus.close();
  });

  it('runs a consumer again after a crash kafkajs calls final but a broker coming back ends, not after a refusal', async () => {
    jest.useFakeTimers();
    try {
      const consumers: FakeConsumer[] = [];
      const crashes: Array<{ restarting: boolean }> = [];
      const bus = new KafkaMessageBus({
        brokers: ['unused:1'],
        clientId: 'spec',
        kafka: fakeKafka([], consumers),
        logLevel: 'error',
        logger: () => undefined,
        observer: { onSubscriptionCrashed: (event) => void crashes.push(event) },
      });
      const handle = await bus.subscribe({ group: 'g', types: ['DetectChanges'], handler: async () => undefined });
      const [consumer] = consumers;
      expect(consumer.runs).toBe(1);
      // As kafkajs reports a member that found no group coordinator while the broker restarted: its retrier's final
      // wrapper around the cause (retry/index.js), and no restart of its own.
      const noCoordinator = coordinatorNotFound();
      consumer.emit('consumer.crash', { payload: { error: noCoordinator, restart: false } });
      expect(crashes).toEqual([expect.objectContaining({ restarting: true })]);
      await jest.advanceTimersByTimeAsync(1_000);
      expect(consumer.runs).toBe(2);

      // A refusal stays final: the member is down and says so (health fails).
      const refused = Object.assign(new Error('Not authorized to access group'), {
        name: 'KafkaJSProtocolError',
        type: 'GROUP_AUTHORIZATION_FAILED',
        retriable: false,
      });
      consumer.emit('consumer.crash', { payload: { error: refused, restart: false } });
      expect(crashes.at(-1)).toEqual(expect.objectContaining({ restarting: false }));
      await jest.advanceTimersByTimeAsync(20_000);
      expect(consumer.runs).toBe(2);

      // Nor once the subscription stops.
      await handle.stop();
      consumer.emit('consumer.crash', { payload: { error: noCoordinator, restart: false } });
      await jest.advanceTimersByTimeAsync(20_000);
      expect(consumer.runs).toBe(2);
      await bus.close();
    } finally {
      jest.useRealTimers();
    }
  });
});
