// ConsumerGroupOffsets on Kafka: the group's committed offsets and the partitions' high watermarks, through the admin API.
import { Admin, Kafka, logLevel } from 'kafkajs';
import { ConsumerGroupOffsets, GroupPartitionOffsets } from './consumer-group-offsets.port';
import { KafkaSecurity, kafkaSecurityConfig } from './kafka-security';
import { topicFor } from './wire-record';

export interface KafkaConsumerGroupOffsetsOptions {
  brokers: string[];
  clientId?: string;
  security?: KafkaSecurity;
  topicPrefix?: string;
  /** How long one request may take; the healer's probe must not hang on a lost broker. */
  requestTimeoutMs?: number;
  kafka?: Kafka;
}

export class KafkaConsumerGroupOffsets implements ConsumerGroupOffsets {
  private readonly kafka: Kafka;
  private admin?: Promise<Admin>;

  constructor(private readonly options: KafkaConsumerGroupOffsetsOptions) {
    this.kafka =
      options.kafka ??
      new Kafka({
        clientId: options.clientId ?? 'dco-group-offsets',
        brokers: options.brokers,
        ...kafkaSecurityConfig(options.security),
        requestTimeout: options.requestTimeoutMs ?? 5_000,
        connectionTimeout: options.requestTimeoutMs ?? 5_000,
        retry: { retries: 1 },
        logLevel: logLevel.NOTHING,
      });
  }

  async offsets(groupId: string, types: readonly string[]): Promise<GroupPartitionOffsets[]> {
    const admin = await this.connected();
    const existing = new Set(await admin.listTopics());
    const topics = types
      .map((type) => ({ type, topic: topicFor(type, this.options.topicPrefix ?? '') }))
      .filter(({ topic }) => existing.has(topic));
    if (topics.length === 0) return [];
    const committed = await admin.fetchOffsets({ groupId, topics: topics.map(({ topic }) => topic) });
    const result: GroupPartitionOffsets[] = [];
    for (const { type, topic } of topics) {
      const ends = await admin.fetchTopicOffsets(topic);
      const commits = committed.find((entry) => entry.topic === topic)?.partitions ?? [];
      for (const end of ends) {
        const commit = commits.find((entry) => entry.partition === end.partition);
        result.push({ type, partition: end.partition, committed: Number(commit?.offset ?? -1), end: Number(end.high) });
      }
    }
    return result.sort((a, b) => a.type.localeCompare(b.type) || a.partition - b.partition);
  }

  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    if (admin) await (await admin.catch(() => undefined))?.disconnect();
  }

  private connected(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      this.admin = admin.connect().then(() => admin);
      // A failed connect is tried again on the next call.
      this.admin.catch(() => (this.admin = undefined));
    }
    return this.admin;
  }
}
