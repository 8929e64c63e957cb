// The MessageBus port: how every service publishes and consumes messages, whatever carries them (Kafka or in memory).
import { AnyMessage, Envelope, MessageRejection, MessageType } from '@dco/contracts';

/** A raw record written next to messages in the same atomic batch (e.g. a saga snapshot on a compacted topic). */
export interface OutputRecord {
  topic: string;
  key: string;
  /** null = tombstone (delete the key from a compacted topic). */
  value: Buffer | null;
}

/** What a handler wants written when it succeeds; the adapter writes it atomically with the consumed offset. */
export interface HandlerOutput {
  messages?: Envelope[];
  records?: OutputRecord[];
}

export interface DeliveryContext {
  topic: string;
  partition: number;
  offset: string;
  /** 1 on first delivery to this handler, then 2, 3... for retries within this process. */
  attempt: number;
  headers: Record<string, string>;
}

export type MessageHandler = (message: AnyMessage, context: DeliveryContext) => Promise<HandlerOutput | void>;

export interface RetryPolicy {
  /** Attempts in total before the message is dead-lettered with MSG.HANDLER_FAILED. */
  attempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
  /**
   * A handler that fails with a transient condition (a CodedError whose code isTransientErrorCode: a lease or lock
   * another replica holds, writes frozen for a cutover) is retried for this long from its first attempt, however many
   * attempts that takes, and at least `attempts` times: such a condition ends by itself (a lease expires, a lock is
   * released), usually later than a few quick attempts would wait. Unset: transient failures count like any other.
   */
  transientForMs?: number;
}

/** Ten minutes of transient retries: longer than the migration lease's and Terraform state lock's default expiries. */
export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 5,
  initialDelayMs: 100,
  maxDelayMs: 5_000,
  transientForMs: 10 * 60_000,
};

export interface Subscription {
  /** Consumer group: replicas of one service share it, so each message is handled by one replica. */
  group: string;
  types: readonly MessageType[];
  handler: MessageHandler;
  retry?: RetryPolicy;
  /** Extra acceptance check after parsing (e.g. an HMAC signature); a rejection is dead-lettered with its code. */
  accept?: (message: AnyMessage) => MessageRejection | undefined;
  /**
   * Where a consumer group without a committed offset starts: true (the default) = the earliest retained message, so a
   * service deployed after a command was sent still gets it; false = only messages published after it joined.
   */
  fromBeginning?: boolean;
  /** Dedupe memory: how many recent eventIds this subscription remembers (default 10 000). */
  dedupeCapacity?: number;
  /**
   * One member at a time (a lease decides which): the Kafka adapter gives its producer the transactional id
   * `<group>.<prefix>exclusive`, the same in every replica and pod, so each new holder fences the previous one's open
   * transaction, whatever the pods are called (ADR 0004).
   */
  exclusive?: boolean;
}

export interface SubscriptionHandle {
  /** Stops fetching, lets the in-flight message finish and commit, then leaves the group. */
  stop(): Promise<void>;
}

/** One dead-lettered message as written to `<Topic>.dlq`: the original bytes and headers plus why. */
export interface DeadLetter {
  topic: string;
  reason: string;
  code: string;
  value: Buffer | null;
  headers: Record<string, string>;
  /** Set when `value` is only a prefix of the original (MSG.DLQ_TRUNCATED): such a dead letter cannot be re-driven. */
  truncated?: { sha256: string; originalBytes: number };
}

export interface MessageBus {
  /** Publishes with key = runId and the traceparent in headers; resolves once the broker acknowledged them all. */
  publish(...messages: Envelope[]): Promise<void>;
  subscribe(subscription: Subscription): Promise<SubscriptionHandle>;
  /** Creates the topics (and their .dlq) with the configured partition count; idempotent. */
  ensureTopics(types: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

/** Kafka header names used by every adapter. */
export const HEADERS = {
  traceparent: 'traceparent',
  type: 'dco-type',
  eventId: 'dco-event-id',
  dlqReason: 'dco-dlq-reason',
  dlqCode: 'dco-dlq-code',
  dlqOriginalTopic: 'dco-dlq-topic',
  dlqOriginalPartition: 'dco-dlq-partition',
  dlqOriginalOffset: 'dco-dlq-offset',
  /** Set (to MSG.DLQ_TRUNCATED) on a dead letter that keeps only a prefix of the original value. */
  dlqTruncated: 'dco-dlq-truncated',
  /** sha256 (hex) of the original value of a truncated dead letter. */
  dlqSha256: 'dco-dlq-sha256',
  /** Size in bytes of the original value of a truncated dead letter. */
  dlqOriginalBytes: 'dco-dlq-original-bytes',
} as const;

/**
 * Counters and gauges an adapter reports as it works; the observability lib turns them into Prometheus metrics.
 * Every callback is optional and must not throw (an observer's error is ignored so it never changes delivery).
 */
export interface BusObserver {
  onPublished?(event: { topic: string; type: string; bytes: number }): void;
  /** A message was handled (or skipped as a duplicate) and its offset committed. */
  onConsumed?(event: { group: string; topic: string; type: string; durationMs: number; duplicate: boolean }): void;
  onDeadLettered?(event: { group: string; topic: string; code: string; reason: string }): void;
  /**
   * A record neither its outputs nor its dead letter (not even truncated) could be written for was skipped: its offset
   * is committed without them (MSG.RECORD_PARKED). It stays readable at its position in its topic until retention.
   */
  onParked?(event: { group: string; topic: string; partition: number; offset: string; reason: string }): void;
  /** A handler attempt failed and will be tried again after `delayMs`. */
  onRetry?(event: {
    group: string;
    topic: string;
    type: string;
    attempt: number;
    delayMs: number;
    error: string;
  }): void;
  /** Messages between the consumed offset and the partition's end, reported per fetched batch. */
  onLag?(event: { group: string; topic: string; partition: number; lag: number }): void;
  /** The subscription's consumer crashed; `restarting` false means it is down for good (health should fail). */
  onSubscriptionCrashed?(event: { group: string; error: string; restarting: boolean }): void;
}

/**
 * Wraps publishing and handling, e.g. to inject the current trace context into headers and to run a handler in a
 * consumer span continued from the `traceparent` header. Adapters stay free of any tracing library.
 */
export interface BusInterceptor {
  /** Called once per outgoing message before it is written; may add or change headers. */
  beforePublish?(message: Envelope, headers: Record<string, string>): void;
  /** Called around every handler attempt; must call `next()` and return (or rethrow) its result. */
  aroundHandle?(
    message: AnyMessage,
    context: DeliveryContext,
    next: () => Promise<HandlerOutput | void>,
  ): Promise<HandlerOutput | void>;
}

export type BusLogLevel = 'error' | 'warn' | 'info' | 'debug';
/** A log line as its message plus fields; the message never embeds the fields (redaction matches field names). */
export type BusLogger = (level: BusLogLevel, message: string, detail: Record<string, unknown>) => void;

/** What both adapters accept besides their transport settings. */
export interface BusHooks {
  observer?: BusObserver;
  interceptor?: BusInterceptor;
  /** The transport's own log lines (the Kafka client's): the service's structured logger, with its redaction. */
  logger?: BusLogger;
}
