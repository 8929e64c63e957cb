// The scheduler's public API for other apps and tools: the daily schedule's cron expression and its evaluation.
export { DailySchedule, dailyUtcCron } from './daily-tick/daily-schedule';
export { SchedulerConfig } from './scheduler.config';
export { SchedulerModule } from './scheduler.module';
