// Environment of the scheduler service (validated at boot).
import { IsIn, IsInt, IsOptional, IsString, Matches, Min } from 'class-validator';
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

  /**
   * The scheduled DR drill (unset: none): a 5-field cron in SCHEDULE_TIME_ZONE, e.g. `0 18 * * 0` (Sundays 18:00). Each
   * firing must be DR_DRILL_CLEARANCE_MINUTES away from the daily tick, checked at boot (CONFIG.INVALID otherwise).
   */
  @IsOptional()
  @IsString()
  DR_DRILL_CRON?: string;

  /** Minutes kept between a drill and the daily tick on either side (a run and its DCO fit in it). */
  @IsInt({ message: 'DR_DRILL_CLEARANCE_MINUTES must be an integer' })
  @Min(0)
  DR_DRILL_CLEARANCE_MINUTES = 360;

  /** What `dco drill` runs when the schedule fires: `all` or kinds separated by commas. */
  @Matches(
    /^(all|(neo4j-loss|orchestrator-loss|deployer-state-loss)(,(neo4j-loss|orchestrator-loss|deployer-state-loss))*)$/,
    {
      message:
        'DR_DRILL_KINDS must be all or a comma-separated list of neo4j-loss, orchestrator-loss, deployer-state-loss',
    },
  )
  DR_DRILL_KINDS = 'all';

  /** The `dco` executable the scheduled drill runs (its figures, alerts and exit status are the CLI's). */
  @IsString()
  DR_DRILL_COMMAND = 'bin/dco';

  /** Where the scheduled drill writes its figures (shown by `GET /health` of the scheduler as the last drill). */
  @IsString()
  DR_DRILL_OUT = 'bench/results/dr.json';
}
