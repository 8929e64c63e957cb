// Picks the bus of a process by profile: Kafka for local and aws, a private in-memory bus when a service runs alone embedded.
import { BusHooks, InMemoryMessageBus, MessageBus } from '@dco/messaging';
import { CommonConfig } from './config';

export async function createBus(config: CommonConfig, service: string, hooks: BusHooks = {}): Promise<MessageBus> {
  if (config.DCO_PROFILE === 'embedded') return new InMemoryMessageBus(hooks);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const messaging = require('@dco/messaging') as Record<string, unknown>;
  const Kafka = messaging.KafkaMessageBus as
    | (new (options: Record<string, unknown>) => MessageBus)
    | undefined;
  if (!Kafka) throw new Error('the Kafka adapter is not available in @dco/messaging');
  return new Kafka({
    brokers: (config.KAFKA_BROKERS ?? '').split(','),
    clientId: service,
    partitions: config.KAFKA_PARTITIONS,
    namespace: config.DCO_NAMESPACE,
    instanceId: config.DCO_INSTANCE_ID,
    topicPrefix: config.DCO_TOPIC_PREFIX,
    ...hooks,
  });
}
