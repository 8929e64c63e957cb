// The infra-deployer's stage ports (ApplyInfra, RollbackInfra) over the real use cases, for the command worker.
import { systemClock } from '@dco/contracts';
import { createLogger } from '@dco/observability';
import { EcsStatusHealthProbe, seededEmbeddedCloud } from '@dco/aws';
import { ApplyInfraPort, RollbackInfraPort } from '@dco/platform';
import { SimulatedTofuRunner, embeddedStateDir } from '@dco/terraform';
import { InfraDependencies, buildInfraUseCases, infraSettingsFromEnv } from './infra-use-cases.factory';

/**
 * The real use cases. In the embedded profile they run on the process's in-memory cloud with the plan simulator and a
 * fresh state dir; in local and aws on the AWS SDK and the tofu binary.
 */
export function realInfraDeployer(env: NodeJS.ProcessEnv = process.env, deps: InfraDependencies = { clock: systemClock, log: rolloutLogger(env) }) {
  let ready: Promise<void> = Promise.resolve();
  let settings = infraSettingsFromEnv(env);
  if (env.DCO_PROFILE === 'embedded' || env.DCO_PROFILE === undefined) {
    settings = { ...settings, engine: 'simulated', stateDir: env.DCO_INFRA_STATE_DIR ?? embeddedStateDir() };
    const embedded = seededEmbeddedCloud(settings.configDir);
    ready = embedded.ready;
    deps = { tofu: new SimulatedTofuRunner(), ecs: embedded.cloud.ecs, probe: new EcsStatusHealthProbe(embedded.cloud.ecs, settings.rollout.cluster), ...deps };
  }
  const useCases = buildInfraUseCases(settings, deps, env);
  const applyInfra: ApplyInfraPort = async (command) => {
    await ready;
    return useCases.applyInfra.execute(command.runId, command.data);
  };
  const rollbackInfra: RollbackInfraPort = async (command) => {
    await ready;
    return useCases.rollbackInfra.execute(command.runId, command.data);
  };
  return { applyInfra, rollbackInfra, useCases };
}

function rolloutLogger(env: NodeJS.ProcessEnv) {
  const logger = createLogger({ service: 'infra-deployer', level: env.LOG_LEVEL ?? 'info' });
  return (event: string, fields: Record<string, unknown>) => logger.info({ event, ...fields }, event);
}
