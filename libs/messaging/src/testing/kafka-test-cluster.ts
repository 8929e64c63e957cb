// Test and benchmark access to the real Kafka: broker address, isolated topic namespaces, a raw producer and a topic tap.
import { Admin, Consumer, Kafka, Partitioners, Producer, logLevel } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BusContractHarness } from '../message-bus.contract';
import { BusHooks } from '../message-bus.port';
import { KafkaMessageBus, KafkaMessageBusOptions } from '../kafka-message-bus.adapter';
import { createTopicsAndWait } from '../kafka-topics';
import { WireRecord, toDeadLetter } from '../wire-record';

/** KAFKA_BROKERS if set, else the local stack's broker from stack/stack.config.json. */
export function testBrokers(): string[] {
  if (process.env.KAFKA_BROKERS) return process.env.KAFKA_BROKERS.split(',');
  const config = JSON.parse(readFileSync(join(__dirname, '../../../../stack/stack.config.json'), 'utf8')) as {
    host: string;
    kafka: { port: number };
  };
  return [`${config.host}:${config.kafka.port}`];
}

export function testKafka(clientId: string): Kafka {
  return new Kafka({ clientId, brokers: testBrokers(), logLevel: logLevel.NOTHING });
}

/** A fresh topic namespace: its own topics (+ .dlq), deleted again by close(). */
export class KafkaTestNamespace {
  readonly prefix = `it-${randomUUID().slice(0, 8)}.`;
  readonly kafka = testKafka('dco-test-namespace');
  private readonly admin: Admin = this.kafka.admin();
  private readonly producer: Producer = this.kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
  });
  private tap?: Consumer;
  private readonly seen = new Map<string, WireRecord[]>();

  constructor(
    readonly topics: readonly string[],
    readonly partitions = 3,
  ) {}

  /** Creates the namespace's topics and starts a read-committed tap on all of them. */
  async open(): Promise<this> {
    await Promise.all([this.admin.connect(), this.producer.connect()]);
    await createTopicsAndWait(
      this.admin,
      this.topicNames().map((topic) => ({ topic, numPartitions: this.partitions, replicationFactor: 1 })),
    );
    const tap = this.kafka.consumer({
      groupId: `${this.prefix}tap`,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 250,
    });
    this.tap = tap;
    await tap.connect();
    await tap.subscribe({ topics: this.topicNames(), fromBeginning: true });
    const joined = new Promise<void>((resolve) => {
      const remove = tap.on(tap.events.GROUP_JOIN, () => {
        remove();
        resolve();
      });
    });
    await tap.run({
      eachMessage: async ({ topic, message }) => {
        const list = this.seen.get(topic) ?? [];
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(message.headers ?? {}))
          if (value !== undefined) headers[name] = value.toString();
        list.push({ topic, key: message.key?.toString('utf8') ?? null, value: message.value, headers });
        this.seen.set(topic, list);
      },
    });
    await joined;
    return this;
  }

  topicNames(): string[] {
    return this.topics.flatMap((topic) => [`${this.prefix}${topic}`, `${this.prefix}${topic}.dlq`]);
  }

  bus(options: Partial<KafkaMessageBusOptions> & BusHooks = {}): KafkaMessageBus {
    return new KafkaMessageBus({
      brokers: testBrokers(),
      clientId: 'dco-test',
      topicPrefix: this.prefix,
      partitions: this.partitions,
      logLevel: 'error',
      sessionTimeoutMs: 10_000,
      maxWaitTimeMs: 250,
      heartbeatIntervalMs: 1_000,
      ...options,
    });
  }

  async produceRaw(
    topic: string,
    value: Buffer,
    key: string | null = null,
    headers: Record<string, string> = {},
  ): Promise<void> {
    await this.producer.send({ topic: `${this.prefix}${topic}`, acks: -1, messages: [{ key, value, headers }] });
  }

  /** Records the read-committed tap has seen so far on a topic (name without prefix). */
  records(topic: string): WireRecord[] {
    return [...(this.seen.get(`${this.prefix}${topic}`) ?? [])];
  }

  async close(): Promise<void> {
    await this.tap?.disconnect();
    await this.producer.disconnect();
    await this.admin.deleteTopics({ topics: this.topicNames() }).catch(() => undefined);
    await this.admin.disconnect();
  }

  harness(): BusContractHarness {
    return {
      createBus: (hooks) => this.bus(hooks),
      produceRaw: (type, value, key) => this.produceRaw(type, value, key ?? null),
      records: async (topic) => this.records(topic),
      deadLetters: async (type) => this.records(`${type}.dlq`).map(toDeadLetter),
      close: () => this.close(),
    };
  }
}
