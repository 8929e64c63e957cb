// The ECS fleet on the emulator: the Neo4jFleet contract, and what an operator reads back from ECS (task definition, service).
import { EC2Client } from '@aws-sdk/client-ec2';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import { localEmulatorOptions } from '@dco/aws';
import { EcsNeo4jFleet } from './ecs-neo4j-fleet.adapter';
import { emulatedFleetUnderTest, emulatedProbe } from '../testing/emulated-fleet.fixture';
import { neo4jFleetContract } from './neo4j-fleet.contract';
import { Neo4jHostRuntime } from './neo4j-host.runtime';
import { neo4jVersionOfAmi } from './neo4j-fleet.support';

const ec2 = new EC2Client(localEmulatorOptions());
const ecs = new ECSClient(localEmulatorOptions());
const run = `ecs${Date.now().toString(36)}`;
let scopes = 0;
afterAll(() => {
  ec2.destroy();
  ecs.destroy();
});

/** Where the emulator's service would run: nowhere; the address is the one ECS would report. */
const addressOnly: Neo4jHostRuntime = {
  userData: () => '',
  start: async (host) => ({ boltUri: `bolt://${host.instanceId}.neo4j.internal:7687`, tags: {} }),
  stop: async () => undefined,
};

const AUTH_SECRET = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:dco/neo4j-auth-AbCdEf';

const fleetIn = (scope: string, authSecretArn?: string) =>
  new EcsNeo4jFleet(ecs, addressOnly, {
    authSecretArn,
    cluster: `dco-neo4j-${run}`,
    containerRepository: 'neo4j',
    fileSystemId: 'fs-0123456789abcdef0',
    fleetTags: { 'dco:env': scope },
    versionOf: (imageId) => neo4jVersionOfAmi(ec2, imageId),
    probe: emulatedProbe,
  });

neo4jFleetContract('ECS adapter on the emulator', async () => {
  scopes += 1;
  const scope = `${run}-${scopes}`;
  return emulatedFleetUnderTest(ec2, fleetIn(scope), scope);
});

describe('ECS fleet records on the emulator', () => {
  it('runs a member as its own service, from a task definition with the image version, EFS store, Bolt port and auth secret', async () => {
    const scope = `${run}-records`;
    const { fleet, imageOf } = emulatedFleetUnderTest(ec2, fleetIn(scope, AUTH_SECRET), scope);
    const green = await fleet.provision(await imageOf('5.26.19'), { clientToken: 'dco-2026-12-05-green-1' });
    const services = await ecs.send(
      new DescribeServicesCommand({ cluster: `dco-neo4j-${run}`, services: [green.instanceId], include: ['TAGS'] }),
    );
    const service = services.services?.[0];
    expect(service).toMatchObject({ serviceName: green.instanceId, desiredCount: 1, launchType: 'FARGATE' });
    expect(Object.fromEntries((service?.tags ?? []).map((t) => [t.key, t.value]))).toMatchObject({
      'dco:role': 'neo4j',
      'dco:env': scope,
      'dco:color': 'green',
      'dco:neo4j-version': '5.26.19',
      'dco:bolt-uri': green.boltUri,
    });
    const { taskDefinition } = await ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: service?.taskDefinition }),
    );
    expect(taskDefinition?.volumes).toEqual([
      expect.objectContaining({
        name: 'neo4j-data',
        efsVolumeConfiguration: expect.objectContaining({
          fileSystemId: 'fs-0123456789abcdef0',
          transitEncryption: 'ENABLED',
        }),
      }),
    ]);
    const container = taskDefinition?.containerDefinitions?.[0];
    expect(container).toMatchObject({
      name: 'neo4j',
      image: 'neo4j:5.26.19',
      mountPoints: [{ sourceVolume: 'neo4j-data', containerPath: '/data', readOnly: false }],
    });
    expect(container?.portMappings?.map((p) => p.containerPort)).toEqual([7687, 7474]);
    expect(container?.environment).toContainEqual({
      name: 'NEO4J_server_directories_data',
      value: `/data/${green.instanceId}`,
    });
    // The password reaches the container from Secrets Manager, never through the task definition.
    expect(container?.secrets).toEqual([{ name: 'NEO4J_AUTH', valueFrom: AUTH_SECRET }]);
    expect(container?.environment?.map((variable) => variable.name)).not.toContain('NEO4J_AUTH');
    await fleet.terminate(green.instanceId);
  });
});
