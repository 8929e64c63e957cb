import { ChunkCommit, CommitQueue } from './kafka-commit-queue';

const chunk = (partition: number): ChunkCommit => ({ topic: 'T', partition, offset: '1', outputs: [] });

/** A write whose completion the test controls, recording which partitions each call carried. */
function controlledWrite() {
  const calls: number[][] = [];
  const pending: { resolve: () => void; reject: (error: Error) => void }[] = [];
  const write = (chunks: readonly ChunkCommit[]) => {
    calls.push(chunks.map((c) => c.partition));
    return new Promise<void>((resolve, reject) => pending.push({ resolve, reject }));
  };
  return { calls, pending, write };
}

describe('CommitQueue (group commit of one transactional producer)', () => {
  it('starts a lone commit at once, and coalesces the ones that queue behind it into one transaction', async () => {
    const { calls, pending, write } = controlledWrite();
    const queue = new CommitQueue(write);
    const first = queue.commit(chunk(0));
    expect(calls).toEqual([[0]]);
    const second = queue.commit(chunk(1));
    const third = queue.commit(chunk(2));
    expect(calls).toEqual([[0]]); // one transaction at a time
    pending[0].resolve();
    await first;
    await Promise.resolve();
    expect(calls).toEqual([[0], [1, 2]]);
    pending[1].resolve();
    await expect(Promise.all([second, third])).resolves.toEqual([undefined, undefined]);
  });

  it('fails every chunk of a failed transaction and never writes them again', async () => {
    const { calls, pending, write } = controlledWrite();
    const queue = new CommitQueue(write);
    const first = queue.commit(chunk(0));
    const second = queue.commit(chunk(1));
    const third = queue.commit(chunk(2));
    pending[0].resolve();
    await first;
    await Promise.resolve();
    pending[1].reject(new Error('broker gone'));
    await expect(second).rejects.toThrow('broker gone');
    await expect(third).rejects.toThrow('broker gone');
    expect(calls).toEqual([[0], [1, 2]]);

    const later = queue.commit(chunk(3));
    expect(calls).toEqual([[0], [1, 2], [3]]);
    pending[2].resolve();
    await expect(later).resolves.toBeUndefined();
  });
});
