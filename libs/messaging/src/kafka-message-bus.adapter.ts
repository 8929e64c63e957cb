// The MessageBus on Kafka (kafkajs): idempotent publishing, and consume-handle-produce in one transaction with the offsets.
import { Envelope, MAX_MESSAGE_BYTES, MessageType, dlqTopicOf, CodedError } from '@dco/contracts';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { withDeadline } from '@dco/probes';
import {
  Admin,
  Consumer,
  ConsumerRunConfig,
  EachBatchPayload,
  IHeaders,
  Kafka,
  KafkaMessage,
  Message,
  Partitioners,
  Producer,
} from 'kafkajs';
import {
  BusHooks,
  BusLogLevel,
  BusLogger,
  HEADERS,
  HandlerOutput,
  MessageBus,
  Subscription,
  SubscriptionHandle,
} from './message-bus.port';
import { MessageProcessor } from './message-processor';
import { ChunkCommit, ChunkEntry, CommitQueue } from './kafka-commit-queue';
import { Sleep, realSleep } from './retry-backoff';
import { createTopicsAndWait, isTransientBrokerFailure, topicConfigOf } from './kafka-topics';
import { safeNotify } from './safe-notify';
import { KafkaSecurity, authorized, kafkaSecurityConfig } from './kafka-security';
import { kafkaLogging, stderrBusLogger } from './kafka-logging';
import {
  IncomingRecord,
  WireRecord,
  deadLetterRecord,
  encodeMessage,
  encodeOutputRecord,
  errorText,
  topicFor,
  truncatedDeadLetter,
} from './wire-record';

export interface KafkaMessageBusOptions extends BusHooks {
  brokers: string[];
  clientId: string;
  /** SASL credentials and TLS of this service's principal (ADR 0019); unset = PLAINTEXT without authentication. */
  security?: KafkaSecurity;
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

export class KafkaMessageBus implements MessageBus {
  readonly topicPrefix: string;
  /** Where this bus's Kafka client logs: other Kafka clients of the same service log there too. */
  readonly logger: BusLogger;
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
    const logger = options.logger ?? stderrBusLogger;
    this.logger = logger;
    const threshold = options.logLevel ?? 'warn';
    this.kafka =
      options.kafka ??
      new Kafka({
        clientId: options.clientId,
        brokers: options.brokers,
        ...kafkaSecurityConfig(options.security),
        ...kafkaLogging(logger, threshold),
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
    const topics = [...new Set(records.map((record) => record.topic))];
    await authorized(`write ${topics.join(', ')}`, async () => {
      // The topics only: their .dlq belongs to their consumers (see writeTransaction).
      await this.ensureTopicNames(topics, false);
      const producer = await this.publisher();
      await producer.sendBatch({ topicMessages: groupByTopic(records), acks: -1 });
    });
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
    await authorized(`create or describe ${topics.join(', ')}`, () => this.ensureTopicNames(topics));
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
      await authorized(`read ${topics.join(', ')} in group ${groupId}`, () => member.start());
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
    const topics = types.map((type) => topicFor(type, this.topicPrefix));
    await authorized(`create or describe ${topics.join(', ')}`, () => this.ensureTopicNames(topics));
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
        toCreate.map((topic) => ({
          topic,
          numPartitions: this.partitions,
          replicationFactor: this.replicationFactor,
          configEntries: topicConfigOf(topic, this.topicPrefix),
        })),
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

/** First delay before a member whose consumer crashed for good joins again; doubled per failed try up to the max. */
const REJOIN_FIRST_MS = 1_000;
const REJOIN_MAX_MS = 10_000;

/** One consumer-group member with its own transactional producer. */
class KafkaSubscription {
  private readonly consumer: Consumer;
  private producer: Producer;
  private readonly commits: CommitQueue;
  private stopping?: Promise<void>;
  /** A rejoin in flight: a stop waits for its start to settle, since kafkajs does not stop a run still joining (ADR 0004). */
  private rejoining?: Promise<void>;

  constructor(
    private readonly kafka: Kafka,
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
    this.producer = this.createProducer();
    this.commits = new CommitQueue((chunks) => this.writeTransaction(chunks));
  }

  private createProducer(): Producer {
    return this.kafka.producer({
      transactionalId: this.deps.transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: this.deps.transactionTimeoutMs ?? 10_000,
      // The broker answers CONCURRENT_TRANSACTIONS while it still writes the previous transaction's markers, which is
      // normal right after a commit; kafkajs' default first retry waits 300 ms, which capped a partition at a few
      // transactions a second. Retry after 10 ms (doubling, as before; unlimited as idempotence requires).
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 10 },
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  /**
   * After a refused produce, kafkajs has rolled back its sequence numbers for every partition of the request, also
   * for those the broker did append (in the now aborted transaction). Writing on with them would be answered as a
   * duplicate (the records silently dropped) or out of order. A new producer of the same transactional id bumps the
   * epoch, which starts every sequence afresh.
   */
  private async renewProducer(): Promise<void> {
    await this.producer.disconnect().catch(() => undefined);
    this.producer = this.createProducer();
    await this.producer.connect();
  }

  async start(): Promise<void> {
    await Promise.all([this.consumer.connect(), this.producer.connect()]);
    await this.consumer.subscribe({ topics: this.topics, fromBeginning: this.subscription.fromBeginning ?? true });
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      const error = errorText(payload.error);
      // kafkajs restarts a consumer only after a retriable failure. A broker restart can also end one in a failure it
      // calls final, "Failed to find group coordinator" while the broker comes back: the member stayed down for good
      // and its commands waited forever (an e2e's db-migrator after a broker restart). Such a member joins again.
      const rejoin = !payload.restart && this.stopping === undefined && isTransientBrokerFailure(payload.error);
      const restarting = payload.restart || rejoin;
      const logger = this.deps.logger ?? stderrBusLogger;
      logger('error', `consumer of group ${this.deps.groupId} crashed${restarting ? ', restarting' : ''}: ${error}`, {
        groupId: this.deps.groupId,
      });
      safeNotify(() =>
        this.deps.observer?.onSubscriptionCrashed?.({ group: this.subscription.group, error, restarting }),
      );
      if (rejoin) this.rejoinLater(REJOIN_FIRST_MS);
    });
    const joined = new Promise<void>((resolve) => {
      const remove = this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
        remove();
        resolve();
      });
    });
    await this.consumer.run(this.runOptions());
    const timeoutMs = this.deps.joinTimeoutMs ?? 60_000;
    await withDeadline(
      joined,
      timeoutMs,
      () =>
        new CodedError(
          'MSG.GROUP_JOIN_TIMEOUT',
          `group ${this.subscription.group} (${this.deps.groupId}) did not assign partitions within ${timeoutMs} ms`,
        ),
    );
  }

  private runOptions(): ConsumerRunConfig {
    return {
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: Math.max(1, this.deps.partitionsConsumedConcurrently ?? 1),
      eachBatch: (payload) => this.eachBatch(payload),
    };
  }

  /**
   * Runs the crashed consumer again after `delayMs` (kafkajs disconnected it and keeps its subscription); a failed try
   * is tried again, twice as late each time up to REJOIN_MAX_MS, until it runs or the subscription stops.
   */
  private rejoinLater(delayMs: number): void {
    const timer = setTimeout(() => {
      if (this.stopping) return;
      this.rejoining = (async () => {
        try {
          await this.consumer.connect();
          // A stop that began meanwhile has disconnected it (or will): running it now would outlive the stop.
          if (this.stopping) return;
          await this.consumer.run(this.runOptions());
        } catch (error) {
          (this.deps.logger ?? stderrBusLogger)(
            'warn',
            `consumer of group ${this.deps.groupId} could not join again: ${errorText(error)}`,
            { groupId: this.deps.groupId },
          );
          this.rejoinLater(Math.min(2 * delayMs, REJOIN_MAX_MS));
        }
      })();
    }, delayMs);
    timer.unref();
  }

  /** Stops fetching; kafkajs waits for the running batch, which commits what it finished; then leaves the group. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.rejoining;
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
    let entries: ChunkEntry[] = [];
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
        entries = [];
        chunk.clear();
        return;
      }
      const forgotten = await this.commit(payload, last, entries);
      payload.resolveOffset(last);
      for (const id of forgotten) chunk.delete(id);
      this.deps.processor.remember(chunk);
      entries = [];
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
        const outputs = this.deps.processor.recordsFor(outcome, record, this.deps.encodeOutputs, chunk);
        entries.push(toEntry(record, outcome.kind === 'handled' ? outcome.message.eventId : undefined, outputs));
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

  /**
   * Outputs and the next offset in one transaction; with nothing to write, a plain offset commit is enough. Resolves
   * with the eventIds whose outputs were replaced by a dead letter (the broker refused them).
   */
  private async commit(payload: EachBatchPayload, lastOffset: string, entries: ChunkEntry[]): Promise<string[]> {
    const { topic, partition } = payload.batch;
    const offset = (BigInt(lastOffset) + 1n).toString();
    const outputs = entries.flatMap((entry) => entry.outputs);
    if (outputs.length === 0) {
      // Through the batch payload, not consumer.commitOffsets(): that one silently skips the commit once stop() began,
      // which is exactly when the in-flight message's offset must still be committed.
      await payload.commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset }] }] });
      return [];
    }
    const chunk: ChunkCommit = { topic, partition, offset, outputs, entries, forgotten: [] };
    await this.commits.commit(chunk);
    return chunk.forgotten ?? [];
  }

  /**
   * One transaction for the chunks of one or more partitions. When the broker refuses what it carries (a record too
   * large for it, a topic this principal may not write, ...), nothing of it became visible (it was aborted), so the
   * chunks are written again one by one, and a refused chunk record by record, degrading each refused record's
   * writes: its dead letter truncated (MSG.DLQ_TRUNCATED), refused outputs replaced by the input's dead letter
   * (MSG.OUTPUT_REFUSED), and as a last resort the record parked (MSG.RECORD_PARKED: offset committed, alert raised).
   * One partition's bad record therefore never blocks another partition's chunk, nor its own partition.
   */
  private async writeTransaction(chunks: readonly ChunkCommit[]): Promise<void> {
    const refusal = await this.tryWrite(
      chunks.flatMap((chunk) => chunk.outputs),
      chunks.map(({ topic, partition, offset }) => ({ topic, partition, offset })),
    );
    if (refusal === undefined) return;
    this.log('warn', `the broker refused a transaction of ${chunks.length} chunk(s), writing them one by one`, {
      code: 'MSG.OUTPUT_REFUSED',
      groupId: this.deps.groupId,
      error: refusal,
    });
    for (const chunk of chunks) {
      if (chunks.length > 1) {
        const alone = await this.tryWrite(chunk.outputs, [chunk]);
        if (alone === undefined) continue;
      }
      await this.writeRecordByRecord(chunk);
    }
  }

  /** A refused chunk: each record with its outputs and its offset in its own transaction, degraded when refused. */
  private async writeRecordByRecord(chunk: ChunkCommit): Promise<void> {
    const entries = chunk.entries ?? [];
    for (const [index, entry] of entries.entries()) {
      const isLast = index === entries.length - 1;
      if (entry.outputs.length === 0 && !isLast) continue; // its offset is committed with a later record's
      const offset = isLast ? chunk.offset : (BigInt(entry.record.offset) + 1n).toString();
      const position = [{ topic: chunk.topic, partition: chunk.partition, offset }];
      let refusal = entry.outputs.length === 0 ? undefined : await this.tryWrite(entry.outputs, position);
      if (entry.outputs.length === 0) refusal = await this.tryWrite([], position);
      if (refusal === undefined) continue;
      for (const fallback of this.fallbacks(entry, refusal)) {
        refusal = await this.tryWrite(fallback.outputs, position);
        if (refusal === undefined) {
          if (entry.eventId && !entry.deadLetter) chunk.forgotten?.push(entry.eventId);
          this.log('warn', fallback.note, {
            code: fallback.code,
            groupId: this.deps.groupId,
            topic: chunk.topic,
            partition: chunk.partition,
            offset: entry.record.offset,
          });
          if (fallback.code === 'MSG.OUTPUT_REFUSED')
            this.deps.processor.notifyDeadLettered(entry.record, fallback.code, fallback.reason);
          break;
        }
      }
      if (refusal === undefined) continue;
      // Nothing about this record can be written: skip it so the partition moves on, and say so loudly.
      const parked = await this.tryWrite([], position);
      if (parked !== undefined)
        throw new CodedError('MSG.RECORD_PARKED', `could not commit past ${chunk.topic}/${chunk.partition}`, parked);
      if (entry.eventId) chunk.forgotten?.push(entry.eventId);
      const reason = `neither its outputs nor its dead letter could be written: ${refusal}`;
      this.log('error', `MSG.RECORD_PARKED: ${chunk.topic}/${chunk.partition}@${entry.record.offset} skipped`, {
        code: 'MSG.RECORD_PARKED',
        groupId: this.deps.groupId,
        topic: chunk.topic,
        partition: chunk.partition,
        offset: entry.record.offset,
        sha256: truncatedDeadLetter(entry.record, 'MSG.RECORD_PARKED', '').headers[HEADERS.dlqSha256],
        reason,
      });
      safeNotify(() =>
        this.deps.observer?.onParked?.({
          group: this.subscription.group,
          topic: chunk.topic,
          partition: chunk.partition,
          offset: entry.record.offset,
          reason,
        }),
      );
    }
  }

  /** What to write instead of a record's refused outputs, smallest last. */
  private fallbacks(
    entry: ChunkEntry,
    refusal: string,
  ): { outputs: WireRecord[]; code: string; reason: string; note: string }[] {
    const at = `${entry.record.topic}/${entry.record.partition}@${entry.record.offset}`;
    if (entry.deadLetter) {
      const { code, reason } = entry.deadLetter;
      return [
        {
          outputs: [truncatedDeadLetter(entry.record, code, reason)],
          code: 'MSG.DLQ_TRUNCATED',
          reason,
          note: `the dead letter of ${at} was refused (${refusal}); stored truncated`,
        },
      ];
    }
    const reason = `the broker refused the handler's output: ${refusal}`;
    return [
      {
        outputs: [deadLetterRecord(entry.record, 'MSG.OUTPUT_REFUSED', reason)],
        code: 'MSG.OUTPUT_REFUSED',
        reason,
        note: `the output of ${at} was refused (${refusal}); its input is dead-lettered`,
      },
      {
        outputs: [truncatedDeadLetter(entry.record, 'MSG.OUTPUT_REFUSED', reason)],
        code: 'MSG.OUTPUT_REFUSED',
        reason,
        note: `the output of ${at} was refused (${refusal}); its input is dead-lettered truncated`,
      },
    ];
  }

  /**
   * Writes outputs and offsets in one transaction. Resolves undefined once committed, or with the broker's refusal
   * when it refused a write (the transaction was then aborted: nothing of it is visible, so trying again is safe).
   * Throws on anything else (a lost connection, a failed commit whose outcome is unknown): the chunks are delivered again.
   */
  private async tryWrite(
    outputs: readonly WireRecord[],
    positions: readonly { topic: string; partition: number; offset: string }[],
  ): Promise<string | undefined> {
    // Only the topics written; a topic's .dlq belongs to its consumers (created when they subscribe), and with ACLs a
    // writer may not even see it (ADR 0019).
    await this.deps.ensureTopics(
      outputs.map((r) => r.topic),
      false,
    );
    const offsets = new Map<string, { partition: number; offset: string }[]>();
    for (const { topic, partition, offset } of positions)
      offsets.set(topic, [...(offsets.get(topic) ?? []), { partition, offset }]);
    const transaction = await this.producer.transaction();
    try {
      if (outputs.length > 0) await transaction.sendBatch({ topicMessages: groupByTopic(outputs), acks: -1 });
    } catch (error) {
      const refused = refusalOf(error);
      // An abort that fails leaves the transaction's fate unknown: never write its records again then.
      const aborted = await transaction.abort().then(
        () => true,
        () => false,
      );
      if (refused !== undefined && aborted) {
        await this.renewProducer();
        return `${refused}: ${errorText(error)}`;
      }
      throw error;
    }
    try {
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
    return undefined;
  }

  private log(level: BusLogLevel, message: string, detail: Record<string, unknown>): void {
    (this.deps.logger ?? stderrBusLogger)(level, message, detail);
  }
}

/**
 * Broker errors that refuse what was written, as opposed to failing to reach the broker: writing the same records again
 * gets the same answer, so the adapter writes less instead (see writeTransaction).
 */
const REFUSALS = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'CORRUPT_MESSAGE',
  'TOPIC_AUTHORIZATION_FAILED',
  'POLICY_VIOLATION',
  'INVALID_TOPIC_EXCEPTION',
  'INVALID_REQUIRED_ACKS',
]);

/** The kafkajs error type of a refusal somewhere in an error's causes, or undefined. */
export function refusalOf(error: unknown, depth = 0): string | undefined {
  if (typeof error !== 'object' || error === null || depth > 5) return undefined;
  const { type, cause, errors } = error as { type?: unknown; cause?: unknown; errors?: unknown };
  if (typeof type === 'string' && REFUSALS.has(type)) return type;
  for (const inner of [cause, ...(Array.isArray(errors) ? errors : [])]) {
    const found = refusalOf(inner, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

function toEntry(record: IncomingRecord, eventId: string | undefined, outputs: WireRecord[]): ChunkEntry {
  const only = outputs.length === 1 ? outputs[0] : undefined;
  const code = only?.headers[HEADERS.dlqCode];
  if (only && code && only.headers[HEADERS.dlqOriginalOffset] === record.offset)
    return { record, outputs, deadLetter: { code, reason: only.headers[HEADERS.dlqReason] ?? '' } };
  return { record, outputs, eventId };
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
