// Topic creation that also works on KRaft clusters, where new topics reach the metadata cache a moment after creation.
import { CodedError } from '@dco/contracts';
import { Admin } from 'kafkajs';

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
  timeoutMs = 30_000,
): Promise<void> {
  if (topics.length === 0) return;
  await admin.createTopics({ waitForLeaders: false, topics: [...topics] });
  const names = topics.map((t) => t.topic);
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics: names });
      const led = metadata.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0));
      // A leader in the metadata may not serve yet; a successful ListOffsets on every topic shows that it does.
      if (led) {
        await Promise.all(names.map((topic) => admin.fetchTopicOffsets(topic)));
        return;
      }
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new CodedError(
    'MSG.TOPICS_NOT_READY',
    `topics ${names.join(', ')} have no leaders after ${timeoutMs} ms${lastError ? `: ${String(lastError)}` : ''}`,
  );
}
