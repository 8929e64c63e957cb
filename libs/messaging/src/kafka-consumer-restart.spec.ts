// The Kafka bus's consumers tell kafkajs not to restart them after a crash once their subscription is stopping: kafkajs
// restarts a crashed consumer after a delay, which used to reconnect a member that had already been disconnected.
import { Kafka } from 'kafkajs';
import { KafkaMessageBus } from './kafka-message-bus.adapter';

type RestartOnFailure = (error: Error) => Promise<boolean>;

/** The kafkajs surface the bus touches, recording the consumer config it is given. */
function fakeKafka(configs: Array<{ retry?: { restartOnFailure?: RestartOnFailure } }>): Kafka {
  const events = { CRASH: 'consumer.crash', GROUP_JOIN: 'consumer.group_join' };
  return {
    consumer: (config: { retry?: { restartOnFailure?: RestartOnFailure } }) => {
      configs.push(config);
      const listeners = new Map<string, (event: unknown) => void>();
      return {
        events,
        connect: async () => undefined,
        subscribe: async () => undefined,
        on: (name: string, listener: (event: unknown) => void) => {
          listeners.set(name, listener);
          return () => listeners.delete(name);
        },
        run: async () => listeners.get(events.GROUP_JOIN)?.({}),
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
});
