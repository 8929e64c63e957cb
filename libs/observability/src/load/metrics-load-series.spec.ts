// Runs the LoadSeries contract against the metrics adapter on a real prom-client registry, and checks its sampling rules.
import { Counter, Registry } from 'prom-client';
import { loadSeriesContract } from './load-series.contract';
import { DEFAULT_METRICS_LOAD_OPTIONS, MetricsLoadSeries } from './metrics-load-series.adapter';

const MINUTE = 60_000;

function harness() {
  const registry = new Registry();
  const handled = new Counter({
    name: 'dco_messages_handled_total',
    help: 'handled',
    labelNames: ['type'],
    registers: [registry],
  });
  let now = 0;
  const series = new MetricsLoadSeries(
    () => registry.getMetricsAsJSON(),
    () => new Date(now),
    DEFAULT_METRICS_LOAD_OPTIONS,
  );
  return {
    series,
    handled,
    at: (ms: number) => (now = ms),
    /** Each sample is the rate over the minute that starts at its time, split over two label values. */
    record: async (points: readonly { at: number; value: number }[]) => {
      for (const point of points) {
        now = point.at;
        await series.sample();
        handled.inc({ type: 'A' }, (point.value * 60) / 2);
        handled.inc({ type: 'B' }, (point.value * 60) / 2);
        now = point.at + MINUTE;
        await series.sample();
      }
    },
  };
}

loadSeriesContract('metrics adapter on a prom-client registry', async () => harness());

describe('MetricsLoadSeries sampling', () => {
  it('Given a gap longer than the maximum interval, When sampled, Then no rate is recorded for the gap', async () => {
    const { series, handled, at } = harness();
    at(0);
    await series.sample();
    handled.inc({ type: 'A' }, 600);
    at(10 * MINUTE);
    await series.sample();
    expect(await series.read(new Date(0), new Date(3_600_000), 3_600_000)).toEqual([]);
  });

  it('Given a counter that went down (a restart), When sampled, Then that interval gives no rate', async () => {
    const { series, handled, at } = harness();
    handled.inc({ type: 'A' }, 600);
    at(0);
    await series.sample();
    handled.reset();
    at(MINUTE);
    await series.sample();
    expect(await series.read(new Date(0), new Date(3_600_000), 3_600_000)).toEqual([]);
  });
});
