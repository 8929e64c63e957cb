// Builds the real DetectChanges use case from the environment: the six sources over the AWS SDK (or injected fakes),
// the Terraform workspace shared with the infra-deployer, and the inbox's report store.
import { join, resolve } from 'node:path';
import { Clock, ConfigError, systemClock } from '@dco/contracts';
import { Ec2Inventory, EcsServices, SdkEc2Inventory, SdkEcsServices, awsClientOptions, seededEmbeddedCloud } from '@dco/aws';
import { CliTofuRunner, SimulatedTofuRunner, TerraformWorkspace, TofuRunner, embeddedStateDir } from '@dco/terraform';
import { fleetTagsFromEnv } from '@dco/neo4j';
import { DetectChangesPort } from '@dco/platform';
import { ExternalReportStore, FileExternalReportStore, InMemoryExternalReportStore } from '../external-inbox/external-report.store';
import { ChangeSource } from './change-source.port';
import { DetectChangesHandler } from './detect-changes.handler';
import { FileDocumentReader } from './document-reader.port';
import { AppReleaseSource } from './sources/app-release.source';
import { AwsOfferingSource, parseEngineSupport, parseRetiringInstanceTypes } from './sources/aws-offering.source';
import { DependencySource } from './sources/dependency.source';
import { ExternalSource } from './sources/external.source';
import { Neo4jAmiSource } from './sources/neo4j-ami.source';
import { TerraformConfigSource } from './sources/terraform-config.source';

export interface DetectorDependencies {
  clock: Clock;
  ec2?: Ec2Inventory;
  ecs?: EcsServices;
  tofu?: TofuRunner;
  store?: ExternalReportStore;
}

const REPO_ROOT = resolve(__dirname, '../../../..');

function nonNegative(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new ConfigError(`${name} must be a non-negative number, got "${raw}"`);
  return value;
}

/**
 * The detector for the process's profile: embedded = the in-memory cloud shared with the infra-deployer, the plan
 * simulator on the same fresh state dir, reports kept in memory; local and aws = the SDK, tofu and the file store.
 */
export function detectorForProfile(env: NodeJS.ProcessEnv = process.env, clock: Clock = systemClock) {
  if (env.DCO_PROFILE !== undefined && env.DCO_PROFILE !== 'embedded') return buildDetectChanges(env, { clock });
  const configDir = env.DCO_INFRA_CONFIG_DIR ?? join(REPO_ROOT, 'infra');
  const { cloud, ready } = seededEmbeddedCloud(configDir);
  const built = buildDetectChanges(
    { ...env, DCO_INFRA_ENGINE: 'simulated', DCO_INFRA_STATE_DIR: env.DCO_INFRA_STATE_DIR ?? embeddedStateDir() },
    { clock, ec2: cloud.ec2, ecs: cloud.ecs, tofu: new SimulatedTofuRunner(), store: new InMemoryExternalReportStore() },
  );
  const detectChanges: DetectChangesPort = async (command, context) => {
    await ready;
    return built.detectChanges(command, context);
  };
  return { ...built, detectChanges };
}

export function buildDetectChanges(env: NodeJS.ProcessEnv, deps: DetectorDependencies) {
  const infraStateDir = env.DCO_INFRA_STATE_DIR ?? join(env.DCO_STATE_DIR ?? join(REPO_ROOT, '.stack'), 'infra-deployer');
  const configDir = env.DCO_INFRA_CONFIG_DIR ?? join(REPO_ROOT, 'infra');
  const aws = awsClientOptions(env);
  const ec2 = deps.ec2 ?? SdkEc2Inventory.fromOptions(aws);
  const ecs = deps.ecs ?? SdkEcsServices.fromOptions(aws);
  const tofu = deps.tofu ?? (env.DCO_INFRA_ENGINE === 'simulated' ? new SimulatedTofuRunner() : new CliTofuRunner());
  const workspace = new TerraformWorkspace(tofu, { configDir, stateDir: infraStateDir, ...(env.DCO_AWS_ENDPOINT ? { env: { DCO_AWS_ENDPOINT: env.DCO_AWS_ENDPOINT } } : {}) }, deps.clock);
  const store = deps.store ?? new FileExternalReportStore(env.DCO_EXTERNAL_STORE ?? join(infraStateDir, '..', 'detector', 'external-reports.jsonl'));
  const documents = new FileDocumentReader();
  // DCO_ENV is the db-migrator's environment tag (dco:env) on the fleet it provisions; both select the same instances.
  const fleetTags = fleetTagsFromEnv(env);

  const sources: ChangeSource[] = [
    new Neo4jAmiSource(ec2, {
      owners: (env.DCO_NEO4J_AMI_OWNERS ?? 'self').split(',').map((owner) => owner.trim()).filter(Boolean),
      namePattern: env.DCO_NEO4J_AMI_NAME ?? 'neo4j-*',
      fleetTags,
    }),
    new TerraformConfigSource(workspace),
    new AppReleaseSource(documents, ecs, {
      manifestPath: env.DCO_RELEASE_MANIFEST ?? join(configDir, 'release', 'release-manifest.json'),
      cluster: env.DCO_ECS_CLUSTER ?? 'dco-autopilot',
    }),
    new DependencySource(documents, {
      manifestPath: env.DCO_DEPENDENCY_MANIFEST ?? join(configDir, 'release', 'dependencies.json'),
      deployedPath: async () => {
        const good = await workspace.lastGood();
        return good ? join(good.snapshotDir, 'release', 'dependencies.json') : undefined;
      },
    }),
    new AwsOfferingSource(ec2, {
      retiringInstanceTypes: parseRetiringInstanceTypes(env.DCO_RETIRING_INSTANCE_TYPES),
      engineSupport: parseEngineSupport(env.DCO_ENGINE_END_OF_SUPPORT),
      horizonDays: nonNegative(env, 'DCO_OFFERING_HORIZON_DAYS', 30),
      fleetTags,
    }),
    new ExternalSource(store),
  ];
  const handler = new DetectChangesHandler(sources, deps.clock, {
    sourceTimeoutMs: nonNegative(env, 'DCO_DETECT_SOURCE_TIMEOUT_MS', 10_000),
    requiredSources: (env.DCO_DETECT_REQUIRED_SOURCES ?? '').split(',').map((name) => name.trim()).filter(Boolean),
  });
  const detectChanges: DetectChangesPort = async (command) => handler.execute(command.data.day);
  return { detectChanges, handler, sources, store, workspace };
}
