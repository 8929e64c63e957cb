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
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, initialDelayMs: 100, maxDelayMs: 5_000 };

export interface Subscription {
  /** Consumer group: replicas of one service share it, so each message is handled by one replica. */
  group: string;
  types: readonly MessageType[];
  handler: MessageHandler;
  retry?: RetryPolicy;
  /** Extra acceptance check after parsing (e.g. an HMAC signature); a rejection is dead-lettered with its code. */
  accept?: (message: AnyMessage) => MessageRejection | undefined;
  /** Read raw records of these extra topics from the beginning before consuming (e.g. a saga snapshot topic). */
  fromBeginning?: boolean;
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
} as const;
