// Builds the blue-green migrator for a profile from the validated config: shared by the db-migrator service and the dco CLI.
import { join, resolve } from 'node:path';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import { Logger } from '@nestjs/common';
import { Clock, CodedError, systemClock } from '@dco/contracts';
import { awsClientOptions, embeddedCloud, localEmulatorOptions, SdkEcsServices } from '@dco/aws';
import {
  awsHostRuntime,
  BackupSigner,
  BackupStore,
  BoltGraphDatabase,
  boltGraphDatabaseFactory,
  connectionPointerStoreOf,
  ConnectionPointerStore,
  Ec2Neo4jFleet,
  EcsNeo4jConsumers,
  EcsNeo4jFleet,
  EcsTaskAddressRuntime,
  FileBackupStore,
  fleetTagsFromEnv,
  GraphDatabaseFactory,
  InMemoryBackupStore,
  InMemoryConnectionPointerStore,
  InMemoryGraphDatabase,
  InMemoryGraphServers,
  InMemoryNeo4jFleet,
  LocalNeo4jHostRuntime,
  Neo4jConsumers,
  Neo4jEndpoint,
  Neo4jFleet,
  pointerOnlyConsumers,
  probeBolt,
  InstanceOfflineGreenRestorer,
  SsmInstanceCommands,
  S3BackupStore,
  versionOfImage,
  LocalOfflineGreenRestorer,
  neo4jVersionOfAmi,
  Neo4jCredentials,
  neo4jCredentialsOf,
} from '@dco/neo4j';
import { freePort } from '@dco/probes';
import { loadConfig } from '@dco/platform';
import { backupSignerOf } from './backup-signing.config';
import { BlueGreenMigrator, BlueGreenOptions } from './blue-green-migrator';
import { BlueGreenEnvironmentConfig, Neo4jLoginEnvironmentConfig, RestoreMode } from './blue-green.config';
import { parseConsumerServices } from './consumer-services';

/** The migration's step timings (backup, offline import and its phases, validation). */
const migrationLogger = new Logger('BlueGreenMigrator');
export interface BlueGreenEnvironment {
  migrator: BlueGreenMigrator;
  fleet: Neo4jFleet;
  graphs: GraphDatabaseFactory;
  pointer: ConnectionPointerStore;
  backups: BackupStore;
  signer: BackupSigner;
  /** Only in the embedded profile: the in-memory servers (the demo seeds blue through it). */
  memory?: InMemoryGraphServers;
}

/** The blue-green environment for the variables in `env` (the operator CLI and specs); throws ConfigError naming bad ones. */
export async function blueGreenEnvironmentFromEnv(
  env: NodeJS.ProcessEnv,
  clock: Clock = systemClock,
): Promise<BlueGreenEnvironment> {
  return buildBlueGreenEnvironment(loadConfig(BlueGreenEnvironmentConfig, env), clock);
}

/**
 * The Neo4j login of the operator CLI for the variables in `env`: the configured one, or outside aws the state directory's
 * password file, as the local db-migrator and the stack use.
 */
export function neo4jCredentialsFromEnv(env: NodeJS.ProcessEnv): Neo4jCredentials | undefined {
  const config = loadConfig(Neo4jLoginEnvironmentConfig, env);
  // The CLI's db and offering commands always speak Bolt: outside aws they log in as the local stack's clients do.
  return neo4jCredentialsOf(config, config.DCO_PROFILE === 'aws' ? 'aws' : 'local', resolve(config.DCO_STATE_DIR));
}

/**
 * How green is filled: online by default; offline-import when asked for (ADR 0018). The local runtime imports next to
 * green's home; in AWS green's own instance imports (SSM Run Command), which needs the EC2 fleet (an ECS task has no
 * instance to run it) and the backups in S3 (the instance pulls the parts from there). Asking for it where it cannot
 * run is refused rather than silently done online.
 */
export function restoreModeOf(
  profile: string,
  configured: RestoreMode | undefined,
  where: { fleet?: string; backupBucket?: string; instanceProfile?: string } = {},
): RestoreMode {
  if (configured !== 'offline-import') return configured ?? 'online';
  const refuse = (why: string) =>
    new CodedError('CONFIG.INVALID', `DCO_NEO4J_RESTORE_MODE (got "offline-import"): ${why}; use online`);
  if (profile !== 'aws' && profile !== 'local') throw refuse(`the ${profile} profile has no offline import`);
  if ((where.fleet ?? 'ec2') !== 'ec2') throw refuse(`the ${where.fleet} fleet has no instance to import on`);
  if (profile === 'aws' && !where.backupBucket)
    throw refuse('the instance pulls the parts from S3, and DCO_BACKUP_BUCKET is not set');
  if (profile === 'aws' && !where.instanceProfile)
    throw refuse(
      "green's SSM agent and its S3 reads need the instance profile green is launched with, and DCO_NEO4J_INSTANCE_PROFILE is not set",
    );
  return configured;
}

export async function buildBlueGreenEnvironment(
  config: BlueGreenEnvironmentConfig,
  clock: Clock = systemClock,
  /** Embedded only: the process's shared pointer (the service's, which the dashboard reads); else a fresh one. */
  embeddedPointer?: ConnectionPointerStore,
): Promise<BlueGreenEnvironment> {
  const profile = config.DCO_PROFILE;
  const stateDir = resolve(config.DCO_STATE_DIR);
  const milliseconds = (value: string | undefined, fallback: number) =>
    value === undefined ? fallback : Number(value);
  const options: Omit<BlueGreenOptions, 'initialEndpoint'> = {
    // Blue must outlive the run (a failed DCO rolls the database back), so the default grace covers a run.
    retireGraceMs: milliseconds(config.DCO_NEO4J_RETIRE_GRACE_MS, profile === 'aws' ? 24 * 3_600_000 : 15 * 60_000),
    readyTimeoutMs: milliseconds(config.DCO_NEO4J_READY_TIMEOUT_MS, profile === 'aws' ? 900_000 : 120_000),
    freezeDrainMs: milliseconds(
      config.DCO_NEO4J_FREEZE_DRAIN_MS,
      profile === 'aws' ? 15_000 : profile === 'local' ? 1_500 : 0,
    ),
    onSourceChanged: config.DCO_NEO4J_ON_SOURCE_CHANGED,
    pageSize: config.DCO_NEO4J_PAGE_SIZE,
    batchSize: config.DCO_NEO4J_BATCH_SIZE,
    restoreMode: restoreModeOf(profile, config.DCO_NEO4J_RESTORE_MODE, {
      fleet: config.DCO_NEO4J_FLEET,
      backupBucket: config.DCO_BACKUP_BUCKET,
      instanceProfile: config.DCO_NEO4J_INSTANCE_PROFILE,
    }),
    readAhead: config.DCO_NEO4J_READ_AHEAD,
  };
  const signer = backupSignerOf(config, profile, stateDir);
  const credentials = neo4jCredentialsOf(config, profile, stateDir);

  if (profile === 'embedded') {
    const memory = new InMemoryGraphServers();
    const blueEndpoint: Neo4jEndpoint = {
      instanceId: 'i-embedded-blue',
      boltUri: 'memory://i-embedded-blue',
      version: config.DCO_NEO4J_VERSION,
    };
    // The process's embedded cloud holds the demo's AMIs (seeded by the detector); their tags name the Neo4j version.
    const cloud = embeddedCloud();
    await cloud.seeded;
    const catalogue = new Map<string, string>();
    for (const image of await cloud.ec2.findImages({ owners: ['self'], namePattern: 'neo4j-*' })) {
      const version = versionOfImage(image);
      if (version) catalogue.set(image.imageId, version);
    }
    const fleet = new InMemoryNeo4jFleet(
      memory,
      (imageId) =>
        catalogue.get(imageId) ?? versionOfImage({ name: imageId, tags: {} }) ?? config.DCO_NEO4J_TARGET_VERSION,
    );
    const blue = new InMemoryGraphDatabase(blueEndpoint.boltUri, blueEndpoint.version);
    seedDemoGraph(blue, config.DCO_DEMO_ACCOUNTS);
    fleet.adopt({ ...blueEndpoint, imageId: 'ami-embedded-blue', color: 'blue' }, blue);
    const pointer = embeddedPointer ?? new InMemoryConnectionPointerStore();
    const backups = new InMemoryBackupStore();
    const migrator = new BlueGreenMigrator(
      { fleet, graphs: memory, pointer, consumers: pointerOnlyConsumers, backups, signer, clock },
      { ...options, initialEndpoint: blueEndpoint },
    );
    return { migrator, fleet, graphs: memory, pointer, backups, signer, memory };
  }

  const aws = profile === 'aws' ? awsClientOptions(config) : localEmulatorOptions(config);
  const ec2 = new EC2Client(aws);
  // dco:env and DCO_NEO4J_FLEET_TAGS separate environments (or test runs) sharing one account or emulator.
  const fleetTags = fleetTagsFromEnv(config);
  const fleet = neo4jFleetOf(config, ec2, new ECSClient(aws), fleetTags, options.readyTimeoutMs, credentials);
  const graphs = boltGraphDatabaseFactory(credentials);
  const pointer = connectionPointerStoreOf(config, { stateDir, ssm: () => new SSMClient(aws) });
  const backups: BackupStore = config.DCO_BACKUP_BUCKET
    ? new S3BackupStore(new S3Client({ ...aws, forcePathStyle: true }), config.DCO_BACKUP_BUCKET)
    : new FileBackupStore(config.DCO_BACKUP_DIR ?? join(stateDir, 'backups'));
  const services = parseConsumerServices(config.DCO_NEO4J_CONSUMER_SERVICES);
  const consumers: Neo4jConsumers = services.length
    ? new EcsNeo4jConsumers(new SdkEcsServices(new ECSClient(aws)), services)
    : pointerOnlyConsumers;
  const blueUri = config.NEO4J_URI;
  const initialEndpoint = async (): Promise<Neo4jEndpoint> => {
    const db = new BoltGraphDatabase(blueUri, credentials);
    try {
      return { instanceId: config.DCO_NEO4J_INSTANCE_ID, boltUri: blueUri, version: await db.serverVersion() };
    } catch {
      return { instanceId: config.DCO_NEO4J_INSTANCE_ID, boltUri: blueUri, version: 'unknown' };
    } finally {
      await db.close();
    }
  };
  const existing = await pointer.read();
  const migrator = new BlueGreenMigrator(
    {
      fleet,
      graphs,
      pointer,
      consumers,
      backups,
      signer,
      clock,
      credentials,
      log: (message) => migrationLogger.log(message),
      // The local runtime imports next to green's home; in AWS, green's instance does (ADR 0018).
      ...(profile === 'local'
        ? {
            offlineRestorer: new LocalOfflineGreenRestorer({
              homeRoot: join(stateDir, 'fleet'),
              password: localPassword(credentials),
              heapMb: config.DCO_NEO4J_HEAP_MB,
              pageCacheMb: config.DCO_NEO4J_PAGECACHE_MB,
              quickStart: config.DCO_NEO4J_QUICK_START,
              readyTimeoutMs: options.readyTimeoutMs,
            }),
          }
        : options.restoreMode === 'offline-import' && credentials
          ? {
              offlineRestorer: new InstanceOfflineGreenRestorer({
                commands: new SsmInstanceCommands(new SSMClient(aws)),
                credentials,
                probe: (boltUri, version) => probeBolt(boltUri, version, credentials),
                readyTimeoutMs: options.readyTimeoutMs,
              }),
            }
          : {}),
    },
    { ...options, initialEndpoint: existing?.current ?? (await initialEndpoint()) },
  );
  return { migrator, fleet, graphs, pointer, backups, signer };
}

/**
 * The fleet green is provisioned in (DCO_NEO4J_FLEET, ADR 0031): EC2 instances of the AMI or ECS services of the container of
 * its version; in AWS the platform starts Neo4j, locally the same process runtime does for either, recorded in the emulator.
 */
export function neo4jFleetOf(
  config: BlueGreenEnvironmentConfig,
  ec2: EC2Client,
  ecs: ECSClient,
  fleetTags: Record<string, string>,
  readyTimeoutMs: number,
  credentials: Neo4jCredentials | undefined,
): Neo4jFleet {
  const local = new LocalNeo4jHostRuntime({
    homeRoot: join(resolve(config.DCO_STATE_DIR), 'fleet'),
    password: localPassword(credentials),
    allocatePort: freePort,
    heapMb: config.DCO_NEO4J_HEAP_MB,
    pageCacheMb: config.DCO_NEO4J_PAGECACHE_MB,
    quickStart: config.DCO_NEO4J_QUICK_START,
  });
  const aws = config.DCO_PROFILE === 'aws';
  const subnetIds = config.DCO_NEO4J_SUBNET_ID ? [config.DCO_NEO4J_SUBNET_ID] : undefined;
  const securityGroupIds = config.DCO_NEO4J_SECURITY_GROUP_IDS?.split(',');
  if (config.DCO_NEO4J_FLEET === 'ec2')
    return new Ec2Neo4jFleet(ec2, aws ? awsHostRuntime : local, {
      instanceType: aws ? config.DCO_NEO4J_INSTANCE_TYPE : 'r6i.large',
      ...(aws
        ? { subnetId: config.DCO_NEO4J_SUBNET_ID, securityGroupIds, instanceProfile: config.DCO_NEO4J_INSTANCE_PROFILE }
        : {}),
      fleetTags,
      probe: (boltUri, version) => probeBolt(boltUri, version, credentials),
    });
  const missing = [
    ...(config.DCO_NEO4J_EFS_FILE_SYSTEM_ID ? [] : ["DCO_NEO4J_EFS_FILE_SYSTEM_ID (the store's EFS file system)"]),
    ...(aws && !subnetIds ? ["DCO_NEO4J_SUBNET_ID (the tasks' awsvpc subnet)"] : []),
    ...(aws && !config.DCO_NEO4J_AUTH_SECRET_ARN
      ? ["DCO_NEO4J_AUTH_SECRET_ARN (the secret the tasks' NEO4J_AUTH comes from)"]
      : []),
  ];
  if (missing.length > 0)
    throw new CodedError('CONFIG.INVALID', `DCO_NEO4J_FLEET=ecs needs ${missing.join(' and ')}; set it or use ec2`);
  const cluster = config.DCO_NEO4J_ECS_CLUSTER;
  return new EcsNeo4jFleet(ecs, aws ? new EcsTaskAddressRuntime(ecs, cluster, { timeoutMs: readyTimeoutMs }) : local, {
    cluster,
    containerRepository: config.DCO_NEO4J_CONTAINER_IMAGE,
    fileSystemId: config.DCO_NEO4J_EFS_FILE_SYSTEM_ID as string,
    ...(aws ? { subnetIds, securityGroupIds } : {}),
    cpuUnits: config.DCO_NEO4J_TASK_CPU,
    memoryMiB: config.DCO_NEO4J_TASK_MEMORY_MIB,
    heapMb: config.DCO_NEO4J_HEAP_MB,
    pageCacheMb: config.DCO_NEO4J_PAGECACHE_MB,
    executionRoleArn: config.DCO_NEO4J_EXECUTION_ROLE_ARN,
    authSecretArn: config.DCO_NEO4J_AUTH_SECRET_ARN,
    fleetTags,
    versionOf: (imageId) => neo4jVersionOfAmi(ec2, imageId),
    probe: (boltUri, version) => probeBolt(boltUri, version, credentials),
  });
}

/**
 * The password the local runtime gives the servers it starts: the migrator's own, so that it logs in to green as to blue.
 * Only the local and aws profiles build a fleet, and both have credentials (neo4jCredentialsOf).
 */
function localPassword(credentials: Neo4jCredentials | undefined): string {
  if (!credentials)
    throw new CodedError('CONFIG.INVALID', 'NEO4J_PASSWORD (not set): the local fleet needs a password');
  return credentials.password;
}

/** The embedded demo's blue graph: accounts, each with a contribution and a referral to the next, so a migration copies real data. */
function seedDemoGraph(graph: InMemoryGraphDatabase, accounts: number): void {
  let previous: string | undefined;
  for (let index = 0; index < accounts; index += 1) {
    const accountId = `acct-${String(index).padStart(6, '0')}`;
    const account = graph.createNode(['Account'], [['accountId', ['s', accountId]]]);
    const contribution = graph.createNode(
      ['Contribution'],
      [
        ['contributionId', ['s', `seed-${accountId}`]],
        ['amount', ['s', String(1_000 + ((index * 7_919) % 100_000))]],
      ],
    );
    graph.createRelationship('BY', contribution, account, []);
    if (previous)
      graph.createRelationship('REFERRED', previous, account, [['since', ['i', String(2020 + (index % 6))]]]);
    previous = account;
  }
}
