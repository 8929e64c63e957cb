// Entry point of the scheduler service process.
import 'reflect-metadata';
import { createBus, runService } from '@dco/platform';
import { SchedulerConfig } from './scheduler.config';
import { SchedulerModule } from './scheduler.module';

void runService({
  service: 'scheduler',
  config: SchedulerConfig,
  feature: (config) => SchedulerModule.register(config),
  createBus,
});
