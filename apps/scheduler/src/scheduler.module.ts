// The scheduler service: the daily clock: publishes DailyTick on its cron schedule and catches up missed days.
import { DynamicModule, Module } from '@nestjs/common';
import { SCHEDULER_CONFIG, SchedulerConfig } from './scheduler.config';
import { DailySchedule } from './daily-tick/daily-schedule';
import { DAILY_SCHEDULE, DailyTickService } from './daily-tick/daily-tick.service';

@Module({})
export class SchedulerModule {
  static register(config: SchedulerConfig): DynamicModule {
    // Parsed here so that a bad cron expression or zone stops the boot with the variable named.
    const schedule = DailySchedule.parse(config.SCHEDULE_CRON, config.SCHEDULE_TIME_ZONE);
    return {
      module: SchedulerModule,
      providers: [
        { provide: SCHEDULER_CONFIG, useValue: config },
        { provide: DAILY_SCHEDULE, useValue: schedule },
        DailyTickService,
      ],
      exports: [DailyTickService],
    };
  }
}
