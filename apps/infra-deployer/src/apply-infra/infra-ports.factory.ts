// The infra-deployer's stage ports (ApplyInfra, RollbackInfra) over the real use cases, for the command worker.
import { systemClock } from '@dco/contracts';
import { ApplyInfraPort, RollbackInfraPort } from '@dco/platform';
import { InfraDependencies, buildInfraUseCases, infraSettingsFromEnv } from './infra-use-cases.factory';

export function realInfraDeployer(env: NodeJS.ProcessEnv = process.env, deps: InfraDependencies = { clock: systemClock }) {
  const useCases = buildInfraUseCases(infraSettingsFromEnv(env), deps, env);
  const applyInfra: ApplyInfraPort = async (command) => useCases.applyInfra.execute(command.runId, command.data);
  const rollbackInfra: RollbackInfraPort = async (command) => useCases.rollbackInfra.execute(command.runId, command.data);
  return { applyInfra, rollbackInfra, useCases };
}
