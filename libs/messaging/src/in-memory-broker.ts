// An in-process stand-in for the Kafka cluster: partitioned topic logs, consumer-group offsets and membership.
import { CodedError } from '@dco/contracts';
import { createHash } from 'node:crypto';
import { DeadLetter } from './message-bus.port';
import { WireRecord, toDeadLetter } from './wire-record';

export interface StoredRecord extends WireRecord {
  partition: number;
  offset: number;
}

/** A member of a consumer group as the broker sees it: the topics it reads and how to hand it work. */
export interface GroupMember {
  readonly topics: ReadonlySet<string>;
  /**
   * Handles records of one partition in order (at least one). `commit` writes outputs and moves the group's offset in
   * one synchronous step, which is what makes them atomic; records not committed are delivered again.
   */
  consume(records: readonly StoredRecord[], commit: CommitFn): Promise<void>;
}

export type CommitFn = (outputs: readonly WireRecord[], nextOffset: number) => void;

interface GroupState {
  members: GroupMember[];
  /** topic -> next offset to consume, per partition. */
  offsets: Map<string, number[]>;
  fromBeginning: boolean;
}

export interface InMemoryBrokerOptions {
  partitions?: number;
  /** Most records handed to a member in one go (one atomic commit). */
  maxBatch?: number;
}

export class InMemoryBroker {
  readonly partitions: number;
  private readonly maxBatch: number;
  private readonly topics = new Map<string, StoredRecord[][]>();
  private readonly groups = new Map<string, GroupState>();
  /** `${group}\u0000${topic}\u0000${partition}` currently being consumed: one batch at a time per partition and group. */
  private readonly busy = new Set<string>();
  private readonly running = new Set<Promise<void>>();
  /** Errors thrown by a member outside its handler (never expected); inspect them in tests and health checks. */
  readonly failures: unknown[] = [];

  constructor(options: InMemoryBrokerOptions = {}) {
    this.partitions = options.partitions ?? 6;
    this.maxBatch = options.maxBatch ?? 100;
    if (!Number.isInteger(this.partitions) || this.partitions < 1)
      throw new CodedError('INTERNAL.UNEXPECTED', 'partitions must be a positive integer');
  }

  createTopic(topic: string): void {
    if (!this.topics.has(topic))
      this.topics.set(
        topic,
        Array.from({ length: this.partitions }, () => []),
      );
  }

  hasTopic(topic: string): boolean {
    return this.topics.has(topic);
  }

  /** Appends records atomically (all or none are visible), creating missing topics like an auto-creating cluster. */
  append(records: readonly WireRecord[]): StoredRecord[] {
    const stored = records.map((record) => {
      this.createTopic(record.topic);
      const log = this.topics.get(record.topic) as StoredRecord[][];
      const partition = this.partitionOf(record.key);
      const entry: StoredRecord = {
        ...record,
        headers: { ...record.headers },
        partition,
        offset: log[partition].length,
      };
      log[partition].push(entry);
      return entry;
    });
    for (const topic of new Set(records.map((r) => r.topic))) this.dispatchTopic(topic);
    return stored;
  }

  /** Every record of a topic, partition by partition, in offset order. */
  records(topic: string): StoredRecord[] {
    return (this.topics.get(topic) ?? []).flat();
  }

  /** The dead letters of one topic (or of every topic), as written to `<Topic>.dlq`. */
  deadLetters(topic?: string): DeadLetter[] {
    const dlqTopics = topic ? [`${topic}.dlq`] : [...this.topics.keys()].filter((name) => name.endsWith('.dlq'));
    return dlqTopics.flatMap((name) => this.records(name).map(toDeadLetter));
  }

  /** Same key, same partition (like Kafka's keyed partitioner, not byte-compatible with it). */
  partitionOf(key: string | null): number {
    if (key === null) return 0;
    return createHash('sha1').update(key).digest().readUInt32BE(0) % this.partitions;
  }

  join(group: string, member: GroupMember, fromBeginning: boolean): void {
    let state = this.groups.get(group);
    if (!state) {
      state = { members: [], offsets: new Map(), fromBeginning };
      this.groups.set(group, state);
    }
    for (const topic of member.topics) {
      this.createTopic(topic);
      if (!state.offsets.has(topic)) {
        const log = this.topics.get(topic) as StoredRecord[][];
        state.offsets.set(
          topic,
          log.map((partition) => (fromBeginning ? 0 : partition.length)),
        );
      }
    }
    state.members.push(member);
    for (const topic of member.topics) this.dispatchTopic(topic);
  }

  leave(group: string, member: GroupMember): void {
    const state = this.groups.get(group);
    if (!state) return;
    state.members = state.members.filter((m) => m !== member);
    for (const topic of member.topics) this.dispatchTopic(topic);
  }

  /** The offset the next record of a partition will get. */
  endOffset(topic: string, partition: number): number {
    return this.topics.get(topic)?.[partition]?.length ?? 0;
  }

  committedOffset(group: string, topic: string, partition: number): number | undefined {
    return this.groups.get(group)?.offsets.get(topic)?.[partition];
  }

  /** Resolves once no group has a deliverable record left and no handler is running. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private dispatchTopic(topic: string): void {
    for (const [group, state] of this.groups) {
      if (!state.offsets.has(topic)) continue;
      for (let partition = 0; partition < this.partitions; partition += 1)
        this.dispatch(group, state, topic, partition);
    }
  }

  /** Partition p of a topic belongs to the group's p-th member (mod count) among those reading the topic. */
  private ownerOf(state: GroupState, topic: string, partition: number): GroupMember | undefined {
    const readers = state.members.filter((m) => m.topics.has(topic));
    return readers.length === 0 ? undefined : readers[partition % readers.length];
  }

  private dispatch(group: string, state: GroupState, topic: string, partition: number): void {
    const slot = `${group}\u0000${topic}\u0000${partition}`;
    if (this.busy.has(slot)) return;
    const offsets = state.offsets.get(topic) as number[];
    const log = (this.topics.get(topic) as StoredRecord[][])[partition];
    const member = this.ownerOf(state, topic, partition);
    if (!member || offsets[partition] >= log.length) return;

    this.busy.add(slot);
    const batch = log.slice(offsets[partition], offsets[partition] + this.maxBatch);
    const commit: CommitFn = (outputs, nextOffset) => {
      if (nextOffset <= offsets[partition])
        throw new CodedError(
          'INTERNAL.UNEXPECTED',
          `offset ${nextOffset} of ${topic}/${partition} was already committed`,
        );
      // Output first, offset second, with no await between: nothing can observe one without the other.
      this.append(outputs);
      offsets[partition] = nextOffset;
    };
    const run = member
      .consume(batch, commit)
      .then(
        () => true,
        (error: unknown) => {
          // A member failing outside its handler is a bug; keep it visible and do not spin on the same record.
          this.failures.push(error);
          return false;
        },
      )
      .then((ok) => {
        this.busy.delete(slot);
        this.running.delete(run);
        if (ok) this.dispatch(group, state, topic, partition);
      });
    this.running.add(run);
  }
}
