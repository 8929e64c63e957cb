import { forEachRange, RangeStream, rangeProgress, streamOfPages } from './paging';

/** A stream of the ids of each range, whose ranges settle when the test says so. */
function controlledStream() {
  const started: Array<{ from: number; to: number; finish: (error?: Error) => void }> = [];
  const stream: RangeStream<number> = (from, to, each) =>
    new Promise<void>((resolve, reject) => {
      started.push({
        from,
        to,
        finish: (error) => {
          if (error) return reject(error);
          for (let id = from; id < to; id++) each(id);
          resolve();
        },
      });
    });
  return { started, stream };
}

const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('forEachRange', () => {
  it('hands every id of [0, max] over once, with each range counted once it is done', async () => {
    const seen: number[] = [];
    const counts: number[] = [];
    await forEachRange(
      24,
      10,
      streamOfPages(async (from, to) => Array.from({ length: to - from }, (_, i) => from + i)),
      (id) => seen.push(id),
      (count) => void counts.push(count),
      2,
    );
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(counts.sort()).toEqual([10, 10, 5].sort());
  });

  it('keeps `concurrency` ranges in flight and takes the next one as one finishes, in any order', async () => {
    const { started, stream } = controlledStream();
    const seen: number[] = [];
    const run = forEachRange(
      29,
      10,
      stream,
      (id) => seen.push(id),
      () => undefined,
      2,
    );
    await settled();
    expect(started.map((r) => [r.from, r.to])).toEqual([
      [0, 10],
      [10, 20],
    ]);
    started[1].finish();
    await settled();
    expect(started.map((r) => r.from)).toEqual([0, 10, 20]);
    started[2].finish();
    started[0].finish();
    await run;
    expect(seen).toHaveLength(30);
  });

  it('waits for a done that flushes before the worker takes another range', async () => {
    const { started, stream } = controlledStream();
    let release!: () => void;
    const flushed = new Promise<void>((resolve) => (release = resolve));
    const run = forEachRange(
      19,
      10,
      stream,
      () => undefined,
      () => flushed,
      1,
    );
    await settled();
    started[0].finish();
    await settled();
    expect(started).toHaveLength(1);
    release();
    await settled();
    expect(started).toHaveLength(2);
    started[1].finish();
    await run;
  });

  it('stops at the first failure, lets the range in flight settle, drops its items and throws the failure', async () => {
    const { started, stream } = controlledStream();
    const seen: number[] = [];
    let outcome: unknown = 'pending';
    const run = forEachRange(
      99,
      10,
      stream,
      (id) => seen.push(id),
      () => undefined,
      2,
    ).then(
      () => (outcome = 'resolved'),
      (error: Error) => (outcome = error.message),
    );
    await settled();
    started[0].finish(new Error('range 0 failed'));
    await settled();
    expect(outcome).toBe('pending');
    started[1].finish();
    await run;
    expect(outcome).toBe('range 0 failed');
    expect(started).toHaveLength(2);
    expect(seen).toEqual([]);
  });

  it('fails with what the consumer threw and reads nothing more', async () => {
    let ranges = 0;
    await expect(
      forEachRange(
        99,
        10,
        streamOfPages(async (from, to) => {
          ranges += 1;
          return Array.from({ length: to - from }, (_, i) => from + i);
        }),
        (id) => {
          if (id === 3) throw new Error('refused 3');
        },
        () => undefined,
        1,
      ),
    ).rejects.toThrow('refused 3');
    expect(ranges).toBe(1);
  });

  it('reads nothing of an empty id space', async () => {
    const read = jest.fn(async () => [] as number[]);
    await forEachRange(
      -1,
      10,
      streamOfPages(read),
      () => undefined,
      () => undefined,
    );
    expect(read).not.toHaveBeenCalled();
  });
});

describe('rangeProgress', () => {
  it('reports one running count over both passes, ending at the total', async () => {
    const reported: Array<{ done: number; total: number }> = [];
    const progress = rangeProgress(50, (p) => reported.push(p));
    const stream: RangeStream<number> = async () => undefined;
    await forEachRange(24, 10, stream, () => undefined, progress, 1);
    await forEachRange(24, 10, stream, () => undefined, progress, 1);
    expect(reported.map((p) => p.done)).toEqual([10, 20, 25, 35, 45, 50]);
    expect(reported.every((p) => p.total === 50)).toBe(true);
  });
});
