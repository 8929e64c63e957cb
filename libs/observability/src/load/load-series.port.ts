// The load time series the update window is forecast from (ADR 0027): the services' own metrics locally, CloudWatch in AWS.
import type { LoadPoint } from '@dco/saga';

export interface LoadSeries {
  /** The mean load of each period of `periodMs` in [from, to) that has data, oldest first; periods start at from + k * periodMs. */
  read(from: Date, to: Date, periodMs: number): Promise<LoadPoint[]>;
}

/** Periods of the samples in [from, to), each the mean of its samples; the fake and the metrics adapter share it. */
export function periodMeans(samples: readonly LoadPoint[], from: Date, to: Date, periodMs: number): LoadPoint[] {
  const start = from.getTime();
  const sums = new Map<number, { sum: number; count: number }>();
  for (const sample of samples) {
    if (sample.at < start || sample.at >= to.getTime()) continue;
    const at = start + Math.floor((sample.at - start) / periodMs) * periodMs;
    const entry = sums.get(at) ?? { sum: 0, count: 0 };
    entry.sum += sample.value;
    entry.count += 1;
    sums.set(at, entry);
  }
  return [...sums].map(([at, { sum, count }]) => ({ at, value: sum / count })).sort((a, b) => a.at - b.at);
}
