// The scheduler service: the daily clock: publishes DailyTick on its cron schedule and catches up missed days.
import { DynamicModule, Module } from '@nestjs/common';
import { SCHEDULER_CONFIG, SchedulerConfig } from './scheduler.config';
import { DailySchedule } from './daily-tick/daily-schedule';
import { DAILY_SCHEDULE, DailyTickService } from './daily-tick/daily-tick.service';
import { DrillSchedule } from './dr-drill/drill-schedule';
import { DRILL_SCHEDULE, DrillScheduleService } from './dr-drill/drill-schedule.service';

@Module({})
export class SchedulerModule {
  static register(config: SchedulerConfig): DynamicModule {
    // Parsed here so that a bad cron expression or zone stops the boot with the variable named.
    const schedule = DailySchedule.parse(config.SCHEDULE_CRON, config.SCHEDULE_TIME_ZONE);
    // The drill's cron likewise, and checked against the daily tick so that a drill never meets a run.
    const drills = config.DR_DRILL_CRON
      ? DrillSchedule.parse(config.DR_DRILL_CRON, schedule, config.DR_DRILL_CLEARANCE_MINUTES, new Date())
      : undefined;
    return {
      module: SchedulerModule,
      providers: [
        { provide: SCHEDULER_CONFIG, useValue: config },
        { provide: DAILY_SCHEDULE, useValue: schedule },
        DailyTickService,
        ...(drills ? [{ provide: DRILL_SCHEDULE, useValue: drills }, DrillScheduleService] : []),
      ],
      exports: [DailyTickService],
    };
  }
}
