// A lease held through Kafka's own group membership, no other datastore: a one-partition topic and a consumer group;
// the member assigned partition 0 holds the lease. A sticky assignor keeps it with its holder while the holder stays in
// the group, so a standby joining or restarting never moves it. ADR 0004 (orchestrator high availability).
import { AssignerProtocol, Consumer, GroupMember, Kafka, PartitionAssigner } from 'kafkajs';
import { createTopicsAndWait } from './kafka-topics';

/** Protocol name of the sticky one-partition assignor; every member of a lease group must use it. */
export const LEASE_ASSIGNER = 'DcoStickyLease';

/** What a member tells the group leader when it (re)joins. */
export interface LeaseMemberData {
  /** The member's name (a pod name), shown to the others as the holder. */
  name: string;
  /** It held the lease before this rebalance. */
  holding: boolean;
}

export interface LeaseMember {
  memberId: string;
  data?: LeaseMemberData;
}

export function encodeLeaseMember(data: LeaseMemberData): Buffer {
  return Buffer.from(JSON.stringify(data), 'utf8');
}

export function decodeLeaseMember(userData: Buffer | null | undefined): LeaseMemberData | undefined {
  if (!userData || userData.length === 0) return undefined;
  try {
    const parsed = JSON.parse(userData.toString('utf8')) as Partial<LeaseMemberData>;
    return typeof parsed.name === 'string' ? { name: parsed.name, holding: parsed.holding === true } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The member that gets the lease: the one that already holds it (the lowest member id if several claim it, e.g. after a
 * partition healed), otherwise the lowest member id. Pure, so the rule is unit-tested without a broker.
 */
export function chooseLeaseHolder(members: readonly LeaseMember[]): string | undefined {
  const ids = (list: readonly LeaseMember[]) => list.map((m) => m.memberId).sort();
  return ids(members.filter((m) => m.data?.holding))[0] ?? ids(members)[0];
}

/** The assignor: partition 0 of every subscribed topic to the chosen holder, nothing to the others. */
export function stickyLeaseAssigner(self: () => LeaseMemberData): PartitionAssigner {
  return () => ({
    name: LEASE_ASSIGNER,
    version: 0,
    async assign({ members, topics }: { members: GroupMember[]; topics: string[] }) {
      const holder = chooseLeaseHolder(
        members.map(({ memberId, memberMetadata }) => ({
          memberId,
          data: decodeLeaseMember(AssignerProtocol.MemberMetadata.decode(memberMetadata)?.userData),
        })),
      );
      return members.map(({ memberId }) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: 0,
          assignment: memberId === holder ? Object.fromEntries(topics.map((topic) => [topic, [0]])) : {},
          userData: Buffer.alloc(0),
        }),
      }));
    },
    protocol({ topics }: { topics: string[] }) {
      return {
        name: LEASE_ASSIGNER,
        metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: encodeLeaseMember(self()) }),
      };
    },
  });
}

export interface KafkaLeaseOptions {
  kafka: Kafka;
  /** The one-partition lease topic (created if missing). */
  topic: string;
  groupId: string;
  /** This member's name, reported to the others as the holder. */
  name: string;
  sessionTimeoutMs: number;
  heartbeatIntervalMs?: number;
  replicationFactor?: number;
  /** Called (serially, never overlapping) each time this member gains or loses the lease. */
  onChange(held: boolean): void;
  log?(level: 'info' | 'warn', message: string): void;
}

/**
 * One member of a lease group. It reports "held" when the group assigns it partition 0, and "lost" when a rebalance
 * gives it nothing, when its consumer crashes for good, or when no heartbeat succeeded for a whole session (the group
 * has evicted it by then, so another member may hold the lease).
 */
export class KafkaLease {
  private consumer?: Consumer;
  private held = false;
  private lastHeartbeat = Date.now();
  private watchdog?: NodeJS.Timeout;
  private stopped = false;

  constructor(private readonly options: KafkaLeaseOptions) {}

  get holding(): boolean {
    return this.held;
  }

  async start(): Promise<void> {
    const { kafka, topic, sessionTimeoutMs } = this.options;
    const admin = kafka.admin();
    await admin.connect();
    try {
      if (!(await admin.listTopics()).includes(topic))
        await createTopicsAndWait(admin, [
          { topic, numPartitions: 1, replicationFactor: this.options.replicationFactor ?? 1 },
        ]);
    } finally {
      await admin.disconnect();
    }
    // Step down a little before the group can have evicted this member: a standby may hold the lease from then on, and
    // a member that still claimed it when it rejoins could take it back.
    const silenceMs = Math.max(sessionTimeoutMs - 2_000, Math.floor(sessionTimeoutMs * 0.75));
    this.watchdog = setInterval(() => {
      if (!this.held || Date.now() - this.lastHeartbeat <= silenceMs) return;
      this.options.log?.('warn', `no heartbeat for ${silenceMs} ms: the lease is presumed lost, rejoining`);
      this.set(false);
      void this.rejoin();
    }, 250);
    this.watchdog.unref();
    await this.join();
  }

  private async join(): Promise<void> {
    const { kafka, topic, groupId, sessionTimeoutMs } = this.options;
    const heartbeatInterval = this.options.heartbeatIntervalMs ?? Math.max(500, Math.min(1_000, sessionTimeoutMs / 3));
    const consumer = kafka.consumer({
      groupId,
      sessionTimeout: sessionTimeoutMs,
      // Nothing to finish before rejoining: a rebalance waits at most one session for the members.
      rebalanceTimeout: sessionTimeoutMs,
      heartbeatInterval,
      maxWaitTimeInMs: Math.min(1_000, heartbeatInterval),
      partitionAssigners: [stickyLeaseAssigner(() => ({ name: this.options.name, holding: this.held }))],
      allowAutoTopicCreation: false,
      // Only the current member restarts after a crash. kafkajs restarts a crashed consumer even after disconnect() (the
      // crash of a run in flight comes after it): a member abandoned by rejoin() came back into the group as a zombie
      // whose assignment nobody read. When the group gave it partition 0, no replica was active until it was killed
      // (the topology spec, a broker restart right after a takeover).
      retry: { retries: 5, restartOnFailure: async () => !this.stopped && this.consumer === consumer },
    });
    this.consumer = consumer;
    this.lastHeartbeat = Date.now();
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      // An abandoned member that joined anyway (its join was in flight) leaves again at once: it must not sit on the lease.
      if (this.consumer !== consumer) return void consumer.disconnect().catch(() => undefined);
      this.lastHeartbeat = Date.now();
      this.set((payload.memberAssignment[topic] ?? []).includes(0));
    });
    consumer.on(consumer.events.HEARTBEAT, () => {
      if (this.consumer === consumer) this.lastHeartbeat = Date.now();
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (this.consumer !== consumer) return;
      this.options.log?.('warn', `lease consumer crashed${payload.restart ? ', restarting' : ''}: ${payload.error}`);
      if (!payload.restart) this.set(false);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: false });
    // Nothing is ever written to the lease topic: the run loop is there for the heartbeats and rebalances.
    await consumer.run({ autoCommit: false, eachBatch: async () => undefined });
  }

  /** A fresh member: the old one may still be assigned partition 0 in a generation nobody else knows is over. */
  private async rejoin(): Promise<void> {
    const previous = this.consumer;
    this.consumer = undefined;
    void previous?.disconnect().catch(() => undefined);
    if (this.stopped) return;
    await this.join().catch((error: unknown) => {
      this.options.log?.('warn', `could not rejoin the lease group: ${(error as Error).message}`);
      if (!this.stopped) setTimeout(() => void this.rejoin(), 1_000).unref();
    });
  }

  /** Leaves the group at once (the next member takes over without waiting for a session to expire). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.watchdog);
    await this.consumer?.disconnect().catch(() => undefined);
    this.set(false);
  }

  /**
   * The name of the member holding the lease now, from the group's description (undefined while the group rebalances
   * or nobody holds it).
   */
  async holder(): Promise<string | undefined> {
    const admin = this.options.kafka.admin();
    await admin.connect();
    try {
      const { groups } = await admin.describeGroups([this.options.groupId]);
      for (const member of groups[0]?.members ?? []) {
        const assignment = AssignerProtocol.MemberAssignment.decode(member.memberAssignment);
        if (!assignment?.assignment[this.options.topic]?.includes(0)) continue;
        return decodeLeaseMember(AssignerProtocol.MemberMetadata.decode(member.memberMetadata)?.userData)?.name;
      }
      return undefined;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  private set(held: boolean): void {
    if (this.stopped && held) return;
    if (held === this.held) return;
    this.held = held;
    this.options.log?.('info', held ? 'lease acquired' : 'lease lost');
    this.options.onChange(held);
  }
}
