// Every missed day (ADR 0023): which days a tick runs after downtime, and which run the saga starts next. Pure.
// Days are YYYY-MM-DD offering days; their arithmetic is on UTC calendar dates (no time zone, no daylight saving).
import { AnyMessage, IdGenerator, createMessage, runIdOf } from '@dco/contracts';
import { RunState, isTerminal } from './run-state';

/** `all`: every missed day runs, oldest first; `last`: only the ticked day; `none`: no missed day, not even a late tick. */
export const CATCH_UP_POLICIES = ['all', 'last', 'none'] as const;
export type CatchUpPolicy = (typeof CATCH_UP_POLICIES)[number];

export interface CatchUpSettings {
  policy: CatchUpPolicy;
  /** With `all`: more missed days than this wait for an operator's approval (granted: all run; rejected: none). */
  maxDays: number;
}

/** requestedBy of the RunRequested the saga sends itself for the next day of a catch-up (its producer: orchestrator). */
export const CATCH_UP_REQUESTER = 'orchestrator/catch-up';

/** The largest DCO_CATCH_UP_MAX_DAYS accepted: a year of days. */
export const MAX_CATCH_UP_DAYS = 366;

const DAY_MS = 86_400_000;
const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

function utcOf(day: string): number {
  const match = DAY_PATTERN.exec(day);
  const time = match ? Date.UTC(+match[1], +match[2] - 1, +match[3]) : NaN;
  if (!match || Number.isNaN(time) || new Date(time).toISOString().slice(0, 10) !== day)
    throw new RangeError(`not a calendar day (YYYY-MM-DD): "${day}"`);
  return time;
}

/** The day `n` calendar days after `day` (n may be negative). */
export function addDays(day: string, n: number): string {
  return new Date(utcOf(day) + n * DAY_MS).toISOString().slice(0, 10);
}

/** Calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((utcOf(to) - utcOf(from)) / DAY_MS);
}

export interface CatchUpInput {
  /** The latest day before `day` that has a run of any outcome; undefined when no earlier day ever ran. */
  lastRunDay?: string;
  /** The day the tick is for. */
  day: string;
  /** The tick is late: the scheduler published it at start for a scheduled time it missed (trigger `catch-up`). */
  late: boolean;
  settings: CatchUpSettings;
}

export interface CatchUpPlan {
  /** The days between the last run and `day` that have no run, oldest first. */
  missed: string[];
  /** The days to run, oldest first (`day` last when it runs). */
  run: string[];
  /** Missed days that will not run under the policy. */
  skipped: string[];
  /** More missed days than the cap: `run` waits for an operator (granted: as planned; rejected: only `day`). */
  needsApproval: boolean;
}

/** Which days a tick for `day` runs, given the last day that has a run. */
export function catchUpPlan({ lastRunDay, day, late, settings }: CatchUpInput): CatchUpPlan {
  const gap = lastRunDay === undefined ? 0 : daysBetween(lastRunDay, day) - 1;
  const missed = Array.from({ length: Math.max(gap, 0) }, (_, i) => addDays(lastRunDay as string, i + 1));
  switch (settings.policy) {
    case 'all':
      return { missed, run: [...missed, day], skipped: [], needsApproval: missed.length > settings.maxDays };
    case 'last':
      return { missed, run: [day], skipped: missed, needsApproval: false };
    case 'none':
      // A late tick is itself a missed day: with `none` the next scheduled day is the first to run.
      return { missed, run: late ? [] : [day], skipped: late ? [...missed, day] : missed, needsApproval: false };
  }
}

/** The latest day earlier than `day` that has a run (of any status), from the stored runs. */
export function lastRunDayBefore(runs: Iterable<RunState>, day: string): string | undefined {
  let last: string | undefined;
  for (const run of runs) if (run.day < day && (last === undefined || run.day > last)) last = run.day;
  return last;
}

/** A run of an earlier day that has not ended (queued ones included): a later day waits for it. */
export function unfinishedRunBefore(runs: Iterable<RunState>, day: string): string | undefined {
  for (const run of runs) if (run.day < day && !isTerminal(run.status)) return run.runId;
  return undefined;
}

export interface NextCatchUpRun {
  day: string;
  runId: string;
  /** The queued run itself starts (true), or a missed day before it gets its run (false). */
  dequeue: boolean;
}

/**
 * The run to start now so that days run one after the other, oldest first; undefined while a run is in progress (it
 * starts the next when it ends) or when nothing waits. The oldest queued run first gets its missed days, one at a time,
 * each only if it has no run yet (so each day's DCO runs once), then runs itself.
 */
export function nextCatchUpRun(runs: Iterable<RunState>): NextCatchUpRun | undefined {
  const all = [...runs];
  if (all.some((run) => !isTerminal(run.status) && run.status !== 'Queued')) return undefined;
  const queued = all
    .filter((run) => run.status === 'Queued')
    .sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  const first = queued[0];
  if (!first) return undefined;
  const days = new Set(all.map((run) => run.day));
  const after = first.catchUp?.after;
  if (after !== undefined) {
    for (let day = addDays(after, 1); day < first.day; day = addDays(day, 1)) {
      if (!days.has(day)) return { day, runId: runIdOf(day), dequeue: false };
    }
  }
  return { day: first.day, runId: first.runId, dequeue: true };
}

/** The saga's request for the next run of a catch-up, sent atomically with the transition that made it due. */
export function catchUpRequestOf(next: NextCatchUpRun, cause: AnyMessage, now: Date, ids: IdGenerator): AnyMessage {
  return createMessage(
    'RunRequested',
    {
      day: next.day,
      reason: next.dequeue ? 'catch-up: the missed days before it have run' : 'catch-up: a missed day, oldest first',
      requestedBy: CATCH_UP_REQUESTER,
    },
    { runId: next.runId, producer: 'orchestrator', causedBy: cause },
    { clock: { now: () => now }, ids },
  ) as AnyMessage;
}
