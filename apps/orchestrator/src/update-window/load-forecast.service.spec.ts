// The orchestrator's load forecast: read from the load series, forecast from now, kept when a read fails.
import { InMemoryLoadSeries } from '@dco/observability';
import { loadConfig } from '@dco/platform';
import { OrchestratorConfig } from '../orchestrator.config';
import { LoadForecastService } from './load-forecast.service';

const HOUR = 3_600_000;
const NOW = new Date('2026-11-30T00:00:00.000Z');
const config = loadConfig(OrchestratorConfig, { DCO_UPDATE_WINDOW: 'forecast' });
const clock = { now: () => NOW };

/** Two weeks of hourly load, quietest at 04:00 UTC. */
function twoWeeks(): InMemoryLoadSeries {
  const series = new InMemoryLoadSeries();
  const start = NOW.getTime() - 14 * 24 * HOUR;
  series.record(
    Array.from({ length: 14 * 24 }, (_, i) => ({
      at: start + i * HOUR,
      value: 100 + 50 * Math.cos((((i % 24) - 16) / 24) * 2 * Math.PI),
    })),
  );
  return series;
}

describe('LoadForecastService', () => {
  it('Given the tick policy (no source), When refreshed, Then there is no forecast', async () => {
    const service = new LoadForecastService(null, loadConfig(OrchestratorConfig, {}), clock);
    await service.refresh();
    expect(service.current()).toBeUndefined();
  });

  it('Given two weeks of load, When refreshed, Then the forecast starts now and finds the quiet hour', async () => {
    const service = new LoadForecastService({ series: twoWeeks(), close: () => undefined }, config, clock);
    await service.refresh();
    const forecast = service.current();
    expect(forecast?.from).toBe(NOW.getTime());
    const values = forecast?.values ?? [];
    expect(values.indexOf(Math.min(...values.slice(0, 24)))).toBe(4);
  });

  it('Given a read that fails, When refreshed, Then the error surfaces and the previous forecast stays', async () => {
    const series = twoWeeks();
    const service = new LoadForecastService({ series, close: () => undefined }, config, clock);
    await service.refresh();
    const before = service.current();
    jest.spyOn(series, 'read').mockRejectedValueOnce(new Error('throttled'));
    await expect(service.refresh()).rejects.toThrow('throttled');
    expect(service.current()).toBe(before);
  });
});
