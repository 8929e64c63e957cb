// The dco-runner service: runs the Daily Credcoin Offering.
import { DynamicModule, Module } from '@nestjs/common';
import { RUN_DCO_PORT } from '@dco/platform';
import { DcoRunnerConfig } from './dco-runner.config';
import { DcoRunnerController } from './dco-runner.controller';
import { simulatedDcoRunner } from './simulated/simulated-dco-runner';
import { realRunDcoProviders } from './run-dco/run-dco.providers';

@Module({})
export class DcoRunnerModule {
  static register(config: DcoRunnerConfig): DynamicModule {
    const stage =
      config.DCO_STAGE_ENGINE === 'real'
        ? realRunDcoProviders(config)
        : [{ provide: RUN_DCO_PORT, useValue: simulatedDcoRunner(config).runDco }];
    return {
      module: DcoRunnerModule,
      controllers: [DcoRunnerController],
      providers: stage,
    };
  }
}
