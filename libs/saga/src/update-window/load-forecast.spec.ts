// Given a load history / When the next hours are forecast / Then the forecast follows the weekly and daily shape.
import { DEFAULT_FORECAST_OPTIONS, HOUR_MS, LoadPoint, forecastLoad, meanLoadOver } from './load-forecast';

const MONDAY = Date.parse('2026-11-02T00:00:00Z');
const DAY_MS = 24 * HOUR_MS;

/** Quiet at night (lowest at 04:00), busy in the afternoon; weekends at half the load. */
function typicalLoad(at: number): number {
  const date = new Date(at);
  const hour = date.getUTCHours();
  const weekend = date.getUTCDay() === 0 || date.getUTCDay() === 6;
  const daily = 100 + 80 * Math.cos(((hour - 16) / 24) * 2 * Math.PI);
  return weekend ? daily / 2 : daily;
}

function history(weeks: number, load: (at: number) => number = typicalLoad, from = MONDAY): LoadPoint[] {
  return Array.from({ length: weeks * 168 }, (_, hour) => ({
    at: from + hour * HOUR_MS,
    value: load(from + hour * HOUR_MS),
  }));
}

const argmin = (values: number[]): number => values.indexOf(Math.min(...values));

describe('forecastLoad', () => {
  it('Given less than a week of history, When forecast, Then there is no forecast', () => {
    expect(forecastLoad(history(1).slice(0, 167), MONDAY + 167 * HOUR_MS, 24)).toBeUndefined();
    expect(forecastLoad([], MONDAY, 24)).toBeUndefined();
  });

  it('Given three weeks of a daily shape, When the next day is forecast, Then its quietest hour is the quietest of the shape', () => {
    const from = MONDAY + 21 * DAY_MS;
    const forecast = forecastLoad(history(3), from, 24);
    expect(forecast).toMatchObject({ from, stepMs: HOUR_MS });
    expect(forecast?.values).toHaveLength(24);
    expect(argmin(forecast?.values ?? [])).toBe(4);
    for (let hour = 0; hour < 24; hour += 1)
      expect(forecast?.values[hour]).toBeCloseTo(typicalLoad(from + hour * HOUR_MS), 0);
  });

  it('Given a weekly shape, When a Saturday is forecast, Then it is the weekend level, not the weekday one', () => {
    const saturday = MONDAY + 21 * DAY_MS + 5 * DAY_MS;
    const forecast = forecastLoad(
      history(3).filter((p) => p.at < saturday),
      saturday,
      24,
    );
    expect(forecast?.values[16]).toBeCloseTo(typicalLoad(saturday + 16 * HOUR_MS), 0);
  });

  it('Given a holiday Monday in the history, When the next Monday is forecast, Then it follows the ordinary Mondays', () => {
    // The first Monday: the week the season starts from, where no outlier clipping protects it.
    const holiday = '2026-11-02';
    // 70 % of a Monday: too mild to be clipped as an outlier.
    const quietHoliday = (at: number) =>
      new Date(at).toISOString().startsWith(holiday) ? 0.7 * typicalLoad(at) : typicalLoad(at);
    const monday = MONDAY + 21 * DAY_MS;
    const options = { ...DEFAULT_FORECAST_OPTIONS, holidays: [holiday] };
    const forecast = forecastLoad(history(3, quietHoliday), monday, 24, options);
    expect(Math.abs((forecast?.values[16] ?? 0) - typicalLoad(monday + 16 * HOUR_MS))).toBeLessThan(1);
    // Without the calendar the quiet day still pulls the profile down: the holiday list is what keeps it out.
    const unaware = forecastLoad(history(3, quietHoliday), monday, 24);
    expect(unaware?.values[16]).toBeLessThan((forecast?.values[16] ?? 0) - 5);
  });

  it('Given a load that doubles in four weeks, When forecast, Then the level follows most of the way up', () => {
    const growing = (at: number) => typicalLoad(at) * (1 + (at - MONDAY) / (28 * DAY_MS));
    const from = MONDAY + 28 * DAY_MS;
    const forecast = forecastLoad(history(4, growing), from, 24);
    expect(forecast?.values[16]).toBeGreaterThan(typicalLoad(from + 16 * HOUR_MS) * 1.4);
  });

  it('Given a spike in the history, When forecast, Then it is clipped rather than learnt', () => {
    const spike = MONDAY + 14 * DAY_MS + 4 * HOUR_MS;
    const spiky = history(3).map((p) => (p.at === spike ? { ...p, value: 10_000 } : p));
    const forecast = forecastLoad(spiky, MONDAY + 21 * DAY_MS, 24);
    expect(argmin(forecast?.values ?? [])).toBe(4);
  });

  it('Given gaps and points within an hour, When forecast, Then an hour is the mean of its points and gaps are skipped', () => {
    const points = history(3).flatMap((p) =>
      p.at % (7 * HOUR_MS) === 0
        ? []
        : [
            { at: p.at, value: p.value - 10 },
            { at: p.at + 30 * 60_000, value: p.value + 10 },
          ],
    );
    expect(argmin(forecastLoad(points, MONDAY + 21 * DAY_MS, 24)?.values ?? [])).toBe(4);
  });
});

describe('meanLoadOver', () => {
  const series = { from: 0, stepMs: 10, values: [1, 3, 5] };
  it('weights each step by the time it covers, and is undefined outside the series', () => {
    expect(meanLoadOver(series, 5, 15)).toBe(2);
    expect(meanLoadOver(series, 0, 30)).toBe(3);
    expect(meanLoadOver(series, 25, 35)).toBeUndefined();
    expect(meanLoadOver(series, 10, 10)).toBeUndefined();
  });
});
