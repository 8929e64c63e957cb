// The infra-deployer service's command loop: routes each command to its use-case port and answers the saga.
import { Inject, Injectable } from '@nestjs/common';
import {
  CommandRoute,
  CommandWorkerHost,
  WorkerRuntime,
  outcome,
  APPLY_INFRA_PORT, ApplyInfraPort, ROLLBACK_INFRA_PORT, RollbackInfraPort,
} from '@dco/platform';

@Injectable()
export class InfraDeployerWorker extends CommandWorkerHost {
  constructor(
    runtime: WorkerRuntime,
    @Inject(APPLY_INFRA_PORT) private readonly applyInfra: ApplyInfraPort,
    @Inject(ROLLBACK_INFRA_PORT) private readonly rollbackInfra: RollbackInfraPort,
  ) {
    super(runtime, 'infra-deployer');
  }

  protected routes(): CommandRoute[] {
    return [
      {
        command: 'ApplyInfra',
        handle: async (command, context) => this.applyInfra(command, context),
        onFailure: (failure) => ({ type: 'InfraApplyFailed', data: { failure } }),
      } as CommandRoute<'ApplyInfra'>,
      {
        command: 'RollbackInfra',
        handle: async (command, context) => outcome('InfraRolledBack', await this.rollbackInfra(command, context)),
        onFailure: (failure) => ({ type: 'InfraRollbackFailed', data: { failure } }),
      } as CommandRoute<'RollbackInfra'>,
    ] as CommandRoute[];
  }
}
