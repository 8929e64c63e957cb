// Builds the blue-green migrator for a profile from environment variables: shared by the db-migrator service and the dco CLI.
import { join, resolve } from 'node:path';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import { Clock, CodedError, systemClock } from '@dco/contracts';
import { awsClientOptions, embeddedCloud, localEmulatorOptions, SdkEcsServices } from '@dco/aws';
import {
  awsHostRuntime,
  BackupStore,
  BoltGraphDatabase,
  boltGraphDatabaseFactory,
  ConnectionPointerStore,
  DEFAULT_BATCH_SIZE,
  DEFAULT_PAGE_SIZE,
  Ec2Neo4jFleet,
  EcsNeo4jConsumers,
  FileBackupStore,
  FileConnectionPointerStore,
  fleetTagsFromEnv,
  freePort,
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
  S3BackupStore,
  SsmConnectionPointerStore,
  versionOfImage,
} from '@dco/neo4j';
import { BlueGreenMigrator, BlueGreenOptions } from './blue-green-migrator';

export const DEFAULT_BLUE_URI = 'bolt://127.0.0.1:17687';

export interface BlueGreenEnvironment {
  migrator: BlueGreenMigrator;
  fleet: Neo4jFleet;
  graphs: GraphDatabaseFactory;
  pointer: ConnectionPointerStore;
  backups: BackupStore;
  /** Only in the embedded profile: the in-memory servers (the demo seeds blue through it). */
  memory?: InMemoryGraphServers;
}

const number = (env: NodeJS.ProcessEnv, name: string, fallback: number): number => {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  if (!/^\d+$/.test(value)) throw new CodedError('INTERNAL.UNEXPECTED', `${name} must be a non-negative integer number of milliseconds, got "${value}"`);
  return Number(value);
};

const flag = (env: NodeJS.ProcessEnv, name: string): boolean => {
  const value = env[name];
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  throw new CodedError('CONFIG.INVALID', `${name} must be true or false, got "${value}"`);
};

/** "cluster/service,cluster/service" -> consumer services. */
export function parseConsumerServices(text: string | undefined): Array<{ cluster: string; serviceName: string }> {
  return (text ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const [cluster, serviceName] = entry.split('/');
      if (!cluster || !serviceName) throw new CodedError('INTERNAL.UNEXPECTED', `DCO_NEO4J_CONSUMER_SERVICES entries must be cluster/service, got "${entry}"`);
      return { cluster, serviceName };
    });
}

/**
 * Variables: DCO_PROFILE (embedded | local | aws), NEO4J_URI (blue before the first migration), DCO_NEO4J_INSTANCE_ID,
 * DCO_NEO4J_POINTER_FILE | DCO_NEO4J_POINTER_PARAMETER, DCO_BACKUP_DIR | DCO_BACKUP_BUCKET, DCO_NEO4J_CONSUMER_SERVICES,
 * DCO_NEO4J_RETIRE_GRACE_MS, DCO_NEO4J_FREEZE_DRAIN_MS, DCO_NEO4J_READY_TIMEOUT_MS, DCO_NEO4J_ON_SOURCE_CHANGED,
 * DCO_NEO4J_HEAP_MB, DCO_NEO4J_PAGECACHE_MB, DCO_NEO4J_QUICK_START (local servers: true = C1 JIT, for short-lived test servers), DCO_ENV (fleet tag dco:env) and
 * DCO_NEO4J_FLEET_TAGS (more fleet tags, key=value,...: on every instance launched, and what selects the fleet), DCO_AWS_ENDPOINT (the emulator), DCO_STATE_DIR (default .stack).
 */
export async function buildBlueGreenEnvironment(env: NodeJS.ProcessEnv = process.env, clock: Clock = systemClock): Promise<BlueGreenEnvironment> {
  const profile = env.DCO_PROFILE ?? 'embedded';
  const stateDir = resolve(env.DCO_STATE_DIR ?? '.stack');
  const onSourceChanged = env.DCO_NEO4J_ON_SOURCE_CHANGED === 'abort' ? 'abort' : 'recopy-frozen';
  const options: Omit<BlueGreenOptions, 'initialEndpoint'> = {
    // Blue must outlive the run (a failed DCO rolls the database back), so the default grace covers a run.
    retireGraceMs: number(env, 'DCO_NEO4J_RETIRE_GRACE_MS', profile === 'aws' ? 24 * 3_600_000 : 15 * 60_000),
    readyTimeoutMs: number(env, 'DCO_NEO4J_READY_TIMEOUT_MS', profile === 'aws' ? 900_000 : 120_000),
    freezeDrainMs: number(env, 'DCO_NEO4J_FREEZE_DRAIN_MS', profile === 'aws' ? 15_000 : profile === 'local' ? 1_500 : 0),
    onSourceChanged,
    pageSize: number(env, 'DCO_NEO4J_PAGE_SIZE', DEFAULT_PAGE_SIZE),
    batchSize: number(env, 'DCO_NEO4J_BATCH_SIZE', DEFAULT_BATCH_SIZE),
  };

  if (profile === 'embedded') {
    const memory = new InMemoryGraphServers();
    const blueEndpoint: Neo4jEndpoint = { instanceId: 'i-embedded-blue', boltUri: 'memory://i-embedded-blue', version: env.DCO_NEO4J_VERSION ?? '5.20.0' };
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
      (imageId) => catalogue.get(imageId) ?? versionOfImage({ name: imageId, tags: {} }) ?? env.DCO_NEO4J_TARGET_VERSION,
    );
    const blue = new InMemoryGraphDatabase(blueEndpoint.boltUri, blueEndpoint.version);
    seedDemoGraph(blue, number(env, 'DCO_DEMO_ACCOUNTS', 0));
    fleet.adopt({ ...blueEndpoint, imageId: 'ami-embedded-blue', color: 'blue' }, blue);
    const pointer = new InMemoryConnectionPointerStore();
    const backups = new InMemoryBackupStore();
    const migrator = new BlueGreenMigrator({ fleet, graphs: memory, pointer, consumers: pointerOnlyConsumers, backups, clock }, { ...options, initialEndpoint: blueEndpoint });
    return { migrator, fleet, graphs: memory, pointer, backups, memory };
  }

  const aws = profile === 'aws' ? awsClientOptions(env) : localEmulatorOptions(env);
  const ec2 = new EC2Client(aws);
  // dco:env and DCO_NEO4J_FLEET_TAGS separate environments (or test runs) sharing one account or emulator.
  const fleetTags = fleetTagsFromEnv(env);
  const fleet =
    profile === 'aws'
      ? new Ec2Neo4jFleet(ec2, awsHostRuntime, {
          instanceType: env.DCO_NEO4J_INSTANCE_TYPE,
          subnetId: env.DCO_NEO4J_SUBNET_ID,
          securityGroupIds: env.DCO_NEO4J_SECURITY_GROUP_IDS?.split(','),
          fleetTags,
          probe: probeBolt,
        })
      : new Ec2Neo4jFleet(
          ec2,
          new LocalNeo4jHostRuntime({ homeRoot: join(stateDir, 'fleet'), allocatePort: freePort, heapMb: number(env, 'DCO_NEO4J_HEAP_MB', 768), pageCacheMb: number(env, 'DCO_NEO4J_PAGECACHE_MB', 512), quickStart: flag(env, 'DCO_NEO4J_QUICK_START') }),
          { instanceType: 'r6i.large', fleetTags, probe: probeBolt },
        );
  const pointer: ConnectionPointerStore = env.DCO_NEO4J_POINTER_PARAMETER
    ? new SsmConnectionPointerStore(new SSMClient(aws), env.DCO_NEO4J_POINTER_PARAMETER)
    : new FileConnectionPointerStore(env.DCO_NEO4J_POINTER_FILE ?? join(stateDir, 'neo4j-pointer.json'));
  const backups: BackupStore = env.DCO_BACKUP_BUCKET
    ? new S3BackupStore(new S3Client({ ...aws, forcePathStyle: true }), env.DCO_BACKUP_BUCKET)
    : new FileBackupStore(env.DCO_BACKUP_DIR ?? join(stateDir, 'backups'));
  const services = parseConsumerServices(env.DCO_NEO4J_CONSUMER_SERVICES);
  const consumers: Neo4jConsumers = services.length ? new EcsNeo4jConsumers(new SdkEcsServices(new ECSClient(aws)), services) : pointerOnlyConsumers;
  const blueUri = env.NEO4J_URI ?? DEFAULT_BLUE_URI;
  const initialEndpoint = async (): Promise<Neo4jEndpoint> => {
    const db = new BoltGraphDatabase(blueUri);
    try {
      return { instanceId: env.DCO_NEO4J_INSTANCE_ID ?? 'local-blue', boltUri: blueUri, version: await db.serverVersion() };
    } catch {
      return { instanceId: env.DCO_NEO4J_INSTANCE_ID ?? 'local-blue', boltUri: blueUri, version: 'unknown' };
    } finally {
      await db.close();
    }
  };
  const existing = await pointer.read();
  const migrator = new BlueGreenMigrator(
    { fleet, graphs: boltGraphDatabaseFactory, pointer, consumers, backups, clock },
    { ...options, initialEndpoint: existing?.current ?? (await initialEndpoint()) },
  );
  return { migrator, fleet, graphs: boltGraphDatabaseFactory, pointer, backups };
}

/** The embedded demo's blue graph: accounts, each with a contribution and a referral to the next, so a migration copies real data. */
function seedDemoGraph(graph: InMemoryGraphDatabase, accounts: number): void {
  let previous: string | undefined;
  for (let index = 0; index < accounts; index += 1) {
    const accountId = `acct-${String(index).padStart(6, '0')}`;
    const account = graph.createNode(['Account'], [['accountId', ['s', accountId]]]);
    const contribution = graph.createNode(['Contribution'], [
      ['contributionId', ['s', `seed-${accountId}`]],
      ['amount', ['s', String(1_000 + ((index * 7_919) % 100_000))]],
    ]);
    graph.createRelationship('BY', contribution, account, []);
    if (previous) graph.createRelationship('REFERRED', previous, account, [['since', ['i', String(2020 + (index % 6))]]]);
    previous = account;
  }
}
