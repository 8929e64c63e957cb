// Chooses when a change set is applied: at once, or in the predicted lowest-load window that still ends before its
// latest end (ADR 0027). Pure.
import { LoadForecast, meanLoadOver } from './load-forecast';

export const UPDATE_WINDOW_POLICIES = ['tick', 'forecast'] as const;
/** `tick`: updates start when the run gets to them (at the daily tick); `forecast`: in the predicted quietest window. */
export type UpdateWindowPolicy = (typeof UPDATE_WINDOW_POLICIES)[number];

/** Why the window is what it is. */
export type WindowReason =
  /** The policy is `tick`. */
  | 'tick'
  /** An urgent change set runs at once. */
  | 'urgent'
  /** No forecast covers the time until the latest end (too little load history, or none). */
  | 'no-forecast'
  /** Even starting now the change set does not end before its latest end: it starts now and the DCO deadline rule defers it. */
  | 'no-fit'
  /** The predicted lowest-load window. */
  | 'forecast';

export interface WindowRequest {
  now: number;
  /** The change set must have ended by then (the DCO deadline less the DCO's own expected duration, or the run deadline). */
  latestEnd: number;
  /** The change set's expected duration. */
  durationMs: number;
  urgent: boolean;
  policy: UpdateWindowPolicy;
  forecast?: LoadForecast;
  /** Candidate starts after now are aligned to this grid. */
  granularityMs?: number;
}

export interface WindowChoice {
  reason: WindowReason;
  start: number;
  end: number;
  /** Predicted mean load in the chosen window (forecast only). */
  predictedLoad?: number;
  /** Predicted mean load had the change set started now (forecast only), for comparison. */
  predictedLoadNow?: number;
}

export const DEFAULT_GRANULARITY_MS = 15 * 60_000;

export function chooseWindow(request: WindowRequest): WindowChoice {
  const { now, latestEnd, durationMs } = request;
  const atOnce = (reason: WindowReason): WindowChoice => ({ reason, start: now, end: now + durationMs });
  if (request.policy === 'tick') return atOnce('tick');
  if (request.urgent) return atOnce('urgent');
  if (now + durationMs > latestEnd) return atOnce('no-fit');
  const forecast = request.forecast;
  if (!forecast) return atOnce('no-forecast');
  const granularity = request.granularityMs ?? DEFAULT_GRANULARITY_MS;
  const latestStart = latestEnd - durationMs;
  const starts = [now];
  for (let start = Math.ceil((now + 1) / granularity) * granularity; start < latestStart; start += granularity)
    starts.push(start);
  if (latestStart > now) starts.push(latestStart);

  let best: WindowChoice | undefined;
  let loadNow: number | undefined;
  for (const start of starts) {
    const load = meanLoadOver(forecast, start, start + durationMs);
    if (load === undefined) continue;
    if (start === now) loadNow = load;
    // Strictly lower: among equal loads the earliest wins, so a flat forecast changes nothing.
    if (!best || load < (best.predictedLoad as number))
      best = { reason: 'forecast', start, end: start + durationMs, predictedLoad: load };
  }
  if (!best) return atOnce('no-forecast');
  return loadNow === undefined ? best : { ...best, predictedLoadNow: loadNow };
}
