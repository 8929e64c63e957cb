// The dco-runner service: runs the Daily Credcoin Offering.
import { DynamicModule, Module } from '@nestjs/common';
import { RUN_DCO_PORT } from '@dco/platform';
import { DcoRunnerConfig } from './dco-runner.config';
import { DcoRunnerWorker } from './dco-runner.worker';
import { simulatedDcoRunner } from './simulated/simulated-dco-runner';

@Module({})
export class DcoRunnerModule {
  static register(config: DcoRunnerConfig): DynamicModule {
    const simulated = simulatedDcoRunner(config);
    return {
      module: DcoRunnerModule,
      providers: [
        { provide: RUN_DCO_PORT, useValue: simulated.runDco },
        DcoRunnerWorker,
      ],
    };
  }
}
