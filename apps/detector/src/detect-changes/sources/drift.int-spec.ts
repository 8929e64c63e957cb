// Drift on the real stack: the baseline applied by real tofu on the emulator, a service scaled by hand through the SDK
// (UpdateService) between two days, the drift found by the detector's own use case with resource, attribute, expected
// and live values, and the next day's apply (replacing the drifted resource) restoring the declared count.
import { join } from 'node:path';
import { localEmulatorOptions } from '@dco/aws';
import { Change } from '@dco/contracts';
import { localInfra } from '../../../../infra-deployer/src/apply-infra/local-infra.fixture';
import { detectorFromEnv } from '../detect-changes.factory';

jest.setTimeout(120_000);

describe('drift: a service scaled by hand between two days', () => {
  // A fresh workspace, cluster and bus per attempt: the level's retry must not start from the first attempt's drift.
  let infra: Awaited<ReturnType<typeof localInfra>>;
  beforeEach(async () => {
    infra = await localInfra();
  });
  afterEach(() => infra.close());

  const detector = () =>
    detectorFromEnv({
      DCO_PROFILE: 'local',
      DCO_AWS_ENDPOINT: localEmulatorOptions().endpoint,
      DCO_INFRA_CONFIG_DIR: infra.configDir,
      DCO_INFRA_STATE_DIR: join(infra.root, 'state'),
      DCO_ECS_CLUSTER: infra.cluster,
      DCO_DETECT_REQUIRED_SOURCES: 'drift',
      DCO_DETECT_SOURCE_TIMEOUT_MS: '60000',
      ...(process.env.DCO_TOFU_BIN ? { DCO_TOFU_BIN: process.env.DCO_TOFU_BIN } : {}),
      ...(process.env.XDG_CACHE_HOME ? { XDG_CACHE_HOME: process.env.XDG_CACHE_HOME } : {}),
    });
  const drifts = async (day: string) => {
    const detected = await detector().handler.execute(day);
    expect(detected.sources).toContainEqual(expect.objectContaining({ source: 'drift', status: 'ok' }));
    return detected.changes.filter((change) => change.kind === 'drift');
  };

  /** The next day's run applies with the drift among its changes: only the drifted resource is replaced. */
  const reapplied = async (found: Change[], address: string) => {
    const outcome = await infra.applyInfra.execute('dco-2026-11-21', { day: '2026-11-21', changes: found });
    expect(outcome).toMatchObject({ type: 'InfraApplied', data: { plan: { replaced: [address], destroys: 0 } } });
  };

  it('is detected with resource, attribute, expected and live, and the next apply restores it', async () => {
    await infra.applyInfra.execute('dco-2026-11-20', { day: '2026-11-20', changes: [] });
    await expect(drifts('2026-11-21')).resolves.toEqual([]);

    // By hand, outside Terraform: UpdateService desiredCount through the AWS SDK.
    await infra.ecs.updateService({ cluster: infra.cluster, serviceName: 'dco-runner', desiredCount: 5 });
    const found = await drifts('2026-11-21');
    expect(found).toEqual([
      expect.objectContaining({
        kind: 'drift',
        subject: `ecs-service ${infra.cluster}/dco-runner desiredCount`,
        from: '2',
        to: '5',
        risk: 'medium',
        drift: {
          resource: `ecs-service ${infra.cluster}/dco-runner`,
          attribute: 'desiredCount',
          expected: '2',
          live: '5',
          address: 'terraform_data.service_scale["dco-runner"]',
        },
      }),
    ]);

    // The day's run applies with the drift among its changes: the drifted resource is replaced, its provisioner
    // writes the declared count again.
    await reapplied(found, 'terraform_data.service_scale["dco-runner"]');
    expect((await infra.ecs.describeService(infra.cluster, 'dco-runner'))?.desiredCount).toBe(2);
    await expect(drifts('2026-11-22')).resolves.toEqual([]);
  });

  it('finds a task definition whose heap is not the one its memory gives (NODE_OPTIONS), and the next apply restores it', async () => {
    await infra.applyInfra.execute('dco-2026-11-20', { day: '2026-11-20', changes: [] });
    await expect(drifts('2026-11-21')).resolves.toEqual([]);
    const family = `dco-${infra.tfvars.environment}-dco-runner`;
    const declared = await infra.ecs.describeTaskDefinition(family);
    expect(declared?.environment.NODE_OPTIONS).toBe('--max-old-space-size=320');

    // By hand: a revision whose heap is larger than its 512 MiB task holds (the container would be killed, not the day).
    await infra.ecs.registerTaskDefinition({
      family,
      image: declared?.image ?? '',
      environment: { ...declared?.environment, NODE_OPTIONS: '--max-old-space-size=4096' },
      memoryMiB: 512,
    });
    const found = await drifts('2026-11-21');
    expect(found.map((change) => change.drift)).toEqual([
      {
        resource: `ecs-task-definition ${family}`,
        attribute: 'environment.NODE_OPTIONS',
        expected: '--max-old-space-size=320',
        live: '--max-old-space-size=4096',
        address: 'terraform_data.task_definition["dco-runner"]',
      },
    ]);
    await reapplied(found, 'terraform_data.task_definition["dco-runner"]');
    expect((await infra.ecs.describeTaskDefinition(family))?.environment.NODE_OPTIONS).toBe('--max-old-space-size=320');
    await expect(drifts('2026-11-22')).resolves.toEqual([]);
  });
});
