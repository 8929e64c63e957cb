// Forecasts the next hours' load from its history: additive Holt-Winters on hourly means with an hour-of-week season
// (ADR 0027). Pure: the history comes in as data, the forecast goes out as data.

/** One observation: the mean load of the period that starts at `at` (epoch ms). */
export interface LoadPoint {
  at: number;
  value: number;
}

/** Predicted load, piecewise constant: `values[i]` is the load of [from + i * stepMs, from + (i + 1) * stepMs). */
export interface LoadForecast {
  from: number;
  stepMs: number;
  values: number[];
}

export interface ForecastOptions {
  /** Level smoothing per hour. */
  alpha: number;
  /** Trend smoothing per hour. */
  beta: number;
  /** Seasonal smoothing per week (each hour-of-week is seen once a week). */
  gamma: number;
  /** A residual beyond this many mean absolute residuals is clipped before it updates the model (spikes, incidents). */
  outlierLimit: number;
  /** UTC days (YYYY-MM-DD) whose load is not learnt into the weekly profile: public holidays, known outages. */
  holidays: readonly string[];
}

export const HOUR_MS = 3_600_000;
export const WEEK_HOURS = 168;

export const DEFAULT_FORECAST_OPTIONS: ForecastOptions = {
  alpha: 0.05,
  beta: 0.001,
  gamma: 0.25,
  outlierLimit: 4,
  holidays: [],
};

/** The history needs one week of hours to start the season, most of them observed. */
export const MIN_HISTORY_HOURS = WEEK_HOURS;

const dayOf = (hour: number): string => new Date(hour * HOUR_MS).toISOString().slice(0, 10);

/** Mean per UTC hour (index = epoch hours) of the points that are finite. */
function hourlyMeans(history: readonly LoadPoint[]): Map<number, number> {
  const sums = new Map<number, { sum: number; count: number }>();
  for (const point of history) {
    if (!Number.isFinite(point.value) || !Number.isFinite(point.at)) continue;
    const hour = Math.floor(point.at / HOUR_MS);
    const entry = sums.get(hour) ?? { sum: 0, count: 0 };
    entry.sum += point.value;
    entry.count += 1;
    sums.set(hour, entry);
  }
  return new Map([...sums].map(([hour, { sum, count }]) => [hour, sum / count]));
}

/**
 * The load of each hour from `from` for `hours` hours, or undefined when the history is shorter than a week or its
 * first week is mostly missing (then nobody knows the weekly shape yet).
 */
export function forecastLoad(
  history: readonly LoadPoint[],
  from: number,
  hours: number,
  options: ForecastOptions = DEFAULT_FORECAST_OPTIONS,
): LoadForecast | undefined {
  const observed = hourlyMeans(history);
  if (observed.size === 0) return undefined;
  const hoursSeen = [...observed.keys()];
  const first = Math.min(...hoursSeen);
  const last = Math.max(...hoursSeen);
  if (last - first + 1 < MIN_HISTORY_HOURS) return undefined;
  const holidays = new Set(options.holidays);
  const usable = (hour: number): number | undefined => (holidays.has(dayOf(hour)) ? undefined : observed.get(hour));

  // The first week starts the model: its mean is the level, each hour's difference from it the season.
  const firstWeek: number[] = [];
  for (let hour = first; hour < first + WEEK_HOURS; hour += 1) {
    const value = usable(hour);
    if (value !== undefined) firstWeek.push(value);
  }
  if (firstWeek.length < WEEK_HOURS * 0.75) return undefined;
  let level = firstWeek.reduce((sum, value) => sum + value, 0) / firstWeek.length;
  let trend = 0;
  const season = new Array<number>(WEEK_HOURS).fill(0);
  for (let hour = first; hour < first + WEEK_HOURS; hour += 1) {
    // An hour missing in the first week starts from its first later observation, so it is not learnt as an outlier.
    for (let seen = hour; seen <= last; seen += WEEK_HOURS) {
      const value = usable(seen);
      if (value === undefined) continue;
      season[slotOf(hour)] = value - level;
      break;
    }
  }
  // Mean absolute one-step error, to recognise an outlier; starts at a tenth of the level.
  let typicalError = Math.abs(level) * 0.1 || 1;

  const { alpha, beta, gamma, outlierLimit } = options;
  for (let hour = first + WEEK_HOURS; hour <= last; hour += 1) {
    const slot = slotOf(hour);
    const predicted = level + trend + season[slot];
    const value = usable(hour);
    if (value === undefined) {
      // A gap or a holiday: the model moves on without learning from it.
      level += trend;
      continue;
    }
    const limit = outlierLimit * typicalError;
    const error = Math.max(-limit, Math.min(limit, value - predicted));
    typicalError = 0.9 * typicalError + 0.1 * Math.abs(error);
    const clipped = predicted + error;
    const nextLevel = alpha * (clipped - season[slot]) + (1 - alpha) * (level + trend);
    trend = beta * (nextLevel - level) + (1 - beta) * trend;
    season[slot] = gamma * (clipped - nextLevel) + (1 - gamma) * season[slot];
    level = nextLevel;
  }

  const start = Math.floor(from / HOUR_MS);
  const values: number[] = [];
  for (let hour = start; hour < start + hours; hour += 1) {
    const ahead = Math.max(1, hour - last);
    values.push(level + ahead * trend + season[slotOf(hour)]);
  }
  return { from: start * HOUR_MS, stepMs: HOUR_MS, values };
}

/** The hour of the week of an epoch hour (0 = Thursday 00:00 UTC, the epoch's weekday; only consistency matters). */
const slotOf = (hour: number): number => ((hour % WEEK_HOURS) + WEEK_HOURS) % WEEK_HOURS;

/** The mean of a piecewise-constant series over [start, end); undefined when the series does not cover all of it. */
export function meanLoadOver(series: LoadForecast, start: number, end: number): number | undefined {
  const seriesEnd = series.from + series.values.length * series.stepMs;
  if (end <= start || start < series.from || end > seriesEnd) return undefined;
  let weighted = 0;
  let index = Math.floor((start - series.from) / series.stepMs);
  let cursor = start;
  while (cursor < end) {
    const stepEnd = Math.min(end, series.from + (index + 1) * series.stepMs);
    weighted += series.values[index] * (stepEnd - cursor);
    cursor = stepEnd;
    index += 1;
  }
  return weighted / (end - start);
}
