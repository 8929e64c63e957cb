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

/** Delay before a member whose consumer crashed joins again; doubled per crash in a row, up to REJOIN_MAX_MS. */
const REJOIN_FIRST_MS = 500;
const REJOIN_MAX_MS = 8_000;

/**
 * One member of a lease group. It reports "held" when the group assigns it partition 0, and "lost" when a rebalance
 * gives it nothing, when its consumer crashes, or when no heartbeat succeeded for a whole session (the group has
 * evicted it by then, so another member may hold the lease). A crashed or silent member joins again as a fresh consumer.
 *
 * kafkajs never restarts a lease consumer here (restartOnFailure is always false): kafkajs's disconnect() does not stop a
 * run whose join is still in flight (its runner is not running yet, so stop() returns at once and drops the runner), and
 * that join then goes on heartbeating as a member nobody reads. A restart kafkajs had scheduled before this member
 * stepped down was such a run: it had claimed the lease in its join, the group kept partition 0 with it, and no replica
 * was active until its process died (the topology spec, a broker restart right after a takeover). So every consumer is
 * disconnected only once its own start has settled (`abandon`).
 */
export class KafkaLease {
  private consumer?: Consumer;
  /** Each consumer's start (connect, subscribe, run): settled once its join ended in a running member or a crash. */
  private readonly starts = new WeakMap<Consumer, Promise<void>>();
  private held = false;
  private lastHeartbeat = Date.now();
  private watchdog?: NodeJS.Timeout;
  private retryTimer?: NodeJS.Timeout;
  private crashesInARow = 0;
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
      // Never restarted by kafkajs (see the class comment): a crash ends this consumer, and the member joins afresh.
      retry: { retries: 5, restartOnFailure: async () => false },
    });
    this.consumer = consumer;
    this.lastHeartbeat = Date.now();
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      // An abandoned consumer whose join was in flight: it leaves once that start settles (abandon), and its assignment
      // says nothing about this member.
      if (this.consumer !== consumer) return;
      this.lastHeartbeat = Date.now();
      this.crashesInARow = 0;
      this.set((payload.memberAssignment[topic] ?? []).includes(0));
    });
    consumer.on(consumer.events.HEARTBEAT, () => {
      if (this.consumer === consumer) this.lastHeartbeat = Date.now();
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (this.consumer !== consumer) return;
      this.options.log?.('warn', `lease consumer crashed, joining again: ${payload.error}`);
      this.set(false);
      this.rejoinLater();
    });
    const started = (async () => {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: false });
      // Nothing is ever written to the lease topic: the run loop is there for the heartbeats and rebalances.
      await consumer.run({ autoCommit: false, eachBatch: async () => undefined });
    })();
    this.starts.set(consumer, started);
    await started;
  }

  /** Joins again after a crash, later each time it crashes again before a join succeeds. */
  private rejoinLater(): void {
    if (this.stopped || this.retryTimer) return;
    const delay = Math.min(REJOIN_MAX_MS, REJOIN_FIRST_MS * 2 ** this.crashesInARow);
    this.crashesInARow += 1;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.rejoin();
    }, delay);
    this.retryTimer.unref();
  }

  /** A fresh member: the old one may still be assigned partition 0 in a generation nobody else knows is over. */
  private async rejoin(): Promise<void> {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const previous = this.consumer;
    this.consumer = undefined;
    if (previous) this.abandon(previous);
    if (this.stopped) return;
    await this.join().catch((error: unknown) => {
      this.options.log?.('warn', `could not join the lease group again: ${(error as Error).message}`);
      this.rejoinLater();
    });
  }

  /** Disconnects `consumer` once its start has settled: a disconnect() during its join would leave that join running. */
  private abandon(consumer: Consumer): Promise<void> {
    const started = this.starts.get(consumer) ?? Promise.resolve();
    return started
      .catch(() => undefined)
      .then(() => consumer.disconnect())
      .catch(() => undefined);
  }

  /** Leaves the group at once (the next member takes over without waiting for a session to expire). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.watchdog);
    clearTimeout(this.retryTimer);
    const current = this.consumer;
    this.consumer = undefined;
    this.set(false);
    if (!current) return;
    // A start still joining is waited for a session at most; the process is leaving anyway.
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.options.sessionTimeoutMs)));
    await Promise.race([this.abandon(current), late.then(() => current.disconnect().catch(() => undefined))]);
    clearTimeout(timer);
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
