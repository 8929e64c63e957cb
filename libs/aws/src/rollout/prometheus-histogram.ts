// Prometheus histograms read from the text exposition: the buckets of one histogram summed over its label sets, the
// difference between two scrapes, and a quantile of that difference as Prometheus' histogram_quantile computes it.

/** Cumulative bucket counts by upper bound (le), +Inf included. */
export type HistogramBuckets = Map<number, number>;

/** The buckets of histogram `name` in a scrape, summed over every label set but `le`. */
export function histogramBuckets(metricsText: string, name: string): HistogramBuckets {
  const buckets: HistogramBuckets = new Map();
  const prefix = `${name}_bucket`;
  for (const line of metricsText.split('\n')) {
    if (!line.startsWith(prefix)) continue;
    const match = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\}\s+([0-9.eE+-]+|NaN)/);
    if (!match || match[1] !== prefix) continue;
    const le = match[2].match(/(?:^|,)\s*le="([^"]+)"/);
    const count = Number(match[3]);
    if (!le || !Number.isFinite(count)) continue;
    const bound = le[1] === '+Inf' ? Infinity : Number(le[1]);
    if (Number.isNaN(bound)) continue;
    buckets.set(bound, (buckets.get(bound) ?? 0) + count);
  }
  return buckets;
}

/** What was observed between two scrapes; a counter reset (the process restarted) leaves only the later scrape. */
export function bucketIncrease(before: HistogramBuckets, after: HistogramBuckets): HistogramBuckets {
  const reset = [...after].some(([bound, count]) => count < (before.get(bound) ?? 0));
  const increase: HistogramBuckets = new Map();
  for (const [bound, count] of after) increase.set(bound, reset ? count : count - (before.get(bound) ?? 0));
  return increase;
}

/** Observations in the buckets (the +Inf bucket's count). */
export function observationCount(buckets: HistogramBuckets): number {
  return buckets.get(Infinity) ?? 0;
}

/**
 * The q-quantile (0..1) by linear interpolation inside the bucket that holds it, as histogram_quantile does: the lowest
 * bucket's lower bound is 0, and a quantile in the +Inf bucket is the highest finite bound. Undefined without observations.
 */
export function histogramQuantile(q: number, buckets: HistogramBuckets): number | undefined {
  const sorted = [...buckets].sort(([a], [b]) => a - b);
  const total = observationCount(buckets);
  if (total <= 0 || sorted.length === 0) return undefined;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const [bound, count] of sorted) {
    if (count >= rank) {
      if (bound === Infinity) return lowerBound;
      if (count === lowerCount) return bound;
      return lowerBound + ((bound - lowerBound) * (rank - lowerCount)) / (count - lowerCount);
    }
    lowerBound = bound;
    lowerCount = count;
  }
  return lowerBound;
}
