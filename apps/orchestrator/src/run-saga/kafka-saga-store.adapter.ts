// The SagaStore on Kafka: a compacted topic keyed by runId, read from the beginning (read-committed) up to its stable end at start.
import { CodedError } from '@dco/contracts';
import {
  BusLogger,
  KafkaSecurity,
  OutputRecord,
  kafkaLogging,
  kafkaSecurityConfig,
  readTopicToEnd,
} from '@dco/messaging';
import { RunState } from '@dco/saga';
import { randomUUID } from 'node:crypto';
import { Admin, Kafka } from 'kafkajs';
import { SAGA_STATE_TOPIC, SagaFollower, SagaStateSink, SagaStore } from './saga-store.port';
import { decodeSnapshot, encodeSnapshot, newestByRun } from './saga-snapshot.codec';

export interface KafkaSagaStoreOptions {
  brokers: string[];
  clientId: string;
  /** SASL credentials and TLS of the orchestrator's principal (ADR 0019). */
  security?: KafkaSecurity;
  /** Prefix of the loader's throw-away consumer group. */
  namespace: string;
  /** The bus's topic prefix, so that the store reads the topic the bus writes. */
  topicPrefix?: string;
  topic?: string;
  partitions: number;
  replicationFactor?: number;
  /** Give up loading after this long (e.g. the broker is down) instead of starting with runs missing. */
  loadTimeoutMs?: number;
  /** The Kafka client's error lines: the service's structured logger (default: redacted JSON lines on stderr). */
  logger?: BusLogger;
}

export class KafkaSagaStore implements SagaStore {
  private readonly topic: string;
  private readonly kafka: Kafka;

  constructor(private readonly options: KafkaSagaStoreOptions) {
    this.topic = options.topic ?? SAGA_STATE_TOPIC;
    this.kafka = new Kafka({
      clientId: `${options.clientId}-saga-store`,
      brokers: options.brokers,
      ...kafkaSecurityConfig(options.security),
      ...kafkaLogging(options.logger, 'error'),
    });
  }

  recordOf(state: RunState): OutputRecord {
    return { topic: this.topic, key: state.runId, value: encodeSnapshot(state) };
  }

  async loadAll(): Promise<RunState[]> {
    const topic = `${this.options.topicPrefix ?? ''}${this.topic}`;
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await this.ensureCompactedTopic(admin, topic);
      // fetchTopicOffsets answers read-committed: `high` is the last stable offset, so open transactions are not waited for.
      const offsets = await this.stableOffsets(admin, topic);
      const remaining = new Map<number, bigint>();
      for (const { partition, high, low } of offsets)
        if (BigInt(high) > BigInt(low)) remaining.set(partition, BigInt(high));
      if (remaining.size === 0) return [];
      return await this.readUntil(topic, remaining);
    } finally {
      await admin.disconnect();
    }
  }

  async follow(sink: SagaStateSink): Promise<SagaFollower> {
    const topic = `${this.options.topicPrefix ?? ''}${this.topic}`;
    const admin = this.kafka.admin();
    await admin.connect();
    const remaining = new Map<number, bigint>();
    try {
      await this.ensureCompactedTopic(admin, topic);
      for (const { partition, high, low } of await this.stableOffsets(admin, topic))
        if (BigInt(high) > BigInt(low)) remaining.set(partition, BigInt(high));
    } finally {
      await admin.disconnect();
    }
    const groupId = `${this.options.namespace}.orchestrator-follower.${randomUUID()}`;
    const consumer = this.kafka.consumer({
      groupId,
      readUncommitted: false,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 250,
    });
    // Until caught up, the newest snapshot per run (log order per key is version order); then live changes.
    const pending = new Map<string, RunState | null>();
    let caught = false;
    let broken = false;
    let markCaughtUp: () => void = () => undefined;
    const caughtUp = new Promise<void>((resolve) => (markCaughtUp = resolve));
    const catchUp = () => {
      if (caught || remaining.size > 0) return;
      caught = true;
      sink.replace([...pending.values()].filter((state): state is RunState => state !== null));
      pending.clear();
      markCaughtUp();
    };
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      const target = remaining.get(payload.partition);
      if (target !== undefined && BigInt(payload.lastOffset) + 1n >= target) remaining.delete(payload.partition);
      catchUp();
    });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ message }) => {
        const key = message.key?.toString('utf8');
        if (!key || broken) return;
        let state: RunState | null = null;
        if (message.value !== null) {
          try {
            state = decodeSnapshot(key, message.value);
          } catch (error) {
            broken = true;
            sink.failed(error);
            return;
          }
        }
        if (!caught) pending.set(key, state);
        else if (state) sink.put(state);
        else sink.remove(key);
      },
    });
    catchUp();
    return {
      caughtUp,
      stop: async () => {
        await consumer.disconnect().catch(() => undefined);
        await this.deleteGroup(groupId);
      },
    };
  }

  private async deleteGroup(groupId: string): Promise<void> {
    const admin = this.kafka.admin();
    await admin
      .connect()
      .then(() => admin.deleteGroups([groupId]))
      .catch(() => undefined)
      .finally(() => admin.disconnect());
  }

  private async readUntil(topic: string, remaining: Map<number, bigint>): Promise<RunState[]> {
    const states: RunState[] = [];
    const tombstones = new Set<string>();
    const timeoutMs = this.options.loadTimeoutMs ?? 60_000;
    await readTopicToEnd(
      this.kafka,
      {
        topic,
        groupId: `${this.options.namespace}.orchestrator-state-loader.${randomUUID()}`,
        timeoutMs,
        ends: remaining,
        timeoutError: (left) =>
          new CodedError(
            'SAGA.STATE_LOAD_TIMEOUT',
            `could not read ${topic} to its end within ${timeoutMs} ms (partitions left: ${left.join(',')})`,
          ),
      },
      (message) => {
        const key = message.key?.toString('utf8');
        if (!key) return;
        if (message.value === null) {
          tombstones.add(key);
          return;
        }
        tombstones.delete(key);
        // A snapshot that cannot be decoded fails the load (SAGA.SNAPSHOT_UNREADABLE) once the batch ends.
        states.push(decodeSnapshot(key, message.value));
      },
    );
    return newestByRun(states).filter((state) => !tombstones.has(state.runId));
  }

  /**
   * The partitions' offsets, once their leaders serve: a topic just created (here or by a racing replica) answers
   * "unknown topic" or "not the leader" for a moment on a KRaft broker.
   */
  private async stableOffsets(
    admin: Admin,
    topic: string,
  ): Promise<Array<{ partition: number; high: string; low: string }>> {
    const deadline = Date.now() + (this.options.loadTimeoutMs ?? 60_000);
    for (;;) {
      try {
        return await admin.fetchTopicOffsets(topic);
      } catch (error) {
        if (!(error as { retriable?: boolean }).retriable || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  private async ensureCompactedTopic(admin: Admin, topic: string): Promise<void> {
    if ((await admin.listTopics()).includes(topic)) return;
    await admin.createTopics({
      waitForLeaders: false,
      topics: [
        {
          topic,
          numPartitions: this.options.partitions,
          replicationFactor: this.options.replicationFactor ?? 1,
          configEntries: [
            { name: 'cleanup.policy', value: 'compact' },
            { name: 'min.compaction.lag.ms', value: '60000' },
          ],
        },
      ],
    });
  }
}
