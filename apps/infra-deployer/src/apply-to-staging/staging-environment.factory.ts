// Builds staging from production's infra-deployer settings: a copy of the current configuration whose variables are
// staging's definition, its own state, cluster and health endpoints; the same use cases (ADR 0032).
import { readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { CodedError } from '@dco/contracts';
import {
  DEFAULT_HEALTH_THRESHOLDS,
  EmbeddedCloud,
  EcsStatusHealthProbe,
  HttpHealthMeter,
  InMemoryEc2Inventory,
  InMemoryEcsServices,
  InMemoryEventBus,
  embeddedSeedFromInfra,
  parseHealthEndpoints,
  seedEmbeddedCloud,
} from '@dco/aws';
import { RemoteState, snapshotConfig } from '@dco/terraform';
import { ApplyInfraHandler } from '../apply-infra/apply-infra.handler';
import {
  InfraClientVariables,
  InfraDependencies,
  InfraSettings,
  buildInfraUseCases,
} from '../apply-infra/infra-use-cases.factory';
import { StagingEnvironment } from './apply-to-staging.handler';
import { StagingConfig } from './staging.config';

/** Staging's copy of the configuration: infra/ as it is now, with staging's variables as terraform.tfvars.json. */
export async function prepareStagingConfig(
  configDir: string,
  tfvars: string,
  targetDir: string,
): Promise<{ cluster: string }> {
  const source = join(configDir, tfvars);
  if (!existsSync(source))
    throw new CodedError(
      'INFRA.STAGING_NOT_CONFIGURED',
      `staging has no environment definition: ${source} does not exist (DCO_STAGING_TFVARS)`,
    );
  const vars = await readFile(source, 'utf8');
  // Without tofu's working files; the workspace makes its plans' snapshots from this copy.
  await snapshotConfig(configDir, targetDir);
  await writeFile(join(targetDir, 'terraform.tfvars.json'), vars);
  return { cluster: (JSON.parse(vars) as { cluster_name: string }).cluster_name };
}

export function stagingEnvironment(
  production: InfraSettings,
  config: StagingConfig,
  deps: InfraDependencies,
  clients: InfraClientVariables,
  options: { embedded: boolean; remote?: RemoteState },
): StagingEnvironment {
  const stagingDir = join(production.stateDir, 'staging');
  const configDir = join(stagingDir, 'config');
  const endpoints = parseHealthEndpoints(config.DCO_STAGING_HEALTH_ENDPOINTS);
  const meter = new HttpHealthMeter(endpoints, production.healthMetrics);
  let cloud: EmbeddedCloud | undefined;
  return {
    meter,
    thresholds: production.rollout.health?.thresholds ?? DEFAULT_HEALTH_THRESHOLDS,
    now: () => deps.clock.now().getTime(),
    wait: (ms) => delay(ms),
    prepare: async (): Promise<ApplyInfraHandler> => {
      const { cluster } = await prepareStagingConfig(production.configDir, config.DCO_STAGING_TFVARS, configDir);
      const settings: InfraSettings = {
        ...production,
        configDir,
        stateDir: join(stagingDir, 'state'),
        rollout: { ...production.rollout, cluster },
        remote: options.remote,
      };
      let stagingDeps: InfraDependencies = { ...deps, meter };
      if (options.embedded) {
        // The embedded profile's staging is a cloud of its own, seeded from staging's definition.
        if (!cloud) {
          cloud = { ec2: new InMemoryEc2Inventory(), ecs: new InMemoryEcsServices(), events: new InMemoryEventBus() };
          await seedEmbeddedCloud(cloud, embeddedSeedFromInfra(configDir));
        }
        stagingDeps = { ...stagingDeps, ecs: cloud.ecs, probe: new EcsStatusHealthProbe(cloud.ecs, cluster) };
      }
      return buildInfraUseCases(settings, stagingDeps, {
        ...clients,
        DCO_HEALTH_ENDPOINTS: config.DCO_STAGING_HEALTH_ENDPOINTS,
      }).applyInfra;
    },
  };
}
