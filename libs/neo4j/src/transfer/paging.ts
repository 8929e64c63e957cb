// Pages over the node id space [0, max] with the next pages' reads in flight while the current one is handled.

/** Reads in flight ahead of the page being handled: keeps the server busy while the client encodes, hashes or writes. */
export const READ_AHEAD = 1;

/**
 * Reads pages of [0, max] and hands them to `handle` in order, with up to `readAhead` later pages already requested;
 * `to` is the exclusive end of the handled page. Memory: (readAhead + 1) pages.
 */
export async function forEachPage<T>(
  max: number,
  pageSize: number,
  read: (from: number, to: number) => Promise<T[]>,
  handle: (items: T[], to: number) => Promise<void> | void,
  readAhead = READ_AHEAD,
): Promise<void> {
  const end = max + 1;
  const pending: Array<{ to: number; items: Promise<T[]> }> = [];
  let nextFrom = 0;
  const request = () => {
    while (nextFrom < end && pending.length <= readAhead) {
      const to = Math.min(nextFrom + pageSize, end);
      const items = read(nextFrom, to);
      // Observed when its turn comes; a failure of an earlier page must not leave this one's rejection unhandled.
      items.catch(() => undefined);
      pending.push({ to, items });
      nextFrom = to;
    }
  };
  request();
  while (pending.length > 0) {
    const page = pending.shift() as { to: number; items: Promise<T[]> };
    const items = await page.items;
    request();
    await handle(items, page.to);
  }
}

/** Reads one range [from, to) and hands each item to `each` as it is decoded; settles after the range's last item. */
export type RangeStream<T> = (from: number, to: number, each: (item: T) => void) => Promise<void>;

/**
 * Streams the ranges of [0, max], `concurrency` of them read at once, each item handed to `each` (synchronous) as it
 * arrives, then `done(count)` with the range's width once its last item was handled. Items are not gathered per page, so
 * they die young (a page kept until handled outlived V8's young generation and cost a full collection per few pages with
 * the deployed heap, ADR 0018). The order of ranges is not kept: for consumers whose result does not depend on it (digests,
 * import parts). A failure stops taking ranges, waits for the ranges in flight and is thrown. Memory: what `each` keeps.
 */
export async function forEachRange<T>(
  max: number,
  pageSize: number,
  stream: RangeStream<T>,
  each: (item: T) => void,
  done: (count: number) => Promise<void> | void,
  concurrency = READ_AHEAD + 1,
): Promise<void> {
  const end = max + 1;
  let nextFrom = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (!failure && nextFrom < end) {
      const from = nextFrom;
      const to = Math.min(from + pageSize, end);
      nextFrom = to;
      try {
        await stream(from, to, (item) => {
          if (!failure) each(item);
        });
        if (!failure) await done(to - from);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  if (failure) throw failure.error;
}

/**
 * A `done` for `forEachRange` that adds each range's width to a running count and reports it against `total` (one count
 * for both passes over the id space: nodes, then relationships).
 */
export function rangeProgress(
  total: number,
  onProgress?: (progress: { done: number; total: number }) => void,
): (count: number) => void {
  let done = 0;
  return (count) => {
    done += count;
    onProgress?.({ done, total });
  };
}

/** A page read as a stream: the page whole, then each of its items (for readers that only read whole pages). */
export function streamOfPages<T>(read: (from: number, to: number) => Promise<T[]>): RangeStream<T> {
  return async (from, to, each) => {
    for (const item of await read(from, to)) each(item);
  };
}
