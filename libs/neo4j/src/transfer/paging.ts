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
