// The MessageBus on Kafka (kafkajs): idempotent publishing, and consume-handle-produce in one transaction with the offsets.
import { Envelope, MAX_MESSAGE_BYTES, MessageType, dlqTopicOf, CodedError } from '@dco/contracts';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import {
  Admin,
  Consumer,
  EachBatchPayload,
  IHeaders,
  Kafka,
  KafkaMessage,
  LogEntry,
  Message,
  Partitioners,
  Producer,
  logLevel as KafkaLogLevel,
} from 'kafkajs';
import { BusHooks, HEADERS, HandlerOutput, MessageBus, Subscription, SubscriptionHandle } from './message-bus.port';
import { MessageProcessor } from './message-processor';
import { ChunkCommit, CommitQueue } from './kafka-commit-queue';
import { Sleep, realSleep } from './retry-backoff';
import { createTopicsAndWait } from './kafka-topics';
import { safeNotify } from './safe-notify';
import { IncomingRecord, WireRecord, encodeMessage, encodeOutputRecord, errorText, topicFor } from './wire-record';

export type BusLogLevel = 'error' | 'warn' | 'info' | 'debug';
export type BusLogger = (level: BusLogLevel, message: string, detail: Record<string, unknown>) => void;

export interface KafkaMessageBusOptions extends BusHooks {
  brokers: string[];
  clientId: string;
  /**
   * Names this replica's transactional producers (`<group>.<instanceId>.<n>`). Give it a value that survives a
   * restart (a pod name) so that the restarted replica fences its predecessor and aborts its open transaction at once;
   * the default is unique per bus so that two buses of one process never fence each other.
   */
  instanceId?: string;
  /** Partitions of created topics; keep it >= the largest replica count of any consumer group. */
  partitions?: number;
  replicationFactor?: number;
  /** Namespace for every topic name (several environments or test runs on one cluster). */
  topicPrefix?: string;
  /** Prefix of consumer-group and transactional ids (`<namespace>.<group>`), so deployments can share a cluster. */
  namespace?: string;
  maxMessageBytes?: number;
  /** Most consumed messages handled per transaction or offset commit (default 500); larger gives more throughput. */
  maxBatchMessages?: number;
  /**
   * Longest a partition's chunk collects handled messages before it commits (default 50 ms): bounds the latency that
   * batching adds to each message, whatever the fetched batch's size.
   */
  maxBatchMs?: number;
  /**
   * Partitions of one subscription handled at the same time (default 1). Order stays per partition; chunks of
   * different partitions that finish together share one transaction (group commit), so throughput scales with it.
   */
  partitionsConsumedConcurrently?: number;
  /** Upper bound of one open transaction; an orphaned one (crashed replica) blocks read-committed readers that long. */
  transactionTimeoutMs?: number;
  sessionTimeoutMs?: number;
  /** How long the group waits for members to rejoin in a rebalance; a handler in progress delays its member's rejoin. */
  rebalanceTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /** Longest a fetch waits for new records; also bounds how long stop() waits for an idle fetch to return. */
  maxWaitTimeMs?: number;
  /** How long subscribe() waits for the group to give this member its partitions. */
  joinTimeoutMs?: number;
  /** kafkajs' own log lines; default: errors and warnings as JSON lines on stderr. */
  logger?: BusLogger;
  logLevel?: BusLogLevel;
  sleep?: Sleep;
  /** An existing client to share (its brokers and clientId win over the ones above). */
  kafka?: Kafka;
}

/** Default most records one chunk (one transaction) covers; see `maxBatchMessages`. */
export const DEFAULT_MAX_BATCH_MESSAGES = 500;

/**
 * Most consumed records a member may have handled but not yet committed at one moment: a chunk per partition in
 * flight. A handler that must answer redeliveries after an aborted commit identically (the saga) remembers at least this.
 */
export function maxUncommittedRecords(
  options: Pick<KafkaMessageBusOptions, 'maxBatchMessages' | 'partitionsConsumedConcurrently'>,
): number {
  return (
    (options.maxBatchMessages ?? DEFAULT_MAX_BATCH_MESSAGES) * Math.max(1, options.partitionsConsumedConcurrently ?? 1)
  );
}

const LEVELS: Record<BusLogLevel, KafkaLogLevel> = {
  error: KafkaLogLevel.ERROR,
  warn: KafkaLogLevel.WARN,
  info: KafkaLogLevel.INFO,
  debug: KafkaLogLevel.DEBUG,
};

const stderrLogger: BusLogger = (level, message, detail) => {
  process.stderr.write(
    `${JSON.stringify({ level, time: new Date().toISOString(), component: 'kafka', msg: message, ...detail })}\n`,
  );
};

/**
 * kafkajs logs every broker error response at ERROR, although it retries them (rebalancing, leader moved, coordinator
 * loading); those are warnings. What finally fails is logged again by kafkajs, or surfaces as a rejected call.
 */
function busLogLevel(level: KafkaLogLevel, message: string): BusLogLevel {
  if (level <= KafkaLogLevel.ERROR) return message.startsWith('Response ') ? 'warn' : 'error';
  if (level === KafkaLogLevel.WARN) return 'warn';
  return level === KafkaLogLevel.INFO ? 'info' : 'debug';
}

export class KafkaMessageBus implements MessageBus {
  readonly topicPrefix: string;
  private readonly kafka: Kafka;
  private readonly instanceId: string;
  private readonly maxBytes: number;
  private readonly partitions: number;
  private readonly replicationFactor: number;
  private readonly sleep: Sleep;
  private readonly knownTopics = new Set<string>();
  private readonly subscriptions = new Set<KafkaSubscription>();
  private producer?: Promise<Producer>;
  private admin?: Promise<Admin>;
  private sequence = 0;
  private closed = false;

  constructor(private readonly options: KafkaMessageBusOptions) {
    const logger = options.logger ?? stderrLogger;
    const threshold = options.logLevel ?? 'warn';
    this.kafka =
      options.kafka ??
      new Kafka({
        clientId: options.clientId,
        brokers: options.brokers,
        logLevel: LEVELS[threshold],
        logCreator:
          () =>
          ({ level, log }: LogEntry) => {
            const { message, ...detail } = log;
            const mapped = busLogLevel(level, message);
            if (LEVELS[mapped] <= LEVELS[threshold]) logger(mapped, message, detail);
          },
      });
    this.instanceId = options.instanceId ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
    this.topicPrefix = options.topicPrefix ?? '';
    this.maxBytes = options.maxMessageBytes ?? MAX_MESSAGE_BYTES;
    this.partitions = options.partitions ?? 6;
    this.replicationFactor = options.replicationFactor ?? 1;
    this.sleep = options.sleep ?? realSleep;
  }

  async publish(...messages: Envelope[]): Promise<void> {
    this.assertOpen();
    if (messages.length === 0) return;
    const records = messages.map((message) =>
      encodeMessage(message, this.options.interceptor, this.maxBytes, this.topicPrefix),
    );
    await this.ensureTopicNames(records.map((record) => record.topic));
    const producer = await this.publisher();
    await producer.sendBatch({ topicMessages: groupByTopic(records), acks: -1 });
    for (const record of records) {
      safeNotify(() =>
        this.options.observer?.onPublished?.({
          topic: record.topic,
          type: record.headers[HEADERS.type],
          bytes: record.value?.length ?? 0,
        }),
      );
    }
  }

  async subscribe(subscription: Subscription): Promise<SubscriptionHandle> {
    this.assertOpen();
    if (subscription.types.length === 0)
      throw new CodedError('INTERNAL.UNEXPECTED', `subscription of group ${subscription.group} lists no types`);
    const topics = subscription.types.map((type: MessageType) => topicFor(type, this.topicPrefix));
    await this.ensureTopicNames(topics);
    this.sequence += 1;
    const groupId = this.options.namespace ? `${this.options.namespace}.${subscription.group}` : subscription.group;
    const member = new KafkaSubscription(this.kafka, subscription, topics, {
      ...this.options,
      groupId,
      transactionalId: subscription.exclusive
        ? this.exclusiveTransactionalId(subscription.group)
        : `${groupId}.${this.topicPrefix}${this.instanceId}.${this.sequence}`,
      processor: new MessageProcessor(subscription, this.options, {
        sleep: this.sleep,
        maxBytes: this.maxBytes,
        topicOf: (type) => topicFor(type, this.topicPrefix),
      }),
      encodeOutputs: (output) => this.encodeOutputs(output),
      ensureTopics: (names, withDeadLetters) => this.ensureTopicNames(names, withDeadLetters),
    });
    this.subscriptions.add(member);
    try {
      await member.start();
    } catch (error) {
      this.subscriptions.delete(member);
      await member.stop();
      throw error;
    }
    return {
      stop: async () => {
        this.subscriptions.delete(member);
        await member.stop();
      },
    };
  }

  /** The transactional id of an exclusive subscription of `group`: the same in every process of the deployment. */
  exclusiveTransactionalId(group: string): string {
    const groupId = this.options.namespace ? `${this.options.namespace}.${group}` : group;
    return `${groupId}.${this.topicPrefix}exclusive`;
  }

  /**
   * Fences every earlier producer of `group`'s exclusive transactional id: InitProducerId bumps the epoch and aborts
   * the predecessor's open transaction (a killed or deposed holder), then an empty transaction is begun and dropped to
   * show the producer is usable. Once this resolves, the predecessor can commit nothing more and read-committed readers
   * are no longer held back by its transaction.
   */
  async fenceExclusive(group: string): Promise<void> {
    this.assertOpen();
    const producer = this.kafka.producer({
      transactionalId: this.exclusiveTransactionalId(group),
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: this.options.transactionTimeoutMs ?? 10_000,
      retry: { retries: 30, initialRetryTime: 50, maxRetryTime: 1_000 },
      allowAutoTopicCreation: false,
    });
    await producer.connect();
    try {
      const transaction = await producer.transaction();
      await transaction.abort();
    } finally {
      await producer.disconnect().catch(() => undefined);
    }
  }

  async ensureTopics(types: readonly string[]): Promise<void> {
    await this.ensureTopicNames(types.map((type) => topicFor(type, this.topicPrefix)));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((member) => member.stop()));
    this.subscriptions.clear();
    const [producer, admin] = await Promise.all([
      this.producer?.catch(() => undefined),
      this.admin?.catch(() => undefined),
    ]);
    await Promise.all([producer?.disconnect(), admin?.disconnect()]);
  }

  private encodeOutputs(output: HandlerOutput): WireRecord[] {
    return [
      ...(output.messages ?? []).map((message) =>
        encodeMessage(message, this.options.interceptor, this.maxBytes, this.topicPrefix),
      ),
      ...(output.records ?? []).map((record) => encodeOutputRecord(record, this.topicPrefix)),
    ];
  }

  /** Creates missing topics (with their `.dlq`, except for a `.dlq` itself); remembers what exists to stay cheap. */
  private async ensureTopicNames(names: readonly string[], withDeadLetters = true): Promise<void> {
    const wanted = new Set<string>();
    for (const name of names) {
      wanted.add(name);
      if (withDeadLetters && !name.endsWith('.dlq')) wanted.add(dlqTopicOf(name));
    }
    const missing = [...wanted].filter((name) => !this.knownTopics.has(name));
    if (missing.length === 0) return;
    const admin = await this.adminClient();
    const existing = new Set(await admin.listTopics());
    const toCreate = missing.filter((name) => !existing.has(name));
    if (toCreate.length > 0) {
      // createTopics is idempotent here: "already exists" (another replica raced us) resolves to false.
      await createTopicsAndWait(
        admin,
        toCreate.map((topic) => ({ topic, numPartitions: this.partitions, replicationFactor: this.replicationFactor })),
      );
    }
    for (const name of missing) this.knownTopics.add(name);
  }

  private publisher(): Promise<Producer> {
    this.producer ??= (async () => {
      const producer = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      await producer.connect();
      return producer;
    })();
    this.producer.catch(() => (this.producer = undefined));
    return this.producer;
  }

  private adminClient(): Promise<Admin> {
    this.admin ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      return admin;
    })();
    this.admin.catch(() => (this.admin = undefined));
    return this.admin;
  }

  private assertOpen(): void {
    if (this.closed) throw new CodedError('MSG.BUS_CLOSED', 'MessageBus is closed');
  }
}

interface SubscriptionDeps extends KafkaMessageBusOptions {
  groupId: string;
  transactionalId: string;
  processor: MessageProcessor;
  encodeOutputs(output: HandlerOutput): WireRecord[];
  ensureTopics(names: readonly string[], withDeadLetters: boolean): Promise<void>;
}

/** One consumer-group member with its own transactional producer. */
class KafkaSubscription {
  private readonly consumer: Consumer;
  private readonly producer: Producer;
  private readonly commits: CommitQueue;
  private stopping?: Promise<void>;

  constructor(
    kafka: Kafka,
    private readonly subscription: Subscription,
    private readonly topics: string[],
    private readonly deps: SubscriptionDeps,
  ) {
    this.consumer = kafka.consumer({
      groupId: deps.groupId,
      sessionTimeout: deps.sessionTimeoutMs ?? 30_000,
      rebalanceTimeout: deps.rebalanceTimeoutMs ?? 60_000,
      heartbeatInterval: deps.heartbeatIntervalMs ?? 3_000,
      readUncommitted: false,
      allowAutoTopicCreation: false,
      maxBytesPerPartition: 4 * 1024 * 1024,
      maxWaitTimeInMs: deps.maxWaitTimeMs ?? 1_000,
      // kafkajs restarts a crashed consumer after a delay; once stop() began, a crash (the broker going away during
      // shutdown) must not schedule one, or the member reconnects after it was disconnected and keeps the process alive.
      retry: { retries: 5, restartOnFailure: async () => this.stopping === undefined },
    });
    this.producer = kafka.producer({
      transactionalId: deps.transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: deps.transactionTimeoutMs ?? 10_000,
      // The broker answers CONCURRENT_TRANSACTIONS while it still writes the previous transaction's markers, which is
      // normal right after a commit; kafkajs' default first retry waits 300 ms, which capped a partition at a few
      // transactions a second. Retry after 10 ms (doubling, as before; unlimited as idempotence requires).
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 10 },
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.commits = new CommitQueue((chunks) => this.writeTransaction(chunks));
  }

  async start(): Promise<void> {
    await Promise.all([this.consumer.connect(), this.producer.connect()]);
    await this.consumer.subscribe({ topics: this.topics, fromBeginning: this.subscription.fromBeginning ?? true });
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      const error = errorText(payload.error);
      const logger = this.deps.logger ?? stderrLogger;
      logger(
        'error',
        `consumer of group ${this.deps.groupId} crashed${payload.restart ? ', restarting' : ''}: ${error}`,
        { groupId: this.deps.groupId },
      );
      safeNotify(() =>
        this.deps.observer?.onSubscriptionCrashed?.({
          group: this.subscription.group,
          error,
          restarting: payload.restart,
        }),
      );
    });
    const joined = new Promise<void>((resolve) => {
      const remove = this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
        remove();
        resolve();
      });
    });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: Math.max(1, this.deps.partitionsConsumedConcurrently ?? 1),
      eachBatch: (payload) => this.eachBatch(payload),
    });
    const timeoutMs = this.deps.joinTimeoutMs ?? 60_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new CodedError(
              'MSG.GROUP_JOIN_TIMEOUT',
              `group ${this.subscription.group} (${this.deps.groupId}) did not assign partitions within ${timeoutMs} ms`,
            ),
          ),
        timeoutMs,
      );
    });
    try {
      await Promise.race([joined, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Stops fetching; kafkajs waits for the running batch, which commits what it finished; then leaves the group. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.consumer.stop().catch(() => undefined);
      await this.consumer.disconnect();
      await this.producer.disconnect();
    })();
    return this.stopping;
  }

  /**
   * Handles a fetched batch in chunks: each record in order, its outputs (or dead letter) collected, then one commit per
   * chunk (outputs + next offset in one transaction). A chunk ends after `maxBatchMessages` records, after `maxBatchMs`,
   * at the batch's end, and before a failing handler's first retry: the records before it commit on their own, so a
   * poison message's backoff never holds back (or, on a crash, re-runs) the work finished ahead of it.
   */
  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, heartbeat, isRunning, isStale } = payload;
    const { group } = this.subscription;
    const lag = Number(batch.offsetLag());
    safeNotify(() => this.deps.observer?.onLag?.({ group, topic: batch.topic, partition: batch.partition, lag }));

    const maxBatch = this.deps.maxBatchMessages ?? DEFAULT_MAX_BATCH_MESSAGES;
    const maxBatchMs = this.deps.maxBatchMs ?? 50;
    let outputs: WireRecord[] = [];
    // Cleared in place, never replaced: a record being retried holds this set and adds its id once it succeeds.
    const chunk = new Set<string>();
    let last: string | undefined;
    let count = 0;
    let chunkStarted = 0;
    const flush = async () => {
      if (last === undefined) return;
      if (isStale()) {
        // The partition moved to another member in a rebalance: commit nothing, it redelivers from the last commit.
        last = undefined;
        outputs = [];
        chunk.clear();
        return;
      }
      await this.commit(payload, last, outputs);
      payload.resolveOffset(last);
      this.deps.processor.remember(chunk);
      outputs = [];
      chunk.clear();
      last = undefined;
      count = 0;
    };
    const control = { isRunning: () => isRunning() && !isStale(), keepAlive: heartbeat, beforeRetry: flush };

    // kafkajs only heartbeats when asked: keep the session alive while a long handler (a migration, an apply) runs,
    // or the group would evict this member and hand the message to another one mid-flight. kafkajs throttles the calls.
    const beat = setInterval(
      () => void heartbeat().catch(() => undefined),
      Math.max(250, Math.floor((this.deps.heartbeatIntervalMs ?? 3_000) / 2)),
    );
    try {
      for (const message of batch.messages) {
        if (!control.isRunning()) break;
        const record = toIncoming(batch.topic, batch.partition, message);
        const outcome = await this.deps.processor.process(record, control, chunk);
        if (outcome.kind === 'interrupted') break;
        outputs.push(...this.deps.processor.recordsFor(outcome, record, this.deps.encodeOutputs, chunk));
        last = message.offset;
        count += 1;
        if (count === 1) chunkStarted = Date.now();
        if (count >= maxBatch || Date.now() - chunkStarted >= maxBatchMs) {
          await flush();
          await heartbeat();
        }
      }
      // On a throw (commit failed, rebalance), nothing of the unfinished chunk was committed and its ids are not
      // remembered: kafkajs delivers it again from the last committed offset.
      await flush();
    } finally {
      clearInterval(beat);
    }
  }

  /** Outputs and the next offset in one transaction; with nothing to write, a plain offset commit is enough. */
  private async commit(payload: EachBatchPayload, lastOffset: string, outputs: WireRecord[]): Promise<void> {
    const { topic, partition } = payload.batch;
    const offset = (BigInt(lastOffset) + 1n).toString();
    if (outputs.length === 0) {
      // Through the batch payload, not consumer.commitOffsets(): that one silently skips the commit once stop() began,
      // which is exactly when the in-flight message's offset must still be committed.
      await payload.commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset }] }] });
      return;
    }
    await this.commits.commit({ topic, partition, offset, outputs });
  }

  /** One transaction for the chunks of one or more partitions: all their outputs, then all their offsets. */
  private async writeTransaction(chunks: readonly ChunkCommit[]): Promise<void> {
    const outputs = chunks.flatMap((chunk) => chunk.outputs);
    // Message topics get their .dlq; raw record topics (a snapshot topic) and .dlq topics themselves do not.
    await this.deps.ensureTopics(
      outputs.filter((r) => r.headers[HEADERS.type] && !r.headers[HEADERS.dlqCode]).map((r) => r.topic),
      true,
    );
    await this.deps.ensureTopics(
      outputs.filter((r) => !r.headers[HEADERS.type] || r.headers[HEADERS.dlqCode]).map((r) => r.topic),
      false,
    );
    const offsets = new Map<string, { partition: number; offset: string }[]>();
    for (const { topic, partition, offset } of chunks)
      offsets.set(topic, [...(offsets.get(topic) ?? []), { partition, offset }]);
    const transaction = await this.producer.transaction();
    try {
      await transaction.sendBatch({ topicMessages: groupByTopic(outputs), acks: -1 });
      await transaction.sendOffsets({
        consumerGroupId: this.deps.groupId,
        topics: [...offsets].map(([topic, partitions]) => ({ topic, partitions })),
      });
      await transaction.commit();
    } catch (error) {
      await transaction.abort().catch(() => undefined);
      throw error;
    }
    for (const record of outputs) {
      if (record.headers[HEADERS.type]) {
        safeNotify(() =>
          this.deps.observer?.onPublished?.({
            topic: record.topic,
            type: record.headers[HEADERS.type],
            bytes: record.value?.length ?? 0,
          }),
        );
      }
    }
  }
}

function groupByTopic(records: readonly WireRecord[]): { topic: string; messages: Message[] }[] {
  const byTopic = new Map<string, Message[]>();
  for (const record of records) {
    const messages = byTopic.get(record.topic) ?? [];
    messages.push({ key: record.key, value: record.value, headers: record.headers });
    byTopic.set(record.topic, messages);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}

function toIncoming(topic: string, partition: number, message: KafkaMessage): IncomingRecord {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key ? message.key.toString('utf8') : null,
    value: message.value,
    headers: headerStrings(message.headers),
  };
}

function headerStrings(headers: IHeaders | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last !== undefined) result[name] = last.toString();
  }
  return result;
}
