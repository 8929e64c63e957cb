// The scheduled DR drill's time: a cron expression in the daily schedule's zone, refused when a firing comes close to a daily tick.
import { ConfigError } from '@dco/platform';
import { CronExpressionParser } from 'cron-parser';
import { DailySchedule } from '../daily-tick/daily-schedule';

/** Firings checked against the daily schedule: a year of a weekly drill. */
const FIRINGS_CHECKED = 53;

export class DrillSchedule {
  private constructor(
    readonly cron: string,
    private readonly daily: DailySchedule,
  ) {}

  /**
   * Validates DR_DRILL_CRON: 5 fields, parsable, and each of its next firings at least `clearanceMinutes` away from the
   * daily tick before and after it, so a drill never starts while a run (and its DCO) may be going on.
   */
  static parse(cron: string, daily: DailySchedule, clearanceMinutes: number, from: Date): DrillSchedule {
    const fields = cron.trim().split(/\s+/).length;
    if (fields !== 5)
      throw new ConfigError([
        `DR_DRILL_CRON (got "${cron}"): expected 5 fields (minute hour day-of-month month day-of-week), got ${fields}`,
      ]);
    let firings: Date[];
    try {
      const expression = CronExpressionParser.parse(cron, { currentDate: from, tz: daily.timeZone });
      firings = Array.from({ length: FIRINGS_CHECKED }, () => expression.next().toDate());
    } catch (error) {
      throw new ConfigError([`DR_DRILL_CRON (got "${cron}"): ${(error as Error).message}`]);
    }
    const clearanceMs = clearanceMinutes * 60_000;
    for (const firing of firings) {
      const before = daily.lastAtOrBefore(firing);
      const after = daily.nextAfter(firing);
      const gap = Math.min(firing.getTime() - before.getTime(), after.getTime() - firing.getTime());
      if (gap < clearanceMs)
        throw new ConfigError([
          `DR_DRILL_CRON (got "${cron}"): the drill at ${firing.toISOString()} is ${Math.round(gap / 60_000)} min from the daily tick (SCHEDULE_CRON "${daily.cron}"); keep DR_DRILL_CLEARANCE_MINUTES (${clearanceMinutes}) between them`,
        ]);
    }
    return new DrillSchedule(cron, daily);
  }

  nextAfter(instant: Date): Date {
    return CronExpressionParser.parse(this.cron, { currentDate: instant, tz: this.daily.timeZone }).next().toDate();
  }
}
