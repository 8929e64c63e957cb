// Drift on the real stack: the baseline applied by real tofu on the emulator, a service scaled by hand through the SDK
// (UpdateService) between two days, the drift found by the detector's own use case with resource, attribute, expected
// and live values, and the next day's apply (replacing the drifted resource) restoring the declared count.
import { join } from 'node:path';
import { localEmulatorOptions } from '@dco/aws';
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
    const outcome = await infra.applyInfra.execute('dco-2026-11-21', { day: '2026-11-21', changes: found });
    expect(outcome).toMatchObject({
      type: 'InfraApplied',
      data: { plan: { replaced: ['terraform_data.service_scale["dco-runner"]'], destroys: 0 } },
    });
    expect((await infra.ecs.describeService(infra.cluster, 'dco-runner'))?.desiredCount).toBe(2);
    await expect(drifts('2026-11-22')).resolves.toEqual([]);
  });
});
