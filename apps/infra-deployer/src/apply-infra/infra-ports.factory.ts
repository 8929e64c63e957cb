// The infra-deployer's stage ports (ApplyInfra, RollbackInfra) over the real use cases, for the command worker.
import { systemClock } from '@dco/contracts';
import { createLogger } from '@dco/observability';
import { EcsStatusHealthProbe, seededEmbeddedCloud } from '@dco/aws';
import { ApplyInfraPort, ApplyToStagingPort, RollbackInfraPort, loadConfig } from '@dco/platform';
import { SimulatedTofuRunner, embeddedStateDir, remoteStateOf } from '@dco/terraform';
import { ApplyToStagingHandler } from '../apply-to-staging/apply-to-staging.handler';
import { stagingEnvironment } from '../apply-to-staging/staging-environment.factory';
import { InfraEnvironmentConfig } from './apply-infra.config';
import { InfraDependencies, buildInfraUseCases, infraSettingsOf } from './infra-use-cases.factory';

/**
 * The real use cases. In the embedded profile they run on the process's in-memory cloud with the plan simulator and a
 * fresh state dir; in local and aws on the AWS SDK and the tofu binary.
 */
export function realInfraDeployer(
  config: InfraEnvironmentConfig,
  deps: InfraDependencies = { clock: systemClock, log: rolloutLogger(config.LOG_LEVEL) },
) {
  let ready: Promise<void> = Promise.resolve();
  let settings = infraSettingsOf(config);
  if (config.DCO_PROFILE === 'embedded') {
    // The simulator keeps its state in a fresh local dir: never the S3 state of a real environment.
    settings = {
      ...settings,
      engine: 'simulated',
      stateDir: config.DCO_INFRA_STATE_DIR ?? embeddedStateDir(),
      remote: undefined,
    };
    const embedded = seededEmbeddedCloud(settings.configDir);
    ready = embedded.ready;
    deps = {
      tofu: new SimulatedTofuRunner(),
      ecs: embedded.cloud.ecs,
      probe: new EcsStatusHealthProbe(embedded.cloud.ecs, settings.rollout.cluster),
      ...deps,
    };
  }
  // The state bucket (made on the emulator; a no-op in AWS) before the first command; a failure is retried by the next.
  const remote = settings.remote;
  let remoteReady: Promise<void> | undefined;
  const prepared = async () => {
    await ready;
    if (!remote) return;
    remoteReady ??= remote.prepare().catch((error: unknown) => {
      remoteReady = undefined;
      throw error;
    });
    await remoteReady;
  };
  const useCases = buildInfraUseCases(settings, deps, config);
  const applyInfra: ApplyInfraPort = async (command) => {
    await prepared();
    return useCases.applyInfra.execute(command.runId, command.data);
  };
  const rollbackInfra: RollbackInfraPort = async (command) => {
    await prepared();
    return useCases.rollbackInfra.execute(command.runId, command.data);
  };
  const staging = new ApplyToStagingHandler(
    stagingEnvironment(settings, config, deps, config, {
      embedded: config.DCO_PROFILE === 'embedded',
      ...(remote ? { remote: remoteStateOf({ ...config, DCO_INFRA_PREFIX: config.DCO_STAGING_INFRA_PREFIX }) } : {}),
    }),
  );
  const applyToStaging: ApplyToStagingPort = async (command) => {
    await prepared();
    return staging.execute(command.runId, command.data);
  };
  return { applyToStaging, applyInfra, rollbackInfra, useCases };
}

/** The use cases for the variables in `env` (the operator CLI and specs); throws ConfigError naming bad ones. */
export function realInfraDeployerFromEnv(env: NodeJS.ProcessEnv) {
  return realInfraDeployer(loadConfig(InfraEnvironmentConfig, env));
}

function rolloutLogger(level: string) {
  const logger = createLogger({ service: 'infra-deployer', level });
  return (event: string, fields: Record<string, unknown>) => logger.info({ event, ...fields }, event);
}
