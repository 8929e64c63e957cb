// Entry point of the dco-runner service process.
import 'reflect-metadata';
import { createBus, runService } from '@dco/platform';
import { DcoRunnerConfig } from './dco-runner.config';
import { DcoRunnerModule } from './dco-runner.module';

void runService({
  service: 'dco-runner',
  config: DcoRunnerConfig,
  feature: (config) => DcoRunnerModule.register(config),
  createBus,
});
