// Operator access to dead letters: list what a `<Topic>.dlq` holds and re-drive chosen ones to their original topic.
import { DeadLetter, HEADERS } from './message-bus.port';

/** A dead letter with its place in the `.dlq` topic and what could be read of the original message. */
export interface DeadLetterEntry extends DeadLetter {
  key: string | null;
  partition: number;
  offset: string;
  eventId?: string;
}

export interface RedriveFilter {
  code?: string;
  eventId?: string;
  /** `partition:offset` positions in the `.dlq` topic, as `list` shows them. */
  positions?: string[];
}

export interface DeadLetterQueue {
  /** The dead letters of a message type's topic, oldest first (at most `limit`). */
  list(type: string, options?: { limit?: number }): Promise<DeadLetterEntry[]>;
  /**
   * Publishes the original key, bytes and headers of the matching dead letters to their original topic again (after a
   * fix), marked with `dco-redriven-from`; returns what was re-driven. The dead letters stay where they are.
   */
  redrive(type: string, filter: RedriveFilter): Promise<DeadLetterEntry[]>;
  close(): Promise<void>;
}

export const REDRIVEN_FROM_HEADER = 'dco-redriven-from';

const DLQ_HEADERS: readonly string[] = [
  HEADERS.dlqCode,
  HEADERS.dlqReason,
  HEADERS.dlqOriginalTopic,
  HEADERS.dlqOriginalPartition,
  HEADERS.dlqOriginalOffset,
  HEADERS.dlqTruncated,
  HEADERS.dlqSha256,
  HEADERS.dlqOriginalBytes,
];

/**
 * Whether a dead letter is chosen for a re-drive. A truncated one (MSG.DLQ_TRUNCATED) never is: it holds only a prefix
 * of the original, which the original topic would reject; its sha256 and position lead an operator to the original.
 */
export function matchesFilter(entry: DeadLetterEntry, filter: RedriveFilter): boolean {
  if (entry.truncated) return false;
  if (filter.code && entry.code !== filter.code) return false;
  if (filter.eventId && entry.eventId !== filter.eventId) return false;
  if (filter.positions && !filter.positions.includes(`${entry.partition}:${entry.offset}`)) return false;
  return true;
}

/** The original headers of a dead letter, without the dlq ones, plus where it was re-driven from. */
export function redriveHeaders(entry: DeadLetterEntry, dlqTopic: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(entry.headers)) if (!DLQ_HEADERS.includes(name)) headers[name] = value;
  headers[REDRIVEN_FROM_HEADER] = `${dlqTopic}/${entry.partition}/${entry.offset}`;
  return headers;
}

/** The eventId of the original message, if its bytes are a JSON envelope that has one. */
export function eventIdOf(value: Buffer | null): string | undefined {
  if (!value) return undefined;
  try {
    const parsed = JSON.parse(value.toString('utf8')) as { eventId?: unknown };
    return typeof parsed.eventId === 'string' ? parsed.eventId : undefined;
  } catch {
    return undefined; // a dead letter is often not JSON at all; it simply has no eventId
  }
}
