// Pages over the node id space [0, max] with the next page's read in flight while the current one is handled.

/** Reads pages of [0, max] in order, one page ahead of `handle`; `to` is the exclusive end of the handled page. */
export async function forEachPage<T>(
  max: number,
  pageSize: number,
  read: (from: number, to: number) => Promise<T[]>,
  handle: (items: T[], to: number) => Promise<void> | void,
): Promise<void> {
  const end = max + 1;
  let next: Promise<T[]> | undefined = end > 0 ? read(0, Math.min(pageSize, end)) : undefined;
  for (let from = 0; next; from += pageSize) {
    const items = await next;
    const to = Math.min(from + pageSize, end);
    next = to < end ? read(to, Math.min(to + pageSize, end)) : undefined;
    // A failed handle must not leave the read-ahead's rejection unobserved.
    try {
      await handle(items, to);
    } catch (error) {
      next?.catch(() => undefined);
      throw error;
    }
  }
}
