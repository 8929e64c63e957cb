// Nest providers of the real RunDco stage: the use-case port for the worker, opening the ledger at start, and closing the
// Neo4j driver on shutdown.
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Provider } from '@nestjs/common';
import { systemClock } from '@dco/contracts';
import { RUN_DCO_PORT, uuidGenerator } from '@dco/platform';
import { DcoRunnerConfig } from '../dco-runner.config';
import { RealDcoRunner, realDcoRunner } from './run-dco.factory';

const REAL_DCO_RUNNER = Symbol('RealDcoRunner');

@Injectable()
export class RunDcoLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('RunDco');
  private stopping = false;

  constructor(@Inject(REAL_DCO_RUNNER) private readonly runner: RealDcoRunner) {}

  /** Not awaited: the service starts whether or not Neo4j answers yet; the first command opens the ledger otherwise. */
  onApplicationBootstrap(): void {
    void this.runner.warmUp().then(
      (opened) => opened && this.logger.log('the Neo4j ledger is open, its schema migrated and its statements planned'),
      (error: unknown) =>
        !this.stopping &&
        this.logger.warn(
          `the Neo4j ledger was not opened at start (the first command opens it): ${error instanceof Error ? error.message : String(error)}`,
        ),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.runner.close();
  }
}

/** The real stage for DCO_STAGE_ENGINE=real. */
export function realRunDcoProviders(config: DcoRunnerConfig): Provider[] {
  const runner = realDcoRunner(config, { clock: systemClock, ids: uuidGenerator });
  return [
    { provide: REAL_DCO_RUNNER, useValue: runner },
    { provide: RUN_DCO_PORT, useValue: runner.runDco },
    RunDcoLifecycle,
  ];
}
