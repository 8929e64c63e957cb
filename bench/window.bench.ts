// Benchmark "window": the update window predicted from load, walked forward day by day over a generated load series
// (10 weeks, weekly and daily seasonality, a nightly batch job, a trend, correlated noise, a holiday). Each day the
// forecaster sees only the load before the tick and the chooser picks the window; the actual load in that window is
// compared with applying at the daily tick and with the best window in hindsight, all measured in the same run.
import { loadavg } from 'node:os';
import { DEFAULT_FORECAST_OPTIONS, LoadForecast, LoadPoint, chooseWindow, forecastLoad, meanLoadOver } from '@dco/saga';
import { SLOT_MS, generateLoadSeries } from './support/load-series.generator';
import { BenchResult, benchResult, round } from './support/result';

const MINUTE = 60_000;
const DAY_MS = 86_400_000;
const WEEKS = Number(process.env.DCO_BENCH_WINDOW_WEEKS ?? 10);
const SEED = Number(process.env.DCO_BENCH_WINDOW_SEED ?? 20261205);
/** Days of history before the first evaluated day (the forecaster needs a week; two give its season a second look). */
const WARM_UP_DAYS = 14;
/** The tick at midnight UTC and the DCO deadline at 09:00 UTC: the night is the room the window may use. */
const TICK_HOUR = Number(process.env.DCO_BENCH_WINDOW_TICK_HOUR ?? 0);
const DEADLINE_HOUR = 9;
/** apply-infra (15 min) + migrate-db (30 min) at the default policy's expected durations; the DCO takes 10 more. */
const CHANGE_MS = 45 * MINUTE;
const DCO_MS = 10 * MINUTE;
const START = Date.parse('2026-09-07T00:00:00Z'); // a Monday
const HOLIDAY = '2026-10-12'; // a Monday in week 6, with a Sunday's load

const mean = (values: number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;

export async function run(): Promise<BenchResult> {
  const loadAtStart = round(loadavg()[0], 2);
  const points = generateLoadSeries({
    start: START,
    weeks: WEEKS,
    seed: SEED,
    peak: 1000,
    weeklyGrowth: 0.01,
    noise: 0.08,
    holidays: [HOLIDAY],
  });
  const actual: LoadForecast = { from: START, stepMs: SLOT_MS, values: points.map((point) => point.value) };
  const chosen: number[] = [];
  const atTick: number[] = [];
  const oracle: number[] = [];
  const waitedMinutes: number[] = [];
  let holidayRatio = Number.NaN;
  const days = WEEKS * 7;
  for (let day = WARM_UP_DAYS; day < days; day += 1) {
    const tick = START + day * DAY_MS + TICK_HOUR * 3_600_000;
    const latestEnd = START + day * DAY_MS + DEADLINE_HOUR * 3_600_000 - DCO_MS;
    const history: LoadPoint[] = points.slice(0, (tick - START) / SLOT_MS);
    const holidays = [HOLIDAY];
    const forecast = forecastLoad(history, tick, 12, { ...DEFAULT_FORECAST_OPTIONS, holidays });
    const choice = chooseWindow({
      now: tick,
      latestEnd,
      durationMs: CHANGE_MS,
      urgent: false,
      policy: 'forecast',
      forecast,
    });
    const loadIn = (start: number): number => meanLoadOver(actual, start, start + CHANGE_MS) as number;
    let best = Number.POSITIVE_INFINITY;
    for (let start = tick; start + CHANGE_MS <= latestEnd; start += SLOT_MS) best = Math.min(best, loadIn(start));
    chosen.push(loadIn(choice.start));
    atTick.push(loadIn(tick));
    oracle.push(best);
    waitedMinutes.push((choice.start - tick) / MINUTE);
    if (new Date(tick).toISOString().startsWith(HOLIDAY)) holidayRatio = round(loadIn(choice.start) / best, 3);
  }
  const metrics = {
    window_mean_load_rps: round(mean(chosen), 2),
    window_wait_mean_minutes: round(mean(waitedMinutes), 1),
    days_evaluated: chosen.length,
    days_within_15pct_of_oracle: chosen.filter((load, i) => load <= 1.15 * oracle[i]).length,
    holiday_window_vs_oracle: holidayRatio,
  };
  const baseline = { tick_mean_load_rps: round(mean(atTick), 2), oracle_mean_load_rps: round(mean(oracle), 2) };
  const ratios = {
    window_load_vs_tick: round(mean(chosen) / mean(atTick), 3),
    window_load_vs_oracle: round(mean(chosen) / mean(oracle), 3),
  };
  process.stderr.write(
    `window: ${chosen.length} days, mean load in the chosen window ${metrics.window_mean_load_rps} rps, at the tick ${baseline.tick_mean_load_rps}, best in hindsight ${baseline.oracle_mean_load_rps}; vs tick ${ratios.window_load_vs_tick}, vs oracle ${ratios.window_load_vs_oracle} (target <= 1.15) (load ${loadAtStart} -> ${round(loadavg()[0], 2)})\n`,
  );
  return benchResult('window', {
    metrics,
    baseline,
    ratios,
    targets: { window_load_vs_oracle: 1.15 },
    parameters: {
      weeks: WEEKS,
      seed: SEED,
      warmUpDays: WARM_UP_DAYS,
      tickUtc: `${String(TICK_HOUR).padStart(2, '0')}:00`,
      dcoDeadlineUtc: `${String(DEADLINE_HOUR).padStart(2, '0')}:00`,
      changeMinutes: CHANGE_MS / MINUTE,
      dcoMinutes: DCO_MS / MINUTE,
      slotMinutes: SLOT_MS / MINUTE,
      weeklyGrowth: 0.01,
      noise: 0.08,
      holiday: HOLIDAY,
      forecast: { ...DEFAULT_FORECAST_OPTIONS, holidays: [HOLIDAY] },
    },
    loadAverageAtStart: loadAtStart,
    loadAverageAtEnd: round(loadavg()[0], 2),
    notes:
      "load = the mean of the actual generated load over the change set's 45 minutes; window = the chooser on the forecast from the history before the tick, tick = starting at the tick, oracle = the lowest-load 15-minute-aligned window that ends before deadline - DCO in hindsight; ratios = sums over all evaluated days",
  });
}
