// Runs the LoadSeries contract against the in-memory fake.
import { InMemoryLoadSeries } from './in-memory-load-series.fake';
import { loadSeriesContract } from './load-series.contract';

loadSeriesContract('in-memory fake', async () => {
  const series = new InMemoryLoadSeries();
  return { series, record: async (points) => series.record(points) };
});
