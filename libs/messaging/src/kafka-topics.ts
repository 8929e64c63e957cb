// Topic creation that also works on KRaft clusters, where new topics reach the metadata cache a moment after creation.
import { CodedError } from '@dco/contracts';
import { Admin } from 'kafkajs';
import { authorizationFailureOf } from './kafka-security';

export interface TopicSpec {
  topic: string;
  numPartitions: number;
  replicationFactor: number;
  configEntries?: Array<{ name: string; value: string }>;
}

/** How long the audit trail is kept: 400 days, a year of audits and a quarter to close it (ADR 0028). */
export const AUDIT_RETENTION_MS = 400 * 86_400_000;

/**
 * The message topics whose configuration differs from the broker's defaults (by type, before any prefix). The audit
 * trail is deleted by age only: never compacted (every entry counts) and never cut by size. The DR drills' figures are
 * kept as long (a weekly drill would otherwise age out of the broker's default week before the dashboard reads it).
 */
export const TOPIC_CONFIGS: Readonly<Record<string, ReadonlyArray<{ name: string; value: string }>>> = {
  AuditRecorded: [
    { name: 'cleanup.policy', value: 'delete' },
    { name: 'retention.ms', value: String(AUDIT_RETENTION_MS) },
    { name: 'retention.bytes', value: '-1' },
  ],
  DrDrillCompleted: [
    { name: 'cleanup.policy', value: 'delete' },
    { name: 'retention.ms', value: String(AUDIT_RETENTION_MS) },
    { name: 'retention.bytes', value: '-1' },
  ],
};

/** The declared configuration of a (possibly prefixed) topic, none for a `.dlq` or an undeclared one. */
export function topicConfigOf(topic: string, prefix = ''): Array<{ name: string; value: string }> | undefined {
  const name = topic.startsWith(prefix) ? topic.slice(prefix.length) : topic;
  const entries = TOPIC_CONFIGS[name];
  return entries ? [...entries] : undefined;
}

/**
 * Creates the topics (an "already exists" from a racing replica is fine) and waits until every partition's leader serves.
 * kafkajs' own `waitForLeaders` gives up on the UNKNOWN_TOPIC_OR_PARTITION a KRaft broker answers meanwhile.
 */
export async function createTopicsAndWait(
  admin: Admin,
  topics: readonly TopicSpec[],
  // A service starting on a loaded host waits rather than exits (its restart would only ask again).
  timeoutMs = 60_000,
): Promise<void> {
  if (topics.length === 0) return;
  const deadline = Date.now() + timeoutMs;
  // kafkajs retries only NOT_CONTROLLER itself: a busy controller's REQUEST_TIMED_OUT or a dropped connection reached
  // the caller, and a service starting on a loaded host exited. Another try is safe: what the first one created answers
  // TOPIC_ALREADY_EXISTS, which createTopics takes as done.
  for (;;) {
    try {
      await admin.createTopics({ waitForLeaders: false, topics: [...topics] });
      break;
    } catch (error) {
      if (!isTransientBrokerFailure(error) || Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, CREATE_RETRY_MS));
    }
  }
  // Topics whose every partition has a leader that answers; only the others are looked at again, less often each time:
  // a fresh broker on a loaded host answered NOT_LEADER for one of 80 new topics for 30 s while every look asked all 80.
  const pending = new Set(topics.map((t) => t.topic));
  let lastError: unknown;
  let pause = READY_POLL_MS;
  // At least one look, even when creating took the whole deadline.
  for (let first = true; first || Date.now() < deadline; first = false) {
    try {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics: [...pending] });
      const led = metadata
        .filter((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))
        .map((t) => t.name);
      // A leader in the metadata may not serve yet; a successful ListOffsets on a topic shows that it does.
      const served = await Promise.allSettled(led.map((topic) => admin.fetchTopicOffsets(topic)));
      served.forEach((outcome, i) => {
        if (outcome.status === 'fulfilled') pending.delete(led[i]);
        else lastError = outcome.reason;
      });
      if (pending.size === 0) return;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(pause, Math.max(0, deadline - Date.now()))));
    pause = Math.min(2 * pause, READY_POLL_MAX_MS);
  }
  throw new CodedError(
    'MSG.TOPICS_NOT_READY',
    `topics ${[...pending].join(', ')} have no serving leaders after ${timeoutMs} ms` +
      (lastError ? `: ${String(lastError)}` : ''),
  );
}

/** The first pause between looks at new topics' leaders, doubled after each look up to READY_POLL_MAX_MS. */
const READY_POLL_MS = 50;
const READY_POLL_MAX_MS = 1_000;
const CREATE_RETRY_MS = 250;

/**
 * kafkajs' errors for a request that may succeed when tried again: timed out, connection lost, no metadata yet, no group
 * coordinator yet (a broker coming back; kafkajs itself calls that one final).
 */
const TRANSIENT_NAMES = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSTopicMetadataNotLoaded',
  'KafkaJSGroupCoordinatorNotFound',
]);

/**
 * Whether a broker call's failure is worth another try: a timeout or a lost connection (also inside kafkajs' "retries
 * exceeded" and its per-topic aggregate, where an "already exists" counts as done), never a refusal or a bad request.
 */
export function isTransientBrokerFailure(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  if (authorizationFailureOf(error) !== undefined) return false;
  const { name, type, retriable, cause, errors } = error as {
    name?: unknown;
    type?: unknown;
    retriable?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (Array.isArray(errors) && errors.length > 0)
    return errors.every(
      (inner) =>
        (inner as { type?: unknown }).type === 'TOPIC_ALREADY_EXISTS' || isTransientBrokerFailure(inner, depth + 1),
    );
  // A broker's error code says itself whether it is retriable (REQUEST_TIMED_OUT is; INVALID_CONFIG is not).
  if (typeof type === 'string') return retriable === true;
  // kafkajs' retrier wraps what it gives up on: retries exhausted, or a failure it calls final (a missing group
  // coordinator while a broker comes back arrives as KafkaJSNonRetriableError with that cause). The cause decides.
  if (name === 'KafkaJSNumberOfRetriesExceeded' || name === 'KafkaJSNonRetriableError')
    return isTransientBrokerFailure(cause, depth + 1);
  return typeof name === 'string' && TRANSIENT_NAMES.has(name);
}
