// The Kafka SagaStore passes the SagaStore contract on the real broker, each test in its own topic namespace.
import { KafkaTestNamespace, testBrokers } from '../../../../libs/messaging/src/testing/kafka-test-cluster';
import { KafkaSagaStore } from './kafka-saga-store.adapter';
import { sagaStoreContract } from './saga-store.contract';

sagaStoreContract(
  'kafka',
  async () => {
    const namespace = await new KafkaTestNamespace(['DailyTick', 'SagaState']).open();
    const bus = namespace.bus();
    const store = () =>
      new KafkaSagaStore({
        brokers: testBrokers(),
        clientId: 'saga-store-it',
        namespace: 'it',
        topicPrefix: namespace.prefix,
        partitions: 3,
        loadTimeoutMs: 20_000,
      });
    return {
      bus,
      store,
      close: async () => {
        await bus.close();
        await namespace.close();
      },
    };
  },
  30_000,
);
