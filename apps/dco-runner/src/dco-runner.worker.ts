// The dco-runner service's command loop: routes each command to its use-case port and answers the saga.
import { Inject, Injectable } from '@nestjs/common';
import {
  CommandRoute,
  CommandWorkerHost,
  WorkerRuntime,
  outcome,
  RUN_DCO_PORT, RunDcoPort,
} from '@dco/platform';

@Injectable()
export class DcoRunnerWorker extends CommandWorkerHost {
  constructor(
    runtime: WorkerRuntime,
    @Inject(RUN_DCO_PORT) private readonly runDco: RunDcoPort,
  ) {
    super(runtime, 'dco-runner');
  }

  protected routes(): CommandRoute[] {
    return [
      {
        command: 'RunDco',
        handle: async (command, context) => outcome('DcoCompleted', await this.runDco(command, context)),
        onFailure: (failure) => ({ type: 'DcoFailed', data: { failure } }),
      } as CommandRoute<'RunDco'>,
    ] as CommandRoute[];
  }
}
