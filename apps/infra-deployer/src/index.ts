// The infra-deployer's public API for other apps and tools.
export { buildInfraUseCases } from './apply-infra/infra-use-cases.factory';
