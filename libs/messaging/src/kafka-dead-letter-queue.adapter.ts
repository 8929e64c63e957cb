// Dead-letter listing and re-driving on Kafka: reads a `.dlq` topic up to its current end, re-publishes chosen originals.
import { CodedError, dlqTopicOf } from '@dco/contracts';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import {
  DeadLetterEntry,
  DeadLetterQueue,
  RedriveFilter,
  eventIdOf,
  matchesFilter,
  redriveHeaders,
} from './dead-letter-queue.port';
import { toDeadLetter, topicFor } from './wire-record';
import { KafkaSecurity, kafkaSecurityConfig } from './kafka-security';
import { kafkaLogging } from './kafka-logging';
import { BusLogger } from './message-bus.port';

export interface KafkaDeadLetterQueueOptions {
  brokers: string[];
  clientId?: string;
  /** SASL credentials and TLS of the operator's principal (ADR 0019). */
  security?: KafkaSecurity;
  /** The Kafka client's log lines (errors only); default: none. */
  logger?: BusLogger;
  topicPrefix?: string;
  /** How long reading a `.dlq` topic to its end may take. */
  timeoutMs?: number;
  kafka?: Kafka;
}

export class KafkaDeadLetterQueue implements DeadLetterQueue {
  private readonly kafka: Kafka;
  private readonly prefix: string;

  constructor(private readonly options: KafkaDeadLetterQueueOptions) {
    this.kafka =
      options.kafka ??
      new Kafka({
        clientId: options.clientId ?? 'dco-dlq',
        brokers: options.brokers,
        ...kafkaSecurityConfig(options.security),
        // The CLI's client is silent unless given a logger: its failures reach the operator as coded errors.
        ...(options.logger ? kafkaLogging(options.logger, 'error') : { logLevel: logLevel.NOTHING }),
      });
    this.prefix = options.topicPrefix ?? '';
  }

  async list(type: string, options: { limit?: number } = {}): Promise<DeadLetterEntry[]> {
    const entries = await this.readAll(dlqTopicOf(topicFor(type, this.prefix)));
    return entries.slice(0, options.limit ?? entries.length);
  }

  async redrive(type: string, filter: RedriveFilter): Promise<DeadLetterEntry[]> {
    const dlqTopic = dlqTopicOf(topicFor(type, this.prefix));
    const chosen = (await this.readAll(dlqTopic)).filter((entry) => matchesFilter(entry, filter));
    if (chosen.length === 0) return [];
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
    });
    await producer.connect();
    try {
      await producer.send({
        topic: topicFor(type, this.prefix),
        acks: -1,
        messages: chosen.map((entry) => ({
          key: entry.key,
          value: entry.value,
          headers: redriveHeaders(entry, dlqTopic),
        })),
      });
    } finally {
      await producer.disconnect();
    }
    return chosen;
  }

  async close(): Promise<void> {}

  /** Every committed record of the topic up to the end it had when the read began, in partition and offset order. */
  private async readAll(topic: string): Promise<DeadLetterEntry[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    const groupId = `dco-dlq-reader-${randomUUID()}`;
    try {
      const existing = await admin.listTopics();
      if (!existing.includes(topic)) return [];
      const ends = new Map<number, bigint>();
      for (const p of await admin.fetchTopicOffsets(topic))
        if (BigInt(p.high) > BigInt(p.low)) ends.set(p.partition, BigInt(p.high));
      if (ends.size === 0) return [];
      const limits = new Map(ends);

      const entries: DeadLetterEntry[] = [];
      const consumer = this.kafka.consumer({ groupId, maxWaitTimeInMs: 200, allowAutoTopicCreation: false });
      const timeoutMs = this.options.timeoutMs ?? 30_000;
      try {
        await consumer.connect();
        await consumer.subscribe({ topics: [topic], fromBeginning: true });
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(
            () =>
              reject(
                new CodedError('MSG.DLQ_READ_TIMEOUT', `could not read ${topic} to its end within ${timeoutMs} ms`),
              ),
            timeoutMs,
          );
          // Batch events also cover transaction markers, which are never delivered as messages but end a partition.
          consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
            if (BigInt(payload.lastOffset) + 1n >= (ends.get(payload.partition) ?? 0n)) ends.delete(payload.partition);
            if (ends.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          });
          consumer
            .run({
              eachMessage: async ({ partition, message }) => {
                if (BigInt(message.offset) >= (limits.get(partition) ?? 0n)) return;
                const headers: Record<string, string> = {};
                for (const [name, value] of Object.entries(message.headers ?? {}))
                  if (value !== undefined) headers[name] = value.toString();
                const record = { topic, key: message.key?.toString('utf8') ?? null, value: message.value, headers };
                entries.push({
                  ...toDeadLetter(record),
                  key: record.key,
                  partition,
                  offset: message.offset,
                  eventId: eventIdOf(message.value),
                });
              },
            })
            .catch(reject);
        });
      } finally {
        await consumer.disconnect();
      }
      await admin.deleteGroups([groupId]).catch(() => undefined);
      return entries.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
    } finally {
      await admin.disconnect();
    }
  }
}
