// Picks the bus of a process by profile: Kafka for local and aws, a private in-memory bus when a service runs alone embedded.
import { BusHooks, InMemoryMessageBus, KafkaMessageBus, MessageBus } from '@dco/messaging';
import { CommonConfig, kafkaSecurity } from './config';

export async function createBus(config: CommonConfig, service: string, hooks: BusHooks = {}): Promise<MessageBus> {
  if (config.DCO_PROFILE === 'embedded') return new InMemoryMessageBus(hooks);
  // A static import: a runtime require of the path alias is not resolved outside jest (swc-node register).
  return new KafkaMessageBus({
    brokers: (config.KAFKA_BROKERS ?? '').split(','),
    clientId: service,
    security: kafkaSecurity(config),
    partitions: config.KAFKA_PARTITIONS,
    partitionsConsumedConcurrently: config.KAFKA_PARTITIONS_CONCURRENTLY,
    sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
    // A third of the session at most (several beats fit in it), never more often than once a second.
    heartbeatIntervalMs: Math.max(1_000, Math.min(3_000, Math.floor(config.KAFKA_SESSION_TIMEOUT_MS / 3))),
    namespace: config.DCO_NAMESPACE,
    instanceId: config.DCO_INSTANCE_ID,
    topicPrefix: config.DCO_TOPIC_PREFIX,
    ...hooks,
  });
}
