// LiveInfrastructureReader on the ports' in-memory fakes: the fleet by its tags with each instance's version, the cluster's
// services, the pointer; a part that throws or hangs becomes its coded error while the others are still read.
import { Ec2Inventory, InMemoryEc2Inventory, InMemoryEcsServices } from '@dco/aws';
import { InMemoryConnectionPointerStore } from '@dco/neo4j';
import { LiveInfrastructureReader, LiveInfrastructureSources } from './live-infrastructure.reader';

const clock = { now: () => new Date('2026-11-26T07:00:00.000Z') };

async function sources(): Promise<LiveInfrastructureSources & { ec2: InMemoryEc2Inventory }> {
  const ec2 = new InMemoryEc2Inventory();
  const tagged = ec2.addImage({ name: 'neo4j-5.26.19-2026-11-01', creationDate: '2026-11-01T00:00:00.000Z' });
  ec2.addInstance({
    imageId: tagged,
    instanceType: 'r6i.large',
    tags: { 'dco:role': 'neo4j', 'dco:env': 'prod', 'dco:color': 'blue' },
  });
  // Another environment's server and a stopped one of this environment are not shown.
  ec2.addInstance({ imageId: tagged, instanceType: 'r6i.large', tags: { 'dco:role': 'neo4j', 'dco:env': 'staging' } });
  ec2.addInstance({
    imageId: tagged,
    instanceType: 'r6i.large',
    state: 'stopped',
    tags: { 'dco:role': 'neo4j', 'dco:env': 'prod' },
  });
  const ecs = new InMemoryEcsServices();
  await ecs.ensureCluster('dco-autopilot');
  for (const app of ['orchestrator', 'dco-runner']) {
    const definition = await ecs.registerTaskDefinition({
      family: `dco-prod-${app}`,
      image: `${app}:1`,
      environment: {},
    });
    await ecs.createService({
      cluster: 'dco-autopilot',
      serviceName: app,
      taskDefinition: definition.arn,
      desiredCount: 2,
    });
  }
  const pointer = new InMemoryConnectionPointerStore();
  return { ec2, ecs, pointer, cluster: 'dco-autopilot', fleetTags: { 'dco:env': 'prod' }, timeoutMs: 200, clock };
}

describe('LiveInfrastructureReader', () => {
  it("reads the environment's fleet with its versions, the cluster's services and the pointer (none written yet)", async () => {
    const read = await new LiveInfrastructureReader(await sources()).read();
    expect(read.errors).toEqual([]);
    expect(read.readAt).toBe('2026-11-26T07:00:00.000Z');
    expect(read.instances?.map((i) => [i.tags['dco:color'], i.version, i.state])).toEqual([
      ['blue', '5.26.19', 'running'],
    ]);
    expect(read.services?.map((s) => [s.serviceName, s.desiredCount, s.runningCount])).toEqual([
      ['orchestrator', 2, 2],
      ['dco-runner', 2, 2],
    ]);
    expect(read.pointer).toBeNull();
    expect(read.pointerLocation).toBe('memory:neo4j-pointer');
  });

  it('answers DASHBOARD.INFRA_UNAVAILABLE for a part that fails and DASHBOARD.INFRA_TIMEOUT for one that hangs', async () => {
    const given = await sources();
    const hanging: Ec2Inventory = {
      findImages: () => new Promise(() => undefined),
      findImagesById: () => new Promise(() => undefined),
      findInstances: () => new Promise(() => undefined),
    };
    const read = await new LiveInfrastructureReader({ ...given, ec2: hanging, cluster: 'no-such-cluster' }).read();
    expect(read.instances).toBeUndefined();
    expect(read.services).toEqual([]);
    expect(read.errors).toEqual([
      { source: 'ec2', code: 'DASHBOARD.INFRA_TIMEOUT', message: 'EC2 (the Neo4j fleet) did not answer within 200 ms' },
    ]);

    const broken = {
      ...given.pointer,
      location: '/state/neo4j-pointer.json',
      read: async () => {
        throw new Error('Unexpected token } in JSON');
      },
      write: given.pointer.write.bind(given.pointer),
      watch: given.pointer.watch.bind(given.pointer),
    };
    const failing = {
      ...given.ecs,
      listServices: async () => {
        throw new Error('ClusterNotFoundException: dco-autopilot');
      },
    } as unknown as InMemoryEcsServices;
    const second = await new LiveInfrastructureReader({ ...given, ecs: failing, pointer: broken }).read();
    expect(second.instances).toHaveLength(1);
    expect(second.errors).toEqual([
      {
        source: 'ecs',
        code: 'DASHBOARD.INFRA_UNAVAILABLE',
        message: 'ECS (the services) could not be read: ClusterNotFoundException: dco-autopilot',
      },
      {
        source: 'pointer',
        code: 'DASHBOARD.INFRA_UNAVAILABLE',
        message: 'the Neo4j connection pointer could not be read: Unexpected token } in JSON',
      },
    ]);
  });
});
