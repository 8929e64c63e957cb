// The blue-green migration, unchanged, on the ECS fleet (DCO_NEO4J_FLEET=ecs, ADR 0031): blue 5.20.0 and green 5.26.19 are
// ECS services in the emulator whose real servers the local runtime starts; green is created, filled, switched to, and blue's
// service and server are gone at the end.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTagsCommand, EC2Client, RegisterImageCommand } from '@aws-sdk/client-ec2';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import neo4j from 'neo4j-driver';
import { localEmulatorOptions } from '@dco/aws';
import { boltAuth, BoltGraphDatabase, checksumOf, digestGraph, EcsNeo4jFleet, LOCAL_PID_TAG } from '@dco/neo4j';
import { isProcessAlive } from '@dco/probes';
import { bulkStatement, everyTypeGraphStatements } from '../../../../libs/neo4j/src/testing/every-type-graph.fixture';
import { blueGreenEnvironmentFromEnv } from './blue-green.environment';

const aws = localEmulatorOptions();
const ec2 = new EC2Client(aws);
const ecs = new ECSClient(aws);
const env = `bgecs${Date.now().toString(36)}`;
const cluster = `dco-neo4j-${env}`;
/** The migrator's login, which the local runtime gives blue and green too. */
const LOGIN = { user: 'neo4j', password: randomBytes(18).toString('base64url') };

async function image(version: string): Promise<string> {
  const registered = await ec2.send(new RegisterImageCommand({ Name: `neo4j-${version}-${env}` }));
  const imageId = registered.ImageId ?? '';
  await ec2.send(new CreateTagsCommand({ Resources: [imageId], Tags: [{ Key: 'dco:neo4j-version', Value: version }] }));
  return imageId;
}

async function serviceOf(name: string) {
  const result = await ecs.send(new DescribeServicesCommand({ cluster, services: [name], include: ['TAGS'] }));
  const service = result.services?.[0];
  return { status: service?.status, tags: Object.fromEntries((service?.tags ?? []).map((t) => [t.key, t.value])) };
}

describe('blue-green migration on the ECS fleet', () => {
  let dir: string;
  const variables = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    DCO_PROFILE: 'local',
    DCO_ENV: env,
    DCO_STATE_DIR: dir,
    DCO_NEO4J_FLEET: 'ecs',
    DCO_NEO4J_ECS_CLUSTER: cluster,
    DCO_NEO4J_EFS_FILE_SYSTEM_ID: 'fs-0123456789abcdef0',
    DCO_NEO4J_HEAP_MB: '512',
    DCO_NEO4J_PAGECACHE_MB: '128',
    DCO_NEO4J_QUICK_START: 'true',
    DCO_NEO4J_FREEZE_DRAIN_MS: '200',
    NEO4J_USER: LOGIN.user,
    NEO4J_PASSWORD: LOGIN.password,
    // Blue is retired as soon as green serves: the run shows the whole cycle.
    DCO_NEO4J_RETIRE_GRACE_MS: '0',
    ...extra,
  });
  const provisioned: string[] = [];
  let fleet: EcsNeo4jFleet;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dco-blue-green-ecs-'));
  });

  afterAll(async () => {
    for (const instanceId of provisioned) await fleet?.terminate(instanceId);
    ec2.destroy();
    ecs.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('creates green as an ECS service, migrates, switches and terminates blue', async () => {
    // Blue: the fleet's first member, running 5.20.0 with a small graph.
    fleet = (await blueGreenEnvironmentFromEnv(variables())).fleet as EcsNeo4jFleet;
    expect(fleet).toBeInstanceOf(EcsNeo4jFleet);
    const blue = await fleet.provision(await image('5.20.0'), { clientToken: `${env}-blue`, readyTimeoutMs: 120_000 });
    provisioned.push(blue.instanceId);
    await fleet.setColor(blue.instanceId, 'blue');
    const driver = neo4j.driver(blue.boltUri, boltAuth(LOGIN));
    try {
      for (const statement of [...everyTypeGraphStatements, bulkStatement(200)])
        await driver.executeQuery(statement.query, statement.params ?? {});
    } finally {
      await driver.close();
    }
    const blueChecksum = checksumOf(await digestGraph(new BoltGraphDatabase(blue.boltUri, LOGIN)));
    const bluePid = Number((await serviceOf(blue.instanceId)).tags[LOCAL_PID_TAG]);
    expect(isProcessAlive(bluePid)).toBe(true);

    const { migrator, pointer } = await blueGreenEnvironmentFromEnv(
      variables({ NEO4J_URI: blue.boltUri, DCO_NEO4J_INSTANCE_ID: blue.instanceId }),
    );
    const phases: string[] = [];
    const result = await migrator.migrate({ runId: env, targetImageId: await image('5.26.19') }, (progress) =>
      phases.push(progress.phase),
    );
    provisioned.push(result.toInstanceId);
    expect(result).toMatchObject({ fromVersion: '5.20.0', toVersion: '5.26.19', fromInstanceId: blue.instanceId });
    expect([...new Set(phases)]).toEqual(['provision', 'backup', 'restore', 'validate', 'switch', 'retire']);

    // Green serves blue's graph, and the pointer names it.
    expect(await pointer.read()).toMatchObject({
      current: { instanceId: result.toInstanceId, boltUri: result.boltUri },
      writes: 'open',
    });
    const green = new BoltGraphDatabase(result.boltUri, LOGIN);
    try {
      expect(checksumOf(await digestGraph(green))).toBe(blueChecksum);
    } finally {
      await green.close();
    }

    // ECS records it: green's service is the fleet's blue now, from a 5.26.19 task definition; blue's service is gone.
    expect(await fleet.describe()).toEqual([
      expect.objectContaining({ instanceId: result.toInstanceId, color: 'blue', version: '5.26.19' }),
    ]);
    const greenService = await ecs.send(new DescribeServicesCommand({ cluster, services: [result.toInstanceId] }));
    const definition = await ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: greenService.services?.[0]?.taskDefinition }),
    );
    expect(definition.taskDefinition?.containerDefinitions?.[0]?.image).toBe('neo4j:5.26.19');
    expect((await serviceOf(blue.instanceId)).status).toBe('INACTIVE');
    expect(isProcessAlive(bluePid)).toBe(false);
  }, 600_000);
});
