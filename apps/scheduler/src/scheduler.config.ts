// Environment of the scheduler service (validated at boot).
import { IsIn, IsString } from 'class-validator';
import { CommonConfig } from '@dco/platform';

/** The scheduler's own validated config (PLATFORM_CONFIG holds only the common part when embedded). */
export const SCHEDULER_CONFIG = Symbol('SchedulerConfig');

export const CATCH_UP_POLICIES = ['none', 'last'] as const;
export type CatchUpPolicy = (typeof CATCH_UP_POLICIES)[number];

export class SchedulerConfig extends CommonConfig {
  /** When the day's run starts: a 5-field cron expression (minute hour day-of-month month day-of-week). */
  @IsString()
  SCHEDULE_CRON = '0 6 * * *';

  /** IANA time zone the cron expression and the day of a tick are read in, e.g. Europe/Zurich. */
  @IsString()
  SCHEDULE_TIME_ZONE = 'UTC';

  /**
   * On start: `last` publishes the tick of the most recent scheduled time (a missed day runs late), `none` waits for the
   * next. The days missed before that one are the saga's to run (DCO_CATCH_UP on the orchestrator, ADR 0023): it knows
   * from its store which days ran; the scheduler keeps no state.
   */
  @IsIn(CATCH_UP_POLICIES, { message: 'SCHEDULE_CATCH_UP must be none or last' })
  SCHEDULE_CATCH_UP: CatchUpPolicy = 'last';
}
