// The Kafka adapter passes the MessageBus contract on the real broker, each test in its own topic namespace.
import { messageBusContract } from './message-bus.contract';
import { KafkaTestNamespace } from './testing/kafka-test-cluster';

messageBusContract('kafka', async (topics) => (await new KafkaTestNamespace(topics).open()).harness(), { timeoutMs: 30_000 });
