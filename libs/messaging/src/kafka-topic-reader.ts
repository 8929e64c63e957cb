// Reads a topic's committed records from its beginning to the stable end seen at the start, with a throw-away group.
import { CodedError } from '@dco/contracts';
import { Kafka, KafkaMessage } from 'kafkajs';

export interface ReadTopicOptions {
  topic: string;
  /** A unique group (deleted afterwards): nothing is committed, the reader starts from the beginning each time. */
  groupId: string;
  timeoutMs: number;
  /** The end offset to read up to per partition, when the caller has them already (else the stable ends now). */
  ends?: ReadonlyMap<number, bigint>;
  /** The error of a read that did not reach its end in time (default MSG.TOPIC_READ_TIMEOUT). */
  timeoutError?: (partitionsLeft: number[]) => Error;
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
  const remaining = new Map(options.ends ?? (await stableEnds(kafka, options.topic)));
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
      timer = setTimeout(() => {
        const left = [...remaining.keys()];
        reject(
          options.timeoutError?.(left) ??
            new CodedError(
              'MSG.TOPIC_READ_TIMEOUT',
              `could not read ${options.topic} to its end within ${options.timeoutMs} ms (partitions left: ${left.join(',')})`,
            ),
        );
      }, options.timeoutMs);
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

/** The last stable offset of each non-empty partition; none for a topic that does not exist. */
async function stableEnds(kafka: Kafka, topic: string): Promise<Map<number, bigint>> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<number, bigint>();
  try {
    if (!(await admin.listTopics()).includes(topic)) return ends;
    // fetchTopicOffsets answers read-committed: `high` is the last stable offset, so open transactions are not waited for.
    for (const { partition, high, low } of await admin.fetchTopicOffsets(topic))
      if (BigInt(high) > BigInt(low)) ends.set(partition, BigInt(high));
    return ends;
  } finally {
    await admin.disconnect();
  }
}
