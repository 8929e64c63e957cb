// ConsumerGroupOffsets in memory for unit specs: partitions that grow and groups that commit, set by the spec.
import { ConsumerGroupOffsets, GroupPartitionOffsets } from './consumer-group-offsets.port';

export class InMemoryConsumerGroupOffsets implements ConsumerGroupOffsets {
  private readonly ends = new Map<string, number[]>();
  private readonly commits = new Map<string, number>();

  /** Creates the topic of `type` with `partitions` empty partitions (idempotent). */
  createTopic(type: string, partitions: number): void {
    if (!this.ends.has(type)) this.ends.set(type, new Array<number>(partitions).fill(0));
  }

  /** Appends `count` records to a partition. */
  append(type: string, partition: number, count: number): void {
    const ends = this.ends.get(type);
    if (!ends || partition >= ends.length) throw new Error(`no partition ${partition} of ${type}`);
    ends[partition] += count;
  }

  commit(groupId: string, type: string, partition: number, offset: number): void {
    this.commits.set(`${groupId}|${type}|${partition}`, offset);
  }

  async offsets(groupId: string, types: readonly string[]): Promise<GroupPartitionOffsets[]> {
    return types.flatMap((type) =>
      (this.ends.get(type) ?? []).map((end, partition) => ({
        type,
        partition,
        committed: this.commits.get(`${groupId}|${type}|${partition}`) ?? -1,
        end,
      })),
    );
  }

  async close(): Promise<void> {}
}
