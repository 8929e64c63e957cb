// Runs the ConsumerGroupOffsets contract against the in-memory fake.
import { consumerGroupOffsetsContract } from './consumer-group-offsets.contract';
import { InMemoryConsumerGroupOffsets } from './in-memory-consumer-group-offsets.fake';

consumerGroupOffsetsContract('in-memory fake', async () => {
  const offsets = new InMemoryConsumerGroupOffsets();
  return {
    offsets,
    createTopic: async (type, partitions) => offsets.createTopic(type, partitions),
    append: async (type, partition, count) => offsets.append(type, partition, count),
    commit: async (group, type, partition, offset) => offsets.commit(group, type, partition, offset),
    close: () => offsets.close(),
  };
});
