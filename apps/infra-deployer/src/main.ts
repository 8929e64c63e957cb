// Entry point of the infra-deployer service process.
import 'reflect-metadata';
import { createBus, runService } from '@dco/platform';
import { InfraDeployerConfig } from './infra-deployer.config';
import { InfraDeployerModule } from './infra-deployer.module';

void runService({
  service: 'infra-deployer',
  config: InfraDeployerConfig,
  feature: (config) => InfraDeployerModule.register(config),
  createBus,
});
