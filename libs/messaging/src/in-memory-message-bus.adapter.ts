// The MessageBus in one process (embedded profile, unit tests): same keys, ordering, groups, retries, DLQ and dedupe as Kafka.
import { Envelope, MAX_MESSAGE_BYTES, MessageType, dlqTopicOf, CodedError } from '@dco/contracts';
import { CommitFn, GroupMember, InMemoryBroker, StoredRecord } from './in-memory-broker';
import {
  BusHooks,
  BusObserver,
  HEADERS,
  HandlerOutput,
  MessageBus,
  Subscription,
  SubscriptionHandle,
} from './message-bus.port';
import { MessageProcessor } from './message-processor';
import { Sleep, realSleep } from './retry-backoff';
import { safeNotify } from './safe-notify';
import { WireRecord, encodeMessage, encodeOutputRecord, topicFor } from './wire-record';

export interface InMemoryMessageBusOptions extends BusHooks {
  /** Several buses on one broker behave like several processes on one cluster. */
  broker?: InMemoryBroker;
  sleep?: Sleep;
  maxMessageBytes?: number;
  /** Namespace for every topic name (several environments or test runs on one broker). */
  topicPrefix?: string;
}

export class InMemoryMessageBus implements MessageBus {
  readonly broker: InMemoryBroker;
  private readonly sleep: Sleep;
  private readonly maxBytes: number;
  readonly topicPrefix: string;
  private readonly handles = new Set<InMemorySubscription>();
  private closed = false;

  readonly observer?: BusObserver;

  constructor(private readonly options: InMemoryMessageBusOptions = {}) {
    this.observer = options.observer;
    this.broker = options.broker ?? new InMemoryBroker();
    this.sleep = options.sleep ?? realSleep;
    this.maxBytes = options.maxMessageBytes ?? MAX_MESSAGE_BYTES;
    this.topicPrefix = options.topicPrefix ?? '';
  }

  async publish(...messages: Envelope[]): Promise<void> {
    this.assertOpen();
    const records = messages.map((message) =>
      encodeMessage(message, this.options.interceptor, this.maxBytes, this.topicPrefix),
    );
    this.broker.append(records);
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
    const member = new InMemorySubscription(
      this,
      subscription,
      new MessageProcessor(subscription, this.options, {
        sleep: this.sleep,
        maxBytes: this.maxBytes,
        topicOf: (type) => topicFor(type, this.topicPrefix),
      }),
    );
    this.handles.add(member);
    this.broker.join(subscription.group, member, subscription.fromBeginning ?? true);
    return {
      stop: async () => {
        this.handles.delete(member);
        await member.stop();
      },
    };
  }

  async ensureTopics(types: readonly string[]): Promise<void> {
    for (const type of types) {
      this.broker.createTopic(topicFor(type, this.topicPrefix));
      this.broker.createTopic(dlqTopicOf(topicFor(type, this.topicPrefix)));
    }
  }

  /** Resolves once every delivered message has been handled and committed (retries included). */
  idle(): Promise<void> {
    return this.broker.idle();
  }

  /** Alias of idle(), named after what tests usually want. */
  drain(): Promise<void> {
    return this.broker.idle();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.handles].map((handle) => handle.stop()));
    this.handles.clear();
  }

  encodeOutputs(outputs: HandlerOutput): WireRecord[] {
    return [
      ...(outputs.messages ?? []).map((message) =>
        encodeMessage(message, this.options.interceptor, this.maxBytes, this.topicPrefix),
      ),
      ...(outputs.records ?? []).map((record) => encodeOutputRecord(record, this.topicPrefix)),
    ];
  }

  private assertOpen(): void {
    if (this.closed) throw new CodedError('MSG.BUS_CLOSED', 'MessageBus is closed');
  }
}

class InMemorySubscription implements GroupMember {
  readonly topics: ReadonlySet<string>;
  private running = true;
  /** Batches being handled, one per partition at most. */
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly bus: InMemoryMessageBus,
    private readonly subscription: Subscription,
    private readonly processor: MessageProcessor,
  ) {
    this.topics = new Set(subscription.types.map((type: MessageType) => topicFor(type, bus.topicPrefix)));
  }

  consume(records: readonly StoredRecord[], commit: CommitFn): Promise<void> {
    const work = this.consumeBatch(records, commit);
    const settled = work.catch(() => undefined).then(() => void this.inFlight.delete(settled));
    this.inFlight.add(settled);
    return work;
  }

  async stop(): Promise<void> {
    if (this.running) {
      this.running = false;
      // Leave first so no new batch is handed over, then let the in-flight ones finish and commit.
      this.bus.broker.leave(this.subscription.group, this);
    }
    await Promise.all([...this.inFlight]);
  }

  /** Commits after each record: the in-memory log has no per-transaction cost worth batching away. */
  private async consumeBatch(records: readonly StoredRecord[], commit: CommitFn): Promise<void> {
    const control = { isRunning: () => this.running };
    const { topic, partition, offset } = records[0];
    const lag = this.bus.broker.endOffset(topic, partition) - offset;
    safeNotify(() => this.bus.observer?.onLag?.({ group: this.subscription.group, topic, partition, lag }));
    for (const record of records) {
      if (!this.running) return;
      const incoming = { ...record, offset: String(record.offset) };
      const chunk = new Set<string>();
      const outcome = await this.processor.process(incoming, control, chunk);
      if (outcome.kind === 'interrupted') return;
      const outputs = this.processor.recordsFor(outcome, incoming, (output) => this.bus.encodeOutputs(output), chunk);
      commit(outputs, record.offset + 1);
      this.processor.remember(chunk);
    }
  }
}
