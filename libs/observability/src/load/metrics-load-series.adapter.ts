// The local LoadSeries: samples this process's Prometheus registry (what GET /metrics exposes) every minute and keeps
// the rate of the chosen counters (messages handled per second, by default) as the load.
import type { LoadPoint } from '@dco/saga';
import { LoadSeries, periodMeans } from './load-series.port';

export interface MetricsLoadSeriesOptions {
  /** Counters whose summed rate is the load. */
  counters: readonly string[];
  /** A longer interval between two samples (a paused process, a stalled timer) gives no rate: it would smear the load. */
  maxIntervalMs: number;
  /** Samples older than this are dropped (ten weeks: enough for the forecaster's weekly season). */
  retainMs: number;
}

export const DEFAULT_METRICS_LOAD_OPTIONS: MetricsLoadSeriesOptions = {
  counters: ['dco_messages_handled_total'],
  maxIntervalMs: 5 * 60_000,
  retainMs: 70 * 86_400_000,
};

/** A metric family as prom-client's `Registry.getMetricsAsJSON()` returns it. */
export interface MetricFamilySnapshot {
  name: string;
  values: ReadonlyArray<{ value: number }>;
}

export class MetricsLoadSeries implements LoadSeries {
  private readonly rates: LoadPoint[] = [];
  private last?: { at: number; total: number };

  constructor(
    private readonly scrape: () => Promise<readonly MetricFamilySnapshot[]>,
    private readonly now: () => Date,
    private readonly options: MetricsLoadSeriesOptions = DEFAULT_METRICS_LOAD_OPTIONS,
  ) {}

  /** Reads the counters once; from the second sample on, records the rate since the previous one at its start. */
  async sample(): Promise<void> {
    const total = this.totalOf(await this.scrape());
    const at = this.now().getTime();
    const previous = this.last;
    this.last = { at, total };
    if (!previous || at <= previous.at || at - previous.at > this.options.maxIntervalMs) return;
    // A counter that went down was reset (a restart): the rate since then is unknown.
    if (total < previous.total) return;
    this.rates.push({ at: previous.at, value: ((total - previous.total) * 1000) / (at - previous.at) });
    const oldest = at - this.options.retainMs;
    while (this.rates.length > 0 && this.rates[0].at < oldest) this.rates.shift();
  }

  async read(from: Date, to: Date, periodMs: number): Promise<LoadPoint[]> {
    return periodMeans(this.rates, from, to, periodMs);
  }

  private totalOf(families: readonly MetricFamilySnapshot[]): number {
    let total = 0;
    for (const family of families) {
      if (!this.options.counters.includes(family.name)) continue;
      for (const metric of family.values) total += Number(metric.value) || 0;
    }
    return total;
  }
}
