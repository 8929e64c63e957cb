// Runs the ConsumerGroupOffsets contract against the Kafka adapter on the local stack's broker.
import { Partitioners } from 'kafkajs';
import { consumerGroupOffsetsContract } from './consumer-group-offsets.contract';
import { KafkaConsumerGroupOffsets } from './kafka-consumer-group-offsets.adapter';
import { createTopicsAndWait } from './kafka-topics';
import { testBrokers, testKafka } from './testing/kafka-test-cluster';

consumerGroupOffsetsContract(
  'Kafka',
  async () => {
    const kafka = testKafka('group-offsets-it');
    const admin = kafka.admin();
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await Promise.all([admin.connect(), producer.connect()]);
    const prefix = `it-go-${Date.now().toString(36)}.`;
    const created: string[] = [];
    const groupIds = new Set<string>();
    const offsets = new KafkaConsumerGroupOffsets({ brokers: testBrokers(), topicPrefix: prefix });
    return {
      offsets,
      createTopic: async (type, partitions) => {
        created.push(`${prefix}${type}`);
        await createTopicsAndWait(admin, [
          { topic: `${prefix}${type}`, numPartitions: partitions, replicationFactor: 1 },
        ]);
      },
      append: async (type, partition, count) => {
        await producer.send({
          topic: `${prefix}${type}`,
          messages: Array.from({ length: count }, (_, index) => ({ partition, value: `m${index}` })),
        });
      },
      commit: async (groupId, type, partition, offset) => {
        groupIds.add(groupId);
        await admin.setOffsets({
          groupId,
          topic: `${prefix}${type}`,
          partitions: [{ partition, offset: String(offset) }],
        });
      },
      close: async () => {
        await offsets.close();
        await admin.deleteTopics({ topics: created }).catch(() => undefined);
        await admin.deleteGroups([...groupIds]).catch(() => undefined);
        await Promise.all([admin.disconnect(), producer.disconnect()]);
      },
    };
  },
  30_000,
);
