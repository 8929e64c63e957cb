// Nest providers of the real RunDco stage: the use-case port for the worker, and closing the Neo4j driver on shutdown.
import { Inject, Injectable, OnApplicationShutdown, Provider } from '@nestjs/common';
import { systemClock } from '@dco/contracts';
import { RUN_DCO_PORT, uuidGenerator } from '@dco/platform';
import { DcoRunnerConfig } from '../dco-runner.config';
import { RealDcoRunner, realDcoRunner } from './run-dco.factory';

const REAL_DCO_RUNNER = Symbol('RealDcoRunner');

@Injectable()
export class RunDcoShutdown implements OnApplicationShutdown {
  constructor(@Inject(REAL_DCO_RUNNER) private readonly runner: RealDcoRunner) {}

  async onApplicationShutdown(): Promise<void> {
    await this.runner.close();
  }
}

/** The real stage for DCO_STAGE_ENGINE=real. */
export function realRunDcoProviders(config: DcoRunnerConfig): Provider[] {
  const runner = realDcoRunner(config, { clock: systemClock, ids: uuidGenerator });
  return [
    { provide: REAL_DCO_RUNNER, useValue: runner },
    { provide: RUN_DCO_PORT, useValue: runner.runDco },
    RunDcoShutdown,
  ];
}
