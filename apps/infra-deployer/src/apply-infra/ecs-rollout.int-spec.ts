// ECS rollouts on the AWS emulator, judged by real HTTP health endpoints: a failed gate rolls back by itself, a failed
// canary never reaches the remaining tasks, a healthy release goes through.
import { localInfra } from './local-infra.fixture';

jest.setTimeout(180_000);

describe('EcsRollout on the emulator with HTTP health gates', () => {
  let infra: Awaited<ReturnType<typeof localInfra>>;
  beforeAll(async () => {
    infra = await localInfra();
    await infra.applyInfra.execute('dco-2026-12-01', { day: '2026-12-01', changes: [] });
  });
  afterAll(() => infra.close());

  const release = (day: string, image: string) =>
    infra.applyInfra.execute(`dco-${day}`, {
      day,
      changes: [
        {
          kind: 'app-release',
          subject: 'dco-runner',
          from: 'dco-autopilot/dco-runner:0.1.0',
          to: image,
          risk: 'medium',
          reason: 'release',
        },
      ],
    });

  it('rolls a healthy release out through its canary', async () => {
    infra.doubles.behaviour.clear();
    const outcome = await release('2026-12-02', 'dco-autopilot/dco-runner:0.2.0');
    expect(outcome).toMatchObject({ type: 'InfraApplied', data: { services: [{ service: 'dco-runner' }] } });
    const status = await infra.ecs.describeService(infra.cluster, 'dco-runner');
    expect(await infra.ecs.describeTaskDefinition(status?.taskDefinition ?? '')).toMatchObject({
      image: 'dco-autopilot/dco-runner:0.2.0',
    });
  });

  it('RollbackInfra puts the released service back on the revision it ran before the run', async () => {
    const rolledBack = await infra.rollbackInfra.execute('dco-2026-12-02', { day: '2026-12-02', reason: 'DCO failed' });
    const status = await infra.ecs.describeService(infra.cluster, 'dco-runner');
    expect(rolledBack.services).toEqual([{ service: 'dco-runner', taskDefinition: status?.taskDefinition }]);
    expect(await infra.ecs.describeTaskDefinition(status?.taskDefinition ?? '')).toMatchObject({
      image: 'dco-autopilot/dco-runner:0.1.0',
    });
  });

  it('rolls back to the previous revision automatically when the new revision fails its health gate', async () => {
    const before = (await infra.ecs.describeService(infra.cluster, 'dco-runner'))?.taskDefinition;
    infra.doubles.behaviour.set('dco-runner', { status: 503, errorRate: 0 });
    await expect(release('2026-12-03', 'dco-autopilot/dco-runner:0.3.0-broken')).rejects.toMatchObject({
      code: 'INFRA.HEALTH_GATE_FAILED',
      detail: expect.stringContaining('answered 503'),
    });
    expect((await infra.ecs.describeService(infra.cluster, 'dco-runner'))?.taskDefinition).toBe(before);
    infra.doubles.behaviour.clear();
  });

  it('stops at the canary when its error rate is too high: the remaining tasks never get the new revision', async () => {
    const before = (await infra.ecs.describeService(infra.cluster, 'dco-runner'))?.taskDefinition;
    infra.doubles.behaviour.set('dco-runner-canary', { status: 200, errorRate: 0.3 });
    await expect(release('2026-12-04', 'dco-autopilot/dco-runner:0.4.0-flaky')).rejects.toMatchObject({
      code: 'INFRA.CANARY_FAILED',
    });
    const primary = await infra.ecs.describeService(infra.cluster, 'dco-runner');
    expect(primary?.taskDefinition).toBe(before);
    expect(
      primary?.deployments.every(
        (deployment) => !deployment.taskDefinition.endsWith(`:${Number(before?.split(':').at(-1)) + 1}`),
      ),
    ).toBe(true);
    expect(await infra.ecs.describeService(infra.cluster, 'dco-runner-canary')).toMatchObject({ desiredCount: 0 });
    infra.doubles.behaviour.clear();
  });
});
