// The AWS CLI (stack component aws-cli) reads what ApplyInfra and the ECS rollout leave on the emulator, as an operator
// would: the cluster, the service and its canary on the revisions the rollout chose, and the task-definition revisions.
import { nodeOptionsFor } from '@dco/contracts';
import { awsCliJson } from '@dco/testing';
import { localInfra } from './local-infra.fixture';

jest.setTimeout(180_000);

interface CliService {
  serviceName: string;
  clusterArn: string;
  status: string;
  desiredCount: number;
  taskDefinition: string;
}

interface CliTaskDefinition {
  taskDefinitionArn: string;
  family: string;
  revision: number;
  memory: string;
  containerDefinitions: Array<{ image: string; environment?: Array<{ name: string; value: string }> }>;
}

describe('AWS CLI on the ECS resources of a rollout', () => {
  let infra: Awaited<ReturnType<typeof localInfra>>;
  const family = () => `dco-${infra.tfvars.environment}-dco-runner`;

  beforeAll(async () => {
    infra = await localInfra();
    await infra.applyInfra.execute('dco-2026-12-01', { day: '2026-12-01', changes: [] });
    await infra.applyInfra.execute('dco-2026-12-02', {
      day: '2026-12-02',
      changes: [
        {
          kind: 'app-release',
          subject: 'dco-runner',
          from: 'dco-autopilot/dco-runner:0.1.0',
          to: 'dco-autopilot/dco-runner:0.2.0',
          risk: 'medium',
          reason: 'release',
        },
      ],
    });
  });
  afterAll(() => infra?.close());

  const describeTaskDefinition = async (arn: string) =>
    (
      await awsCliJson<{ taskDefinition: CliTaskDefinition }>([
        'ecs',
        'describe-task-definition',
        '--task-definition',
        arn,
      ])
    ).taskDefinition;

  it('lists and describes the cluster ApplyInfra created', async () => {
    const { clusterArns } = await awsCliJson<{ clusterArns: string[] }>(['ecs', 'list-clusters']);
    const arn = clusterArns.find((candidate) => candidate.endsWith(`:cluster/${infra.cluster}`));
    expect(arn).toBeDefined();
    const { clusters } = await awsCliJson<{ clusters: Array<{ clusterName: string; status: string }> }>([
      'ecs',
      'describe-clusters',
      '--clusters',
      infra.cluster,
    ]);
    expect(clusters).toEqual([expect.objectContaining({ clusterName: infra.cluster, status: 'ACTIVE' })]);
  });

  it('shows the service on the released revision and its canary, which ran that revision, scaled back to zero', async () => {
    const { serviceArns } = await awsCliJson<{ serviceArns: string[] }>([
      'ecs',
      'list-services',
      '--cluster',
      infra.cluster,
    ]);
    expect(serviceArns.map((arn) => arn.split('/').at(-1)).sort()).toEqual(['dco-runner', 'dco-runner-canary']);

    const { services } = await awsCliJson<{ services: CliService[] }>([
      'ecs',
      'describe-services',
      '--cluster',
      infra.cluster,
      '--services',
      'dco-runner',
      'dco-runner-canary',
    ]);
    const byName = Object.fromEntries(services.map((service) => [service.serviceName, service]));
    expect(byName['dco-runner']).toMatchObject({ status: 'ACTIVE', desiredCount: 2 });
    expect(byName['dco-runner-canary']).toMatchObject({ desiredCount: 0 });
    expect(byName['dco-runner-canary'].taskDefinition).toBe(byName['dco-runner'].taskDefinition);
    // The CLI and the system's own reading (the SDK adapter) agree.
    expect((await infra.ecs.describeService(infra.cluster, 'dco-runner'))?.taskDefinition).toBe(
      byName['dco-runner'].taskDefinition,
    );

    const released = await describeTaskDefinition(byName['dco-runner'].taskDefinition);
    expect(released).toMatchObject({ family: family(), revision: 2 });
    expect(released.containerDefinitions[0].image).toBe('dco-autopilot/dco-runner:0.2.0');
  });

  it("lists the family's revisions: the one ApplyInfra registered and the one the rollout registered", async () => {
    const { taskDefinitionArns } = await awsCliJson<{ taskDefinitionArns: string[] }>([
      'ecs',
      'list-task-definitions',
      '--family-prefix',
      family(),
    ]);
    expect(taskDefinitionArns.map((arn) => arn.split('/').at(-1))).toEqual([`${family()}:1`, `${family()}:2`]);
    const first = await describeTaskDefinition(`${family()}:1`);
    expect(first.containerDefinitions[0].image).toBe('dco-autopilot/dco-runner:0.1.0');
    expect(first.containerDefinitions[0].environment).toEqual(
      expect.arrayContaining([
        { name: 'DCO_APP', value: 'dco-runner' },
        // 5/8 of the task's memory (heapMibFor in @dco/contracts), as the k8s Deployment sets it.
        { name: 'NODE_OPTIONS', value: nodeOptionsFor(Number(first.memory)) },
      ]),
    );
  });
});
