// Builds the real DetectChanges use case from the validated config: the seven sources over the AWS SDK (or injected fakes),
// the Terraform workspace shared with the infra-deployer, and the inbox's report store.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Clock, CodedError, systemClock } from '@dco/contracts';
import {
  Ec2Inventory,
  EcsServices,
  EventBus,
  ImageParameters,
  InMemoryImageParameters,
  InMemoryInstanceTypeOfferings,
  InstanceTypeOfferings,
  SdkEc2Inventory,
  SdkEcsServices,
  SdkEventBus,
  SdkImageParameters,
  SdkInstanceTypeOfferings,
  S3ObjectStore,
  awsClientOptions,
  parseImageParameterPath,
  seededEmbeddedCloud,
} from '@dco/aws';
import {
  CliTofuRunner,
  SimulatedTofuRunner,
  TerraformWorkspace,
  TofuRunner,
  defaultTofuBinary,
  embeddedStateDir,
  remoteStateOf,
} from '@dco/terraform';
import { fleetTagsFromEnv } from '@dco/neo4j';
import { DetectChangesPort, loadConfig } from '@dco/platform';
import {
  ExternalReportStore,
  FileExternalReportStore,
  InMemoryExternalReportStore,
} from '../external-inbox/external-report.store';
import { ObjectExternalReportStore } from '../external-inbox/object-external-report.store';
import { ChangeSource } from './change-source.port';
import { DetectChangesEnvironmentConfig } from './detect-changes.config';
import { DetectChangesHandler } from './detect-changes.handler';
import { FileDocumentReader } from './document-reader.port';
import { AppReleaseSource } from './sources/app-release.source';
import { AwsOfferingSource, parseEngineSupport, parseRetiringInstanceTypes } from './sources/aws-offering.source';
import { DependencySource } from './sources/dependency.source';
import { RegistryDependencySource } from './sources/registry-dependency.source';
import { NpmRegistryClient } from './dependency-updates/npm-registry.adapter';
import { PackageRegistry } from './dependency-updates/package-registry.port';
import { PUBLIC_NPM_REGISTRY, parseRegistryUrl } from './dependency-updates/domain/registry-url';
import { DriftSource } from './sources/drift.source';
import { ExternalSource } from './sources/external.source';
import { Neo4jAmiSource } from './sources/neo4j-ami.source';
import { TerraformConfigSource } from './sources/terraform-config.source';

export interface DetectorDependencies {
  clock: Clock;
  ec2?: Ec2Inventory;
  ecs?: EcsServices;
  events?: EventBus;
  offerings?: InstanceTypeOfferings;
  imageParameters?: ImageParameters;
  tofu?: TofuRunner;
  store?: ExternalReportStore;
  registry?: PackageRegistry;
}

const REPO_ROOT = resolve(__dirname, '../../../..');

/**
 * The detector for the process's profile: embedded = the in-memory cloud shared with the infra-deployer, the plan
 * simulator on the same fresh state dir, reports kept in memory; local and aws = the SDK, tofu and the S3 store (DCO_EXTERNAL_BUCKET) or the file store.
 */
export function detectorForProfile(config: DetectChangesEnvironmentConfig, clock: Clock = systemClock) {
  if (config.DCO_PROFILE !== 'embedded') return buildDetectChanges(config, { clock });
  const configDir = config.DCO_INFRA_CONFIG_DIR ?? join(REPO_ROOT, 'infra');
  const { cloud, ready } = seededEmbeddedCloud(configDir);
  const built = buildDetectChanges(
    { ...config, DCO_INFRA_ENGINE: 'simulated', DCO_INFRA_STATE_DIR: config.DCO_INFRA_STATE_DIR ?? embeddedStateDir() },
    {
      clock,
      ec2: cloud.ec2,
      ecs: cloud.ecs,
      // The embedded cloud offers every instance type and publishes no SSM parameters.
      offerings: new InMemoryInstanceTypeOfferings('all', awsClientOptions(config).region),
      imageParameters: new InMemoryImageParameters(),
      tofu: new SimulatedTofuRunner(),
      store: new InMemoryExternalReportStore(),
    },
  );
  const detectChanges: DetectChangesPort = async (command, context) => {
    await ready;
    return built.detectChanges(command, context);
  };
  return { ...built, detectChanges };
}

/** The detector for the variables in `env` (the operator CLI and specs); throws ConfigError naming bad ones. */
export function detectorFromEnv(env: NodeJS.ProcessEnv, clock: Clock = systemClock) {
  return detectorForProfile(loadConfig(DetectChangesEnvironmentConfig, env), clock);
}

/** S3 (shared by every replica) when DCO_EXTERNAL_BUCKET is set, else the one-replica file. ADR 0016. */
function externalReportStore(config: DetectChangesEnvironmentConfig, infraStateDir: string): ExternalReportStore {
  if (config.DCO_EXTERNAL_BUCKET) {
    const objects = new S3ObjectStore(S3ObjectStore.client(awsClientOptions(config)), {
      bucket: config.DCO_EXTERNAL_BUCKET,
      prefix: config.DCO_EXTERNAL_PREFIX,
    });
    // On the local emulator the bucket is made on first use; in AWS it is provisioned with the account.
    return new ObjectExternalReportStore(objects, () =>
      config.DCO_AWS_ENDPOINT ? objects.ensureBucket() : Promise.resolve(),
    );
  }
  return new FileExternalReportStore(
    config.DCO_EXTERNAL_STORE ?? join(infraStateDir, '..', 'detector', 'external-reports.jsonl'),
  );
}

/** The last apply's variables (its snapshot's terraform.tfvars.json); undefined before the first apply. */
export async function appliedVariables(workspace: TerraformWorkspace): Promise<unknown> {
  const good = await workspace.lastGood();
  if (!good) return undefined;
  const path = join(good.snapshotDir, 'terraform.tfvars.json');
  const text = await readFile(path, 'utf8').catch((error: Error) => {
    throw new CodedError('DETECT.DRIFT_BASELINE_INVALID', `cannot read ${path}: ${error.message}`);
  });
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new CodedError('DETECT.DRIFT_BASELINE_INVALID', `${path} is not JSON: ${(error as Error).message}`);
  }
}

export function buildDetectChanges(config: DetectChangesEnvironmentConfig, deps: DetectorDependencies) {
  const infraStateDir =
    config.DCO_INFRA_STATE_DIR ?? join(config.DCO_STATE_DIR ?? join(REPO_ROOT, '.stack'), 'infra-deployer');
  const configDir = config.DCO_INFRA_CONFIG_DIR ?? join(REPO_ROOT, 'infra');
  const aws = awsClientOptions(config);
  const ec2 = deps.ec2 ?? SdkEc2Inventory.fromOptions(aws);
  const ecs = deps.ecs ?? SdkEcsServices.fromOptions(aws);
  const offerings = deps.offerings ?? SdkInstanceTypeOfferings.fromOptions(aws);
  const imageParameters = deps.imageParameters ?? SdkImageParameters.fromOptions(aws);
  const tofu =
    deps.tofu ??
    (config.DCO_INFRA_ENGINE === 'simulated'
      ? new SimulatedTofuRunner()
      : new CliTofuRunner({ binary: defaultTofuBinary(config) }));
  // With DCO_INFRA_BUCKET the detector reads the infra-deployer's state and last-good record in S3 (ADR 0016).
  const remote = config.DCO_PROFILE === 'embedded' ? undefined : remoteStateOf(config);
  let remoteReady: Promise<void> | undefined;
  const workspace = new TerraformWorkspace(
    tofu,
    {
      configDir,
      stateDir: infraStateDir,
      ...remote?.options,
      env: { ...(config.DCO_AWS_ENDPOINT ? { DCO_AWS_ENDPOINT: config.DCO_AWS_ENDPOINT } : {}), ...remote?.env },
    },
    deps.clock,
  );
  const prepareRemote = () => (remoteReady ??= (remote?.prepare() ?? Promise.resolve()).catch(() => undefined));
  const store = deps.store ?? externalReportStore(config, infraStateDir);
  const documents = new FileDocumentReader();
  // DCO_ENV is the db-migrator's environment tag (dco:env) on the fleet it provisions; both select the same instances.
  const fleetTags = fleetTagsFromEnv(config);
  const images = {
    owners: config.DCO_NEO4J_AMI_OWNERS.split(',')
      .map((owner) => owner.trim())
      .filter(Boolean),
    namePattern: config.DCO_NEO4J_AMI_NAME,
    ...(config.DCO_NEO4J_AMI_SSM_PATH ? { ssmPath: parseImageParameterPath(config.DCO_NEO4J_AMI_SSM_PATH) } : {}),
  };

  const releaseManifest = config.DCO_RELEASE_MANIFEST ?? join(configDir, 'release', 'release-manifest.json');
  const registryUrl = config.DCO_NPM_REGISTRY_URL ?? (config.DCO_PROFILE === 'aws' ? PUBLIC_NPM_REGISTRY : undefined);
  const registry =
    deps.registry ??
    (registryUrl
      ? new NpmRegistryClient({ url: parseRegistryUrl(registryUrl), advisoryFeed: config.DCO_NPM_ADVISORY_FEED })
      : undefined);
  // ADR 0029: with a registry, dependency updates come from the release's lockfiles; without one (embedded, and local
  // unless DCO_NPM_REGISTRY_URL names the stack's Verdaccio), from the hand-kept dependency manifest.
  const dependencySource: ChangeSource = registry
    ? new RegistryDependencySource(documents, ecs, registry, {
        manifestPath: releaseManifest,
        cluster: config.DCO_ECS_CLUSTER,
      })
    : new DependencySource(documents, {
        manifestPath: config.DCO_DEPENDENCY_MANIFEST ?? join(configDir, 'release', 'dependencies.json'),
        deployedPath: async () => {
          const good = await workspace.lastGood();
          return good ? join(good.snapshotDir, 'release', 'dependencies.json') : undefined;
        },
      });

  const sources: ChangeSource[] = [
    new Neo4jAmiSource(ec2, { ...images, fleetTags }, imageParameters),
    new TerraformConfigSource(workspace),
    new AppReleaseSource(documents, ecs, { manifestPath: releaseManifest, cluster: config.DCO_ECS_CLUSTER }),
    dependencySource,
    new AwsOfferingSource(
      ec2,
      offerings,
      {
        retiringInstanceTypes: parseRetiringInstanceTypes(config.DCO_RETIRING_INSTANCE_TYPES),
        engineSupport: parseEngineSupport(config.DCO_ENGINE_END_OF_SUPPORT),
        horizonDays: config.DCO_OFFERING_HORIZON_DAYS,
        fleetTags,
        images,
        targetInstanceType: config.DCO_NEO4J_INSTANCE_TYPE,
      },
      imageParameters,
    ),
    new ExternalSource(store),
  ];
  // The embedded profile's simulated apply runs no provisioner: its in-memory cloud never holds what it "applied".
  if (config.DCO_PROFILE !== 'embedded' && config.DCO_DRIFT_POLICY !== 'ignore') {
    const events = deps.events ?? SdkEventBus.fromOptions(aws);
    sources.push(new DriftSource(() => appliedVariables(workspace), ecs, events, config.DCO_DRIFT_POLICY));
  }
  const handler = new DetectChangesHandler(sources, deps.clock, {
    sourceTimeoutMs: config.DCO_DETECT_SOURCE_TIMEOUT_MS,
    requiredSources: (config.DCO_DETECT_REQUIRED_SOURCES ?? '')
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean),
  });
  const detectChanges: DetectChangesPort = async (command) => {
    await prepareRemote();
    return handler.execute(command.data.day);
  };
  return { detectChanges, handler, sources, store, workspace };
}
