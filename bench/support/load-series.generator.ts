// A realistic generated load series for the window bench: weekly and daily seasonality, a nightly batch job, a trend,
// correlated noise with rare spikes and a public holiday, every 15 minutes, from a seeded random number generator.
import { LoadPoint } from '@dco/saga';

export const SLOT_MS = 15 * 60_000;
const DAY_MS = 86_400_000;

export interface LoadSeriesSpec {
  /** Monday 00:00 UTC of the first week. */
  start: number;
  weeks: number;
  seed: number;
  /** Load of a weekday's peak hour in the first week (requests per second). */
  peak: number;
  /** Growth per week, compounded (0.01 = 1 %). */
  weeklyGrowth: number;
  /** Standard deviation of the multiplicative noise. */
  noise: number;
  /** UTC days run with a Sunday's profile. */
  holidays: string[];
}

/** mulberry32: small, fast, and the same numbers for the same seed on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function gaussian(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Share of the peak at an hour of the day (fractional), for a working day or a weekend day. */
function dailyShape(hour: number, weekend: boolean): number {
  // Users across Europe and the Americas: quietest around 03:00-05:00 UTC, busy from the European morning to the US
  // afternoon, a second evening bump.
  const bump = (centre: number, width: number, height: number): number =>
    height * Math.exp(-0.5 * ((((hour - centre + 36) % 24) - 12) / width) ** 2);
  const working = 0.22 + bump(11, 2.6, 0.62) + bump(16, 2.4, 0.55) + bump(21, 1.8, 0.3);
  const leisure = 0.2 + bump(13, 3.5, 0.38) + bump(20.5, 2.2, 0.32);
  return weekend ? leisure : working;
}

/** A nightly backup job reads the whole graph from 01:00 to 01:45 UTC. */
const batchJob = (hour: number): number => (hour >= 1 && hour < 1.75 ? 0.25 : 0);

export function generateLoadSeries(spec: LoadSeriesSpec): LoadPoint[] {
  const random = seededRandom(spec.seed);
  const holidays = new Set(spec.holidays);
  const points: LoadPoint[] = [];
  const slots = (spec.weeks * 7 * DAY_MS) / SLOT_MS;
  let correlated = 0;
  for (let slot = 0; slot < slots; slot += 1) {
    const at = spec.start + slot * SLOT_MS;
    const date = new Date(at);
    const hour = date.getUTCHours() + date.getUTCMinutes() / 60;
    const weekday = date.getUTCDay();
    const weekend = weekday === 0 || weekday === 6 || holidays.has(date.toISOString().slice(0, 10));
    const growth = (1 + spec.weeklyGrowth) ** ((at - spec.start) / (7 * DAY_MS));
    // AR(1) noise: load stays high or low for a while rather than flickering every 15 minutes.
    correlated = 0.8 * correlated + Math.sqrt(1 - 0.8 ** 2) * gaussian(random);
    const spike = random() < 0.005 ? 0.5 * random() : 0;
    const shape = dailyShape(hour, weekend) + batchJob(hour);
    const value = spec.peak * growth * shape * Math.max(0.2, 1 + spec.noise * correlated + spike);
    points.push({ at, value });
  }
  return points;
}
