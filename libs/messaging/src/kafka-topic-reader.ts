// Reads a topic's committed records from its beginning to the stable end seen at the start, with a throw-away group.
import { CodedError } from '@dco/contracts';
import { Kafka, KafkaMessage } from 'kafkajs';

export interface ReadTopicOptions {
  topic: string;
  /** A unique group (deleted afterwards): nothing is committed, the reader starts from the beginning each time. */
  groupId: string;
  timeoutMs: number;
}

/**
 * Calls `onRecord` for each committed record of `topic` (read-committed: aborted transactions are skipped) up to the
 * last stable offset of every partition when the call started; a topic that does not exist reads as empty. Gives up
 * with MSG.TOPIC_READ_TIMEOUT after `timeoutMs`.
 */
export async function readTopicToEnd(
  kafka: Kafka,
  options: ReadTopicOptions,
  onRecord: (message: KafkaMessage, partition: number) => void,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  const remaining = new Map<number, bigint>();
  try {
    if (!(await admin.listTopics()).includes(options.topic)) return;
    // fetchTopicOffsets answers read-committed: `high` is the last stable offset, so open transactions are not waited for.
    for (const { partition, high, low } of await admin.fetchTopicOffsets(options.topic))
      if (BigInt(high) > BigInt(low)) remaining.set(partition, BigInt(high));
  } finally {
    await admin.disconnect();
  }
  if (remaining.size === 0) return;
  const consumer = kafka.consumer({ groupId: options.groupId, readUncommitted: false, allowAutoTopicCreation: false });
  let timer: NodeJS.Timeout | undefined;
  let failure: unknown;
  try {
    const caughtUp = new Promise<void>((resolve, reject) => {
      // Batch events carry the last offset including transaction markers, which eachMessage never sees.
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
        const target = remaining.get(payload.partition);
        if (target !== undefined && BigInt(payload.lastOffset) + 1n >= target) remaining.delete(payload.partition);
        if (failure) reject(failure);
        else if (remaining.size === 0) resolve();
      });
      timer = setTimeout(
        () =>
          reject(
            new CodedError(
              'MSG.TOPIC_READ_TIMEOUT',
              `could not read ${options.topic} to its end within ${options.timeoutMs} ms (partitions left: ${[...remaining.keys()].join(',')})`,
            ),
          ),
        options.timeoutMs,
      );
    });
    await consumer.connect();
    await consumer.subscribe({ topic: options.topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ message, partition }) => {
        if (failure) return;
        try {
          onRecord(message, partition);
        } catch (error) {
          failure = error;
        }
      },
    });
    await caughtUp;
  } finally {
    clearTimeout(timer);
    await consumer.disconnect().catch(() => undefined);
    const cleanup = kafka.admin();
    await cleanup
      .connect()
      .then(() => cleanup.deleteGroups([options.groupId]))
      .catch(() => undefined)
      .finally(() => cleanup.disconnect());
  }
}
