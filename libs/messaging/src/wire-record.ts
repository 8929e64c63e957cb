// How messages look on the wire (key = runId, JSON value, dco headers) and how a rejected record becomes a dead letter.
import { CodedError, Envelope, MAX_MESSAGE_BYTES, dlqTopicOf, serializeMessage } from '@dco/contracts';
import { createHash } from 'node:crypto';
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

/**
 * Largest original value a dead letter keeps whole. A bigger one could never be re-driven (the bus refuses it with
 * MSG.TOO_LARGE), and copying it could exceed the broker's record limit and abort the chunk's transaction for good.
 */
export const MAX_DEAD_LETTER_VALUE_BYTES = MAX_MESSAGE_BYTES;
/** Most bytes of the original's own headers a dead letter copies (each value also bounded to MAX_HEADER_CHARS). */
export const MAX_DEAD_LETTER_HEADER_BYTES = 16 * 1024;
/** Prefix of the original value a truncated dead letter keeps, for diagnosis. */
export const TRUNCATED_PREFIX_BYTES = 1024;

/**
 * The dead letter of a consumed record: its key, value and headers plus why and where it came from. An original larger
 * than `maxValueBytes` (or whose headers are too large) is stored truncated: a prefix of the value, its sha256 and
 * size, and its topic/partition/offset (MSG.DLQ_TRUNCATED), so the dead letter itself always fits.
 */
export function deadLetterRecord(
  record: IncomingRecord,
  code: string,
  reason: string,
  maxValueBytes = MAX_DEAD_LETTER_VALUE_BYTES,
): WireRecord {
  const headers = boundedHeaders(record.headers);
  if ((record.value?.length ?? 0) > maxValueBytes || headers === undefined)
    return truncatedDeadLetter(record, code, reason);
  return {
    topic: dlqTopicOf(record.topic),
    key: boundedKey(record.key),
    value: record.value,
    headers: { ...headers, ...dlqHeaders(record, code, reason) },
  };
}

/** The smallest dead letter of a record: a prefix of its value, its sha256 and size, no original headers but the dco ones. */
export function truncatedDeadLetter(record: IncomingRecord, code: string, reason: string): WireRecord {
  const value = record.value ?? Buffer.alloc(0);
  const kept: Record<string, string> = {};
  for (const name of [HEADERS.type, HEADERS.eventId, HEADERS.traceparent]) {
    const header = record.headers[name];
    if (header !== undefined) kept[name] = header.slice(0, 200);
  }
  return {
    topic: dlqTopicOf(record.topic),
    key: boundedKey(record.key),
    value: value.subarray(0, TRUNCATED_PREFIX_BYTES),
    headers: {
      ...kept,
      ...dlqHeaders(record, code, reason),
      [HEADERS.dlqTruncated]: 'MSG.DLQ_TRUNCATED',
      [HEADERS.dlqSha256]: createHash('sha256').update(value).digest('hex'),
      [HEADERS.dlqOriginalBytes]: String(value.length),
    },
  };
}

function dlqHeaders(record: IncomingRecord, code: string, reason: string): Record<string, string> {
  return {
    [HEADERS.dlqCode]: code,
    [HEADERS.dlqReason]: reason.slice(0, MAX_HEADER_CHARS),
    [HEADERS.dlqOriginalTopic]: record.topic,
    [HEADERS.dlqOriginalPartition]: String(record.partition),
    [HEADERS.dlqOriginalOffset]: record.offset,
  };
}

/** The original's headers with each value bounded, or undefined when together they are still too large to copy. */
function boundedHeaders(headers: Record<string, string>): Record<string, string> | undefined {
  const result: Record<string, string> = {};
  let bytes = 0;
  for (const [name, value] of Object.entries(headers)) {
    const bounded = value.slice(0, MAX_HEADER_CHARS);
    bytes += Buffer.byteLength(name) + Buffer.byteLength(bounded);
    if (bytes > MAX_DEAD_LETTER_HEADER_BYTES) return undefined;
    result[name] = bounded;
  }
  return result;
}

/** Keys are run ids, short; a foreign record's key can be anything, so a dead letter keeps at most 1 KiB of it. */
function boundedKey(key: string | null): string | null {
  return key === null || key.length <= 1024 ? key : key.slice(0, 1024);
}

/** Reads a record of a `.dlq` topic back as a DeadLetter. */
export function toDeadLetter(record: WireRecord): DeadLetter {
  return {
    topic: record.headers[HEADERS.dlqOriginalTopic] ?? record.topic.replace(/\.dlq$/, ''),
    code: record.headers[HEADERS.dlqCode] ?? 'UNKNOWN',
    reason: record.headers[HEADERS.dlqReason] ?? '',
    value: record.value,
    headers: record.headers,
    ...(record.headers[HEADERS.dlqTruncated]
      ? {
          truncated: {
            sha256: record.headers[HEADERS.dlqSha256] ?? '',
            originalBytes: Number(record.headers[HEADERS.dlqOriginalBytes] ?? 0),
          },
        }
      : {}),
  };
}

export function errorText(error: unknown): string {
  if (error instanceof CodedError) return `${error.code}: ${error.message}${error.detail ? ` (${error.detail})` : ''}`;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
