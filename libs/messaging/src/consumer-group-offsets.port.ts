// Where a consumer group stands on its topics: committed offsets against the partitions' ends (the healer's lag probe).

/** One partition of a topic: the group's committed offset (the next to read; -1 when it committed none) and the end. */
export interface GroupPartitionOffsets {
  /** The message type the topic carries (the topic without the namespace prefix). */
  type: string;
  partition: number;
  committed: number;
  end: number;
}

export interface ConsumerGroupOffsets {
  /** The group's offsets on each partition of the topics of these message types; a topic that does not exist has none. */
  offsets(groupId: string, types: readonly string[]): Promise<GroupPartitionOffsets[]>;
  close(): Promise<void>;
}
