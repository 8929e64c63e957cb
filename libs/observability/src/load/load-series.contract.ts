// The behaviour every LoadSeries must show; run against the fake, the metrics adapter (unit) and CloudWatch on moto (int).
import type { LoadPoint } from '@dco/saga';
import { LoadSeries } from './load-series.port';

export interface LoadSeriesHarness {
  series: LoadSeries;
  /** Puts samples into the series the adapter's own way (each at least ten minutes after the one before). */
  record(points: readonly LoadPoint[]): Promise<void>;
}

const HOUR = 3_600_000;
const MINUTE = 60_000;

export function loadSeriesContract(label: string, make: () => Promise<LoadSeriesHarness>): void {
  describe(`LoadSeries contract: ${label}`, () => {
    // Three hours back, on the hour: CloudWatch takes data points up to two weeks old.
    const h0 = Math.floor(Date.now() / HOUR) * HOUR - 4 * HOUR;
    const samples: LoadPoint[] = [
      { at: h0, value: 10 },
      { at: h0 + 20 * MINUTE, value: 20 },
      { at: h0 + HOUR + 10 * MINUTE, value: 30 },
      { at: h0 + 3 * HOUR + 30 * MINUTE, value: 40 },
    ];

    it('reads the mean of each period that has samples, oldest first, skipping periods without any', async () => {
      const { series, record } = await make();
      await record(samples);
      expect(await series.read(new Date(h0), new Date(h0 + 4 * HOUR), HOUR)).toEqual([
        { at: h0, value: 15 },
        { at: h0 + HOUR, value: 30 },
        { at: h0 + 3 * HOUR, value: 40 },
      ]);
    });

    it('reads [from, to): samples outside it are not counted', async () => {
      const { series, record } = await make();
      await record(samples);
      expect(await series.read(new Date(h0 + HOUR), new Date(h0 + 3 * HOUR), HOUR)).toEqual([
        { at: h0 + HOUR, value: 30 },
      ]);
    });

    it('aggregates over a longer period', async () => {
      const { series, record } = await make();
      await record(samples);
      expect(await series.read(new Date(h0), new Date(h0 + 4 * HOUR), 2 * HOUR)).toEqual([
        { at: h0, value: 20 },
        { at: h0 + 2 * HOUR, value: 40 },
      ]);
    });

    it('reads nothing from a series without samples', async () => {
      const { series } = await make();
      expect(await series.read(new Date(h0), new Date(h0 + 4 * HOUR), HOUR)).toEqual([]);
    });
  });
}
