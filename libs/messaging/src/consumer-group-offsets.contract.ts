// The behaviour every ConsumerGroupOffsets must show; run against the in-memory fake (unit) and Kafka (int).
import { ConsumerGroupOffsets } from './consumer-group-offsets.port';

/** What the contract needs to change under the port: topics that grow and groups that commit. */
export interface ConsumerGroupOffsetsDriver {
  offsets: ConsumerGroupOffsets;
  /** A fresh message type's topic with `partitions` partitions. */
  createTopic(type: string, partitions: number): Promise<void>;
  append(type: string, partition: number, count: number): Promise<void>;
  commit(groupId: string, type: string, partition: number, offset: number): Promise<void>;
  close(): Promise<void>;
}

export function consumerGroupOffsetsContract(
  label: string,
  make: () => Promise<ConsumerGroupOffsetsDriver>,
  timeoutMs = 5_000,
): void {
  describe(`ConsumerGroupOffsets contract: ${label}`, () => {
    const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;

    it(
      'reports each partition of each topic: -1 before the group commits, then its commit, against the end',
      async () => {
        const driver = await make();
        try {
          const type = `Grown${run}`;
          await driver.createTopic(type, 2);
          await driver.append(type, 0, 3);
          await driver.append(type, 1, 1);
          const group = `group-${run}`;
          expect(await driver.offsets.offsets(group, [type])).toEqual([
            { type, partition: 0, committed: -1, end: 3 },
            { type, partition: 1, committed: -1, end: 1 },
          ]);
          await driver.commit(group, type, 0, 2);
          await driver.append(type, 0, 2);
          expect(await driver.offsets.offsets(group, [type])).toEqual([
            { type, partition: 0, committed: 2, end: 5 },
            { type, partition: 1, committed: -1, end: 1 },
          ]);
          expect(await driver.offsets.offsets(`other-${group}`, [type])).toEqual([
            { type, partition: 0, committed: -1, end: 5 },
            { type, partition: 1, committed: -1, end: 1 },
          ]);
        } finally {
          await driver.close();
        }
      },
      timeoutMs,
    );

    it(
      'has nothing for a topic that does not exist',
      async () => {
        const driver = await make();
        try {
          expect(await driver.offsets.offsets(`group-${run}`, [`Missing${run}`])).toEqual([]);
        } finally {
          await driver.close();
        }
      },
      timeoutMs,
    );
  });
}
