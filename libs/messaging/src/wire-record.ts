// How messages look on the wire (key = runId, JSON value, dco headers) and how a rejected record becomes a dead letter.
import { CodedError, Envelope, MAX_MESSAGE_BYTES, dlqTopicOf, serializeMessage } from '@dco/contracts';
import { BusInterceptor, DeadLetter, HEADERS, OutputRecord } from './message-bus.port';

/** One record as any adapter writes or reads it. */
export interface WireRecord {
  topic: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

/** A record as consumed, with its position. */
export interface IncomingRecord extends WireRecord {
  partition: number;
  offset: string;
}

/** Header values are bounded so that a huge error text cannot make the dead letter itself too large. */
const MAX_HEADER_CHARS = 2_000;

/** Topic of a message type: the type itself, after an optional namespace prefix (e.g. `staging.`). */
export function topicFor(type: string, prefix = ''): string {
  return `${prefix}${type}`;
}

export function encodeMessage(
  message: Envelope,
  interceptor?: BusInterceptor,
  maxBytes = MAX_MESSAGE_BYTES,
  prefix = '',
): WireRecord {
  const value = serializeMessage(message);
  if (value.length > maxBytes) {
    throw new CodedError(
      'MSG.TOO_LARGE',
      `${message.type} ${message.eventId} is ${value.length} bytes, the limit is ${maxBytes}`,
    );
  }
  const headers: Record<string, string> = { [HEADERS.type]: message.type, [HEADERS.eventId]: message.eventId };
  if (message.traceparent) headers[HEADERS.traceparent] = message.traceparent;
  interceptor?.beforePublish?.(message, headers);
  return { topic: topicFor(message.type, prefix), key: message.runId, value, headers };
}

export function encodeOutputRecord(record: OutputRecord, prefix = ''): WireRecord {
  return { topic: topicFor(record.topic, prefix), key: record.key, value: record.value, headers: {} };
}

export function deadLetterRecord(record: IncomingRecord, code: string, reason: string): WireRecord {
  return {
    topic: dlqTopicOf(record.topic),
    key: record.key,
    value: record.value,
    headers: {
      ...record.headers,
      [HEADERS.dlqCode]: code,
      [HEADERS.dlqReason]: reason.slice(0, MAX_HEADER_CHARS),
      [HEADERS.dlqOriginalTopic]: record.topic,
      [HEADERS.dlqOriginalPartition]: String(record.partition),
      [HEADERS.dlqOriginalOffset]: record.offset,
    },
  };
}

/** Reads a record of a `.dlq` topic back as a DeadLetter. */
export function toDeadLetter(record: WireRecord): DeadLetter {
  return {
    topic: record.headers[HEADERS.dlqOriginalTopic] ?? record.topic.replace(/\.dlq$/, ''),
    code: record.headers[HEADERS.dlqCode] ?? 'UNKNOWN',
    reason: record.headers[HEADERS.dlqReason] ?? '',
    value: record.value,
    headers: record.headers,
  };
}

export function errorText(error: unknown): string {
  if (error instanceof CodedError) return `${error.code}: ${error.message}${error.detail ? ` (${error.detail})` : ''}`;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
