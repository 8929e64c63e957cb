// The daily schedule: a cron expression read in an IANA time zone; when it fires next, when it fired last, and which day that is.
import { ConfigError } from '@dco/platform';
import { dayInZone, isValidTimeZone } from '@dco/saga';
import { CronExpressionParser } from 'cron-parser';

/** The 5-field cron of a daily time at `at`'s UTC hour and minute (with SCHEDULE_TIME_ZONE=UTC). */
export function dailyUtcCron(at: Date): string {
  return `${at.getUTCMinutes()} ${at.getUTCHours()} * * *`;
}

export class DailySchedule {
  private constructor(
    readonly cron: string,
    readonly timeZone: string,
  ) {}

  /** Validates both values; a bad one stops the boot with an error naming its variable. */
  static parse(cron: string, timeZone: string): DailySchedule {
    const problems: string[] = [];
    if (!isValidTimeZone(timeZone))
      problems.push(`SCHEDULE_TIME_ZONE (got "${timeZone}"): not an IANA time zone such as Europe/Zurich`);
    const fields = cron.trim().split(/\s+/).length;
    if (fields !== 5) {
      problems.push(
        `SCHEDULE_CRON (got "${cron}"): expected 5 fields (minute hour day-of-month month day-of-week), got ${fields}`,
      );
    } else {
      try {
        CronExpressionParser.parse(cron, { tz: problems.length ? 'UTC' : timeZone }).next();
      } catch (error) {
        problems.push(`SCHEDULE_CRON (got "${cron}"): ${(error as Error).message}`);
      }
    }
    if (problems.length > 0) throw new ConfigError(problems);
    return new DailySchedule(cron, timeZone);
  }

  /** The first scheduled instant strictly after `instant`. */
  nextAfter(instant: Date): Date {
    return CronExpressionParser.parse(this.cron, { currentDate: instant, tz: this.timeZone }).next().toDate();
  }

  /** The latest scheduled instant at or before `instant`. */
  lastAtOrBefore(instant: Date): Date {
    return CronExpressionParser.parse(this.cron, { currentDate: new Date(instant.getTime() + 1), tz: this.timeZone })
      .prev()
      .toDate();
  }

  /** The offering day a scheduled instant belongs to: its calendar day in the schedule's zone. */
  dayOf(instant: Date): string {
    return dayInZone(instant, this.timeZone);
  }
}
