// The infra-deployer's public API for other apps and tools (the operator CLI, the day's stack preparation): its use cases, built from settings.
export { buildInfraUseCases, InfraDependencies, InfraSettings } from './apply-infra/infra-use-cases.factory';
export { realInfraDeployerFromEnv } from './apply-infra/infra-ports.factory';
export { InfraDeployerConfig } from './infra-deployer.config';
export { InfraDeployerModule } from './infra-deployer.module';
