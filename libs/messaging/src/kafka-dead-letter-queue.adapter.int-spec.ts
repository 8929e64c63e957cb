// The Kafka dead-letter queue passes the DeadLetterQueue contract on the real broker, in its own topic namespace.
import { deadLetterQueueContract } from './dead-letter-queue.contract';
import { KafkaDeadLetterQueue } from './kafka-dead-letter-queue.adapter';
import { KafkaTestNamespace, testBrokers } from './testing/kafka-test-cluster';

deadLetterQueueContract(
  'kafka',
  async () => {
    const ns = await new KafkaTestNamespace(['RunDco', 'DcoCompleted']).open();
    return {
      bus: ns.bus(),
      queue: new KafkaDeadLetterQueue({ brokers: testBrokers(), topicPrefix: ns.prefix }),
      close: () => ns.close(),
    };
  },
  30_000,
);
