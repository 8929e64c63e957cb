// Prepares the local stack for one scenario with the project's own libraries: AMIs in the EC2 emulator, a blue Neo4j
// from the fleet seeded with the day's accounts and contributions, a private copy of infra/ applied once as the last
// good configuration, a release manifest, the service health double; then the scenario's changes. Everything made
// here is recorded so that teardown removes it again, also after a failure half-way.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CreateTagsCommand,
  DescribeInstancesCommand,
  DescribeRegionsCommand,
  EC2Client,
  RegisterImageCommand,
} from '@aws-sdk/client-ec2';
import { DEFAULT_ROLLOUT_POLICY, EcsServices, SdkEcsServices, localEmulatorOptions } from '@dco/aws';
import { systemClock } from '@dco/contracts';
import {
  DCO_SCHEMA_MIGRATIONS,
  Neo4jDcoLedger,
  applySchemaMigrations,
  createNeo4jDriver,
  generateDemoAccounts,
  generateDemoContributions,
} from '@dco/dco';
import { ECSClient } from '@aws-sdk/client-ecs';
import {
  BoltGraphDatabase,
  Ec2Neo4jFleet,
  EcsNeo4jFleet,
  LocalNeo4jHostRuntime,
  generateBulkGraph,
  neo4jVersionOfAmi,
  probeBolt,
  Neo4jCredentials,
} from '@dco/neo4j';
import { TerraformWorkspace, remoteStateOf, snapshotConfig } from '@dco/terraform';
import { buildInfraUseCases } from '../../apps/infra-deployer/src';
import { stackPaths } from '@dco/stack';
import { canConnect, freePort } from '@dco/probes';
import { DayError } from './day-error';
import {
  DAY_EFS_FILE_SYSTEM_ID,
  DayWorkspace,
  dayNeo4jLogin,
  PreparedInfo,
  REPO_ROOT,
  StackEndpoints,
  dayRemoteState,
  localEndpoints,
  stagingNames,
} from './day-workspace';
import { GraphSnapshot, snapshotGraph } from './graph-snapshot';
import { BASE_IMAGE, BROKEN_IMAGE, NEW_NEO4J_VERSION, OLD_NEO4J_VERSION } from './scenario-catalogue';
import { ServiceHealthDouble, startServiceHealthDouble } from './service-health.double';
import { VerdaccioSeeder } from '@dco/testing';

/**
 * Fails with DAY.STACK_NOT_READY (exit 5) naming what is down, before anything is created. The checks are the
 * cheapest real call each component answers (a busy emulator is slow to dump its whole state, not to answer EC2).
 */
export async function requireStack(endpoints: StackEndpoints = localEndpoints()): Promise<void> {
  const kafka = endpoints.kafkaBrokers.split(',')[0] ?? '';
  const [kafkaHost, kafkaPort] = kafka.split(':');
  const ec2 = new EC2Client({ ...localEmulatorOptions({ DCO_AWS_ENDPOINT: endpoints.awsEndpoint }), maxAttempts: 1 });
  const checks: Array<[string, string, () => Promise<boolean>]> = [
    ['kafka', kafka, () => canConnect(kafkaHost, Number(kafkaPort), 3_000)],
    [
      'moto',
      endpoints.awsEndpoint,
      async () =>
        (await ec2.send(new DescribeRegionsCommand({}), { abortSignal: AbortSignal.timeout(10_000) })).Regions !==
        undefined,
    ],
    [
      'jaeger',
      endpoints.jaegerQueryUrl,
      async () => (await fetch(`${endpoints.jaegerQueryUrl}/api/services`, { signal: AbortSignal.timeout(5_000) })).ok,
    ],
    ['tofu', stackPaths().tofu, async () => existsSync(stackPaths().tofu)],
    ...(endpoints.npmRegistryUrl
      ? [
          [
            'verdaccio',
            endpoints.npmRegistryUrl,
            async () => (await fetch(`${endpoints.npmRegistryUrl}/-/ping`, { signal: AbortSignal.timeout(5_000) })).ok,
          ] as [string, string, () => Promise<boolean>],
        ]
      : []),
  ];
  try {
    const results = await Promise.all(
      checks.map(async ([name, address, check]) =>
        (await check().catch(() => false)) ? undefined : `${name} (${address})`,
      ),
    );
    const down = results.filter((entry): entry is string => entry !== undefined);
    if (down.length > 0) {
      throw new DayError(
        'DAY.STACK_NOT_READY',
        `the local stack is not up: ${down.join(', ')} did not answer; start it with npm run stack:up and check it with npm run stack:status`,
      );
    }
  } finally {
    ec2.destroy();
  }
}

export interface PreparedScenario extends PreparedInfo {
  blueVersion: string;
  amis: { old: string; new?: string };
  /** Blue's graph before the run: counts per label and type and the identity-free checksum. */
  blueBefore: GraphSnapshot;
  /** What ECS and Terraform looked like before the run. */
  ecsBefore: { taskDefinition: string; revision: number };
  terraformBefore: string[];
  workspace: TerraformWorkspace;
  ecs: EcsServices;
  /** The scenario's ECS Neo4j fleet, where green runs on it (the db-migrator's own is configured alike). */
  neo4jEcs?: EcsNeo4jFleet;
  health: ServiceHealthDouble;
  teardown(options?: { keepFiles?: boolean }): Promise<void>;
}

export async function prepareScenario(ws: DayWorkspace, log: (line: string) => void): Promise<PreparedScenario> {
  const aws = localEmulatorOptions({ DCO_AWS_ENDPOINT: ws.endpoints.awsEndpoint });
  const ec2 = new EC2Client(aws);
  const ecs = SdkEcsServices.fromOptions(aws);
  const login = dayNeo4jLogin(ws);
  const probe = (boltUri: string, version: string) => probeBolt(boltUri, version, login);
  const runtime = new LocalNeo4jHostRuntime({
    homeRoot: join(ws.stateDir, 'fleet'),
    password: login.password,
    allocatePort: freePort,
    ...ws.neo4jServer,
  });
  const fleetTags = { 'dco:env': ws.envTag };
  const fleet = new Ec2Neo4jFleet(ec2, runtime, { instanceType: 'r6i.large', probe, fleetTags });
  const ecsClient = new ECSClient(aws);
  const neo4jEcs =
    ws.scenario.neo4jFleet === 'ecs'
      ? new EcsNeo4jFleet(ecsClient, runtime, {
          cluster: ws.neo4jCluster,
          containerRepository: 'neo4j',
          fileSystemId: DAY_EFS_FILE_SYSTEM_ID,
          fleetTags,
          versionOf: (imageId) => neo4jVersionOfAmi(ec2, imageId),
          probe,
        })
      : undefined;
  let health: ServiceHealthDouble | undefined;
  let stagingHealth: ServiceHealthDouble | undefined;
  const teardown = async (options: { keepFiles?: boolean } = {}) => {
    await health?.close();
    await stagingHealth?.close();
    await terminateFleetOf(ws, ec2, fleet);
    // The scenario's cluster holds only its own members.
    for (const member of (await neo4jEcs?.describe()) ?? []) await neo4jEcs?.terminate(member.instanceId);
    ec2.destroy();
    ecsClient.destroy();
    if (!options.keepFiles) await rm(ws.dir, { recursive: true, force: true });
  };
  try {
    const scenario = ws.scenario;
    await mkdir(ws.logsDir, { recursive: true });

    log(`registering Neo4j ${OLD_NEO4J_VERSION} AMI ${ws.amiPrefix}-${OLD_NEO4J_VERSION} in the EC2 emulator`);
    const oldAmi = await registerAmi(ec2, `${ws.amiPrefix}-${OLD_NEO4J_VERSION}`, OLD_NEO4J_VERSION);

    // Blue (a JVM start and the seed) and the baseline apply (tofu with provisioners) are independent: side by side.
    const blueReady = (async () => {
      log(
        `starting blue: Neo4j ${OLD_NEO4J_VERSION} from the fleet (an EC2 emulator instance with a local server process)`,
      );
      const instance = await fleet.provision(oldAmi, { clientToken: `${ws.envTag}-blue`, readyTimeoutMs: 240_000 });
      await fleet.setColor(instance.instanceId, 'blue');
      log(
        `seeding blue with ${scenario.graph.accounts} accounts and ${scenario.graph.contributions} contributions for ${ws.day}`,
      );
      await seedGraph(instance.boltUri, login, ws.day, scenario.graph);
      if (ws.bulkGraph && ws.bulkGraph.nodes > 0) {
        const bulk = ws.bulkGraph;
        log(
          `adding a generated graph of ${bulk.nodes} nodes and ${bulk.nodes * bulk.relsPerNode} relationships to blue`,
        );
        const driver = createNeo4jDriver({ uri: instance.boltUri, ...login });
        await generateBulkGraph(driver, { ...bulk, label: 'Holder' }).finally(() => driver.close());
      }
      return { instance, before: await snapshotGraph(instance.boltUri, login) };
    })();
    const infraReady = (async () => {
      log('applying the baseline Terraform configuration (the last good one)');
      await snapshotConfig(join(REPO_ROOT, 'infra'), ws.configDir);
      const vars = await baselineVars(ws, oldAmi);
      await writeJson(join(ws.configDir, 'terraform.tfvars.json'), vars);
      if (scenario.promotion) {
        // Staging is production's definition under the scenario's staging names, part of the last good configuration
        // (so it is no change of the day); the infra-deployer applies the day's change set to it first (ADR 0032).
        const names = stagingNames(ws);
        log(`defining staging: cluster ${names.cluster}, state ${names.infraPrefix}`);
        await writeJson(join(ws.configDir, 'environments', 'staging.tfvars.json'), {
          ...vars,
          environment: names.environment,
          cluster_name: names.cluster,
          event_bus_name: names.eventBus,
        });
      }
      // The same S3 state and records the scenario's infra-deployer and detector replicas use (ADR 0016).
      const remote = remoteStateOf({ ...dayRemoteState(ws), DCO_AWS_ENDPOINT: ws.endpoints.awsEndpoint });
      await remote.prepare();
      const built = buildInfraUseCases(
        {
          repoRoot: REPO_ROOT,
          configDir: ws.configDir,
          stateDir: ws.infraStateDir,
          engine: 'tofu',
          rollout: { ...DEFAULT_ROLLOUT_POLICY, cluster: ws.cluster },
          env: { DCO_AWS_ENDPOINT: ws.endpoints.awsEndpoint },
          remote,
        },
        { clock: systemClock, ecs },
        { ...process.env, DCO_AWS_ENDPOINT: ws.endpoints.awsEndpoint },
      );
      const baseline = await built.workspace.prepare(`baseline-${ws.id}`);
      await built.workspace.apply(baseline.planId);
      return { workspace: built.workspace, vars };
    })();
    const [blueResult, infraResult] = await Promise.allSettled([blueReady, infraReady]);
    if (blueResult.status === 'rejected') throw blueResult.reason;
    if (infraResult.status === 'rejected') throw infraResult.reason;
    const { instance: blue, before: blueBefore } = blueResult.value;
    const { workspace, vars: baseVars } = infraResult.value;
    const npm = scenario.changes.advisory ? await publishedDependency(ws, scenario.changes.advisory) : undefined;
    await writeJson(ws.releaseManifest, { services: { 'dco-runner': { image: BASE_IMAGE, ...npm?.release } } });
    const service = await ecs.describeService(ws.cluster, 'dco-runner');
    const definition = service ? await ecs.describeTaskDefinition(service.taskDefinition) : undefined;
    if (!service || !definition)
      throw new DayError('DAY.PREPARATION_FAILED', `the baseline apply left no dco-runner service on ${ws.cluster}`);
    const terraformBefore = await workspace.resources();

    health = await startServiceHealthDouble(ecs, ws.cluster, [BROKEN_IMAGE]);
    if (scenario.promotion) {
      stagingHealth = await startServiceHealthDouble(ecs, stagingNames(ws).cluster, [BROKEN_IMAGE]);
    }

    if (scenario.changes.scaleByHand !== undefined) {
      log(`scaling dco-runner to ${scenario.changes.scaleByHand} by hand, outside Terraform (drift)`);
      await ecs.updateService({
        cluster: ws.cluster,
        serviceName: 'dco-runner',
        desiredCount: scenario.changes.scaleByHand,
      });
    }

    // The scenario's changes, published the way they would arrive in real life.
    let newAmi: string | undefined;
    if (scenario.changes.neo4jAmi) {
      log(`publishing a newer Neo4j AMI: ${ws.amiPrefix}-${NEW_NEO4J_VERSION}`);
      newAmi = await registerAmi(ec2, `${ws.amiPrefix}-${NEW_NEO4J_VERSION}`, NEW_NEO4J_VERSION);
    }
    if (scenario.changes.terraform === 'add-service') {
      log('editing the Terraform variables: a new service dco-reporter');
      baseVars.apps['dco-reporter'] = {
        image: 'dco-autopilot/dco-reporter:0.1.0',
        desired_count: 1,
        cpu: 256,
        memory: 512,
      };
      await writeJson(join(ws.configDir, 'terraform.tfvars.json'), baseVars);
    }
    if (scenario.changes.terraform === 'broken-provisioner') {
      log('adding a broken resource to the Terraform configuration (its provisioner exits 3 on apply)');
      await writeFile(join(ws.configDir, 'broken.tf'), BROKEN_TERRAFORM);
    }
    if (npm) {
      log(`publishing ${ws.npm.package} 1.0.1 and a security advisory on 1.0.0 (which dco-runner runs) to ${npm.url}`);
      await npm.publishAdvisory();
    }
    if (scenario.changes.release) {
      log(`publishing a release manifest: dco-runner -> ${scenario.changes.release}`);
      await writeJson(ws.releaseManifest, { services: { 'dco-runner': { image: scenario.changes.release } } });
    }
    return {
      blue: { instanceId: blue.instanceId, boltUri: blue.boltUri },
      blueVersion: blue.version,
      healthUrl: health.url,
      ...(stagingHealth ? { stagingHealthUrl: stagingHealth.url } : {}),
      amis: { old: oldAmi, ...(newAmi ? { new: newAmi } : {}) },
      blueBefore,
      ecsBefore: { taskDefinition: definition.arn, revision: definition.revision },
      terraformBefore,
      ...(neo4jEcs ? { neo4jEcs } : {}),
      workspace,
      ecs,
      health,
      teardown,
    };
  } catch (error) {
    // Nothing half-prepared stays behind.
    await teardown().catch((cleanup: Error) =>
      log(`cleanup after the failed preparation also failed: ${cleanup.message}`),
    );
    if (error instanceof DayError) throw error;
    throw new DayError('DAY.PREPARATION_FAILED', `preparing ${ws.scenario.name} failed: ${(error as Error).message}`);
  }
}

/**
 * The npm side of an `advisory` scenario (ADR 0029): the package dco-runner's lockfile pins at 1.0.0, published on the
 * stack's Verdaccio, and the build of its fix; publishAdvisory() is the day's change (1.0.1 and an advisory on < 1.0.1).
 */
async function publishedDependency(ws: DayWorkspace, fixedImage: string) {
  const url = ws.endpoints.npmRegistryUrl;
  if (!url) throw new DayError('DAY.PREPARATION_FAILED', 'the advisory scenario needs the stack npm registry URL');
  const seeder = new VerdaccioSeeder(url, ws.npm.advisoryFeed);
  const name = ws.npm.package;
  await seeder.publish(name, '1.0.0');
  const lockfile = 'dco-runner.package-lock.json';
  await writeJson(join(ws.dir, lockfile), {
    name: 'dco-runner',
    lockfileVersion: 3,
    packages: {
      '': { name: 'dco-runner', dependencies: { [name]: '^1.0.0' } },
      [`node_modules/${name}`]: { version: '1.0.0' },
    },
  });
  return {
    url,
    release: { lockfile, builds: { [`${name}@1.0.1`]: fixedImage } },
    publishAdvisory: async () => {
      await seeder.publish(name, '1.0.1');
      await seeder.advise(name, {
        id: `GHSA-day-${ws.id}`,
        title: 'prototype pollution in the day library',
        severity: 'high',
        vulnerableVersions: '<1.0.1',
      });
    },
  };
}

const BROKEN_TERRAFORM = `# Added by the tofu-broken day scenario: plans fine, fails on apply, as a bad provisioner does.
resource "terraform_data" "broken_migration_hook" {
  input = "broken"

  provisioner "local-exec" {
    command = "echo 'migration hook: missing credentials' >&2; exit 3"
  }
}
`;

interface TfVars {
  apps: Record<string, { image: string; desired_count: number; cpu: number; memory: number }>;
  [key: string]: unknown;
}

async function baselineVars(ws: DayWorkspace, ami: string): Promise<TfVars> {
  const vars = JSON.parse(await readFile(join(ws.configDir, 'terraform.tfvars.json'), 'utf8')) as TfVars;
  return {
    ...vars,
    environment: ws.envTag,
    cluster_name: ws.cluster,
    event_bus_name: ws.eventBus,
    // One service keeps each apply to a few provisioner calls; dco-runner is the one releases move.
    apps: { 'dco-runner': { image: BASE_IMAGE, desired_count: 2, cpu: 512, memory: 1024 } },
    neo4j_ami: ami,
    // The services find the serving server through the connection pointer; this is its stable name (DNS in AWS).
    neo4j_uri: `bolt://neo4j.${ws.envTag}.internal:7687`,
  };
}

async function registerAmi(ec2: EC2Client, name: string, version: string): Promise<string> {
  const { ImageId } = await ec2.send(
    new RegisterImageCommand({
      Name: name,
      Description: `Neo4j ${version} (day scenario)`,
      Architecture: 'x86_64',
      RootDeviceName: '/dev/xvda',
      VirtualizationType: 'hvm',
    }),
  );
  if (!ImageId) throw new DayError('DAY.PREPARATION_FAILED', `RegisterImage ${name} returned no image id`);
  await ec2.send(new CreateTagsCommand({ Resources: [ImageId], Tags: [{ Key: 'dco:neo4j-version', Value: version }] }));
  return ImageId;
}

export async function seedGraph(
  boltUri: string,
  credentials: Neo4jCredentials,
  day: string,
  graph: { accounts: number; contributions: number },
): Promise<void> {
  const driver = createNeo4jDriver({ uri: boltUri, ...credentials });
  try {
    await applySchemaMigrations(driver, DCO_SCHEMA_MIGRATIONS, { clock: systemClock });
    const ledger = new Neo4jDcoLedger(driver);
    const options = {
      day,
      accounts: graph.accounts,
      contributions: graph.contributions,
      seed: Number(day.replaceAll('-', '')),
      accountPrefix: 'acct-',
      capEvery: 10,
      cap: 10n ** 20n,
    };
    await ledger.upsertAccounts(generateDemoAccounts(options));
    await ledger.addContributions(day, generateDemoContributions(options));
  } finally {
    await driver.close();
  }
}

/** Terminates every Neo4j instance whose server lives under this scenario's directory (blue and any green). */
async function terminateFleetOf(ws: DayWorkspace, ec2: EC2Client, fleet: Ec2Neo4jFleet): Promise<void> {
  const result = await ec2.send(
    new DescribeInstancesCommand({
      Filters: [
        { Name: 'tag:dco:role', Values: ['neo4j'] },
        { Name: 'instance-state-name', Values: ['pending', 'running'] },
      ],
    }),
  );
  const mine = (result.Reservations ?? [])
    .flatMap((reservation) => reservation.Instances ?? [])
    .filter((instance) =>
      (instance.Tags ?? []).some((tag) => tag.Key === 'dco:local-home' && (tag.Value ?? '').startsWith(ws.dir)),
    );
  for (const instance of mine) if (instance.InstanceId) await fleet.terminate(instance.InstanceId);
}

async function writeJson(path: string, value: unknown): Promise<void> {
  await writeFile(path, `${JSON.stringify(value, null, 2)}\n`);
}

/** The server's version as it reports itself over Bolt. */
export async function serverVersion(boltUri: string, credentials: Neo4jCredentials): Promise<string> {
  const db = new BoltGraphDatabase(boltUri, credentials);
  try {
    return await db.serverVersion();
  } finally {
    await db.close();
  }
}
