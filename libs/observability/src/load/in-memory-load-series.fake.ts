// An in-memory LoadSeries for unit specs: samples recorded by the spec, read back as period means.
import type { LoadPoint } from '@dco/saga';
import { LoadSeries, periodMeans } from './load-series.port';

export class InMemoryLoadSeries implements LoadSeries {
  private readonly samples: LoadPoint[] = [];

  record(points: readonly LoadPoint[]): void {
    this.samples.push(...points);
  }

  async read(from: Date, to: Date, periodMs: number): Promise<LoadPoint[]> {
    return periodMeans(this.samples, from, to, periodMs);
  }
}
