// Messages of the daily clock: the tick that starts a day's run.
import { IsIn, IsISO8601 } from 'class-validator';
import { IsDay } from './common';

export const TICK_TRIGGERS = ['schedule', 'catch-up', 'manual'] as const;
export type TickTrigger = (typeof TICK_TRIGGERS)[number];

/** DailyTick v2: the scheduler says "today's run is due". */
export class DailyTickData {
  @IsDay()
  day!: string;

  @IsIn(TICK_TRIGGERS)
  trigger!: TickTrigger;

  @IsISO8601({ strict: true })
  scheduledAt!: string;
}

/** DailyTick v1, as the first scheduler wrote it: only the date. Upcast to v2 on read. */
export class DailyTickDataV1 {
  @IsDay()
  date!: string;
}
