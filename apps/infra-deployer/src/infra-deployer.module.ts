// The infra-deployer service: applies infrastructure changes (OpenTofu plan/apply, ECS rollouts) and rolls them back.
import { DynamicModule, Module } from '@nestjs/common';
import { APPLY_INFRA_PORT, APPLY_TO_STAGING_PORT, ROLLBACK_INFRA_PORT } from '@dco/platform';
import { InfraDeployerConfig } from './infra-deployer.config';
import { InfraDeployerController } from './infra-deployer.controller';
import { simulatedInfraDeployer } from './simulated/simulated-infra-deployer';
import { realInfraDeployer } from './apply-infra/infra-ports.factory';

@Module({})
export class InfraDeployerModule {
  static register(config: InfraDeployerConfig): DynamicModule {
    const stage = config.DCO_STAGE_ENGINE === 'real' ? realInfraDeployer(config) : simulatedInfraDeployer(config);
    return {
      module: InfraDeployerModule,
      controllers: [InfraDeployerController],
      providers: [
        { provide: APPLY_TO_STAGING_PORT, useValue: stage.applyToStaging },
        { provide: APPLY_INFRA_PORT, useValue: stage.applyInfra },
        { provide: ROLLBACK_INFRA_PORT, useValue: stage.rollbackInfra },
      ],
    };
  }
}
