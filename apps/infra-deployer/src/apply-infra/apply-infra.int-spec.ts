// ApplyInfra and RollbackInfra with the real tofu binary and the AWS emulator: plans, approval, broken config, rollback.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CodedError } from '@dco/contracts';
import { localInfra } from './local-infra.fixture';

jest.setTimeout(240_000);

describe('ApplyInfra / RollbackInfra on tofu + emulator', () => {
  let infra: Awaited<ReturnType<typeof localInfra>>;
  beforeAll(async () => {
    infra = await localInfra();
  });
  afterAll(() => infra.close());

  it('applies a plan with changes, creating the services on the emulator, then plans no changes', async () => {
    const first = await infra.applyInfra.execute('dco-2026-11-01', { day: '2026-11-01', changes: [] });
    expect(first.type).toBe('InfraApplied');
    if (first.type !== 'InfraApplied') return;
    expect(first.data.plan.adds).toBeGreaterThan(0);
    expect(first.data.configHash).toBe(await infra.workspace.currentHash());
    expect(await infra.ecs.describeService(infra.cluster, 'dco-runner')).toMatchObject({ desiredCount: 2 });

    const again = await infra.applyInfra.execute('dco-2026-11-02', { day: '2026-11-02', changes: [] });
    expect(again).toMatchObject({
      type: 'InfraApplied',
      data: { plan: { adds: 0, changes: 0, destroys: 0, replaced: [] } },
    });
    expect(await infra.workspace.lastAppliedHash()).toBe(first.data.configHash);
  });

  it('fails a broken configuration with INFRA.PLAN_FAILED carrying the plan error, applying nothing', async () => {
    const before = await infra.workspace.resources();
    await writeFile(
      join(infra.configDir, 'broken.tf'),
      'resource "terraform_data" "broken" {\n  input = var.does_not_exist\n}\n',
    );
    try {
      const failure = await infra.applyInfra
        .execute('dco-2026-11-03', { day: '2026-11-03', changes: [] })
        .catch((error: CodedError) => error);
      expect(failure).toBeInstanceOf(CodedError);
      expect((failure as CodedError).toFailure()).toMatchObject({
        code: 'INFRA.PLAN_FAILED',
        detail: expect.stringContaining('does_not_exist'),
      });
      expect(await infra.workspace.resources()).toEqual(before);
    } finally {
      await import('node:fs/promises').then((fs) => fs.rm(join(infra.configDir, 'broken.tf')));
    }
  });

  it('fails an apply that breaks half-way with INFRA.APPLY_FAILED and the apply output; RollbackInfra restores the last good state', async () => {
    const goodHash = await infra.workspace.lastAppliedHash();
    const goodResources = await infra.workspace.resources();
    await writeFile(
      join(infra.configDir, 'failing.tf'),
      'resource "terraform_data" "fails_on_create" {\n  provisioner "local-exec" {\n    command = "echo quota exceeded >&2; exit 3"\n  }\n}\n',
    );
    try {
      const failure = await infra.applyInfra
        .execute('dco-2026-11-03', { day: '2026-11-03', changes: [] })
        .catch((error: CodedError) => error);
      expect(failure).toBeInstanceOf(CodedError);
      expect((failure as CodedError).toFailure()).toMatchObject({
        code: 'INFRA.APPLY_FAILED',
        detail: expect.stringContaining('quota exceeded'),
      });
      expect(await infra.workspace.lastAppliedHash()).toBe(goodHash);
    } finally {
      await import('node:fs/promises').then((fs) => fs.rm(join(infra.configDir, 'failing.tf')));
    }
    const rolledBack = await infra.rollbackInfra.execute('dco-2026-11-03', {
      day: '2026-11-03',
      reason: 'apply failed',
    });
    expect(rolledBack.configHash).toBe(goodHash);
    expect(await infra.workspace.resources()).toEqual(goodResources);
  });

  it('asks for approval before replacing the Neo4j instance, then applies exactly the approved plan', async () => {
    await infra.writeVars((current) => ({ ...current, neo4j_ami: 'ami-neo4j-5-26-19' }));
    const asked = await infra.applyInfra.execute('dco-2026-11-04', { day: '2026-11-04', changes: [] });
    expect(asked).toMatchObject({
      type: 'InfraApprovalRequired',
      data: { reasons: ['the plan replaces terraform_data.neo4j_instance'] },
    });
    if (asked.type !== 'InfraApprovalRequired') return;
    expect(await infra.workspace.outputs()).toMatchObject({ neo4j: { ami: 'ami-neo4j-5-20-0' } });

    const applied = await infra.applyInfra.execute('dco-2026-11-04', {
      day: '2026-11-04',
      changes: [],
      approvedPlanId: asked.data.plan.planId,
    });
    expect(applied).toMatchObject({
      type: 'InfraApplied',
      data: { plan: { planId: asked.data.plan.planId, replaced: ['terraform_data.neo4j_instance'] } },
    });
    expect(await infra.workspace.outputs()).toMatchObject({ neo4j: { ami: 'ami-neo4j-5-26-19' } });
  });

  it('RollbackInfra restores the configuration that was good before the run: state and resources match it again', async () => {
    const goodHash = await infra.workspace.lastAppliedHash();
    const goodResources = await infra.workspace.resources();
    await infra.writeVars((current) => ({
      ...current,
      neo4j_ami: 'ami-neo4j-5-26-19',
      apps: {
        ...current.apps,
        scheduler: { image: 'dco-autopilot/scheduler:0.1.0', desired_count: 1, cpu: 256, memory: 512 },
        'dco-runner': { image: 'dco-autopilot/dco-runner:0.1.0', desired_count: 3, cpu: 256, memory: 512 },
      },
    }));
    const applied = await infra.applyInfra.execute('dco-2026-11-05', { day: '2026-11-05', changes: [] });
    expect(applied).toMatchObject({ type: 'InfraApplied', data: { plan: { adds: expect.any(Number) } } });
    expect(await infra.ecs.describeService(infra.cluster, 'scheduler')).toBeDefined();
    expect(await infra.ecs.describeService(infra.cluster, 'dco-runner')).toMatchObject({ desiredCount: 3 });

    const rolledBack = await infra.rollbackInfra.execute('dco-2026-11-05', {
      day: '2026-11-05',
      reason: 'db migration failed',
    });
    expect(rolledBack.configHash).toBe(goodHash);
    expect(await infra.workspace.lastAppliedHash()).toBe(goodHash);
    expect(await infra.workspace.resources()).toEqual(goodResources);
    expect(await infra.ecs.describeService(infra.cluster, 'scheduler')).toBeUndefined();
    expect(await infra.ecs.describeService(infra.cluster, 'dco-runner')).toMatchObject({ desiredCount: 2 });
  });
});

// Environments share one AWS account (and here one emulator): a day scenario next to another, staging next to
// production. A service created by one environment's apply runs that environment's task definition, whatever another
// environment registered in the meantime (once, a scenario's service started on a revision another scenario had just
// registered with another image, and detection reported a release nobody made).
describe('two environments on one account', () => {
  let mine: Awaited<ReturnType<typeof localInfra>>;
  let other: Awaited<ReturnType<typeof localInfra>>;
  beforeAll(async () => {
    [mine, other] = await Promise.all([localInfra(), localInfra()]);
  });
  afterAll(() => Promise.all([mine?.close(), other?.close()]));

  const applyAll = async (infra: typeof mine, planId: string) => {
    const plan = await infra.workspace.prepare(planId);
    await infra.workspace.apply(plan.planId);
  };
  const runningImage = async (infra: typeof mine, cluster: string) => {
    const service = await infra.ecs.describeService(cluster, 'dco-runner');
    return service ? (await infra.ecs.describeTaskDefinition(service.taskDefinition))?.image : undefined;
  };

  it("creates each environment's service on its own task definition, never on the revision another environment registered last", async () => {
    await applyAll(mine, 'mine-baseline');
    const otherImage = 'dco-autopilot/dco-runner:9.9.9-other-environment';
    await other.writeVars((current) => ({
      ...current,
      apps: { 'dco-runner': { ...current.apps['dco-runner'], image: otherImage } },
    }));
    await applyAll(other, 'other-baseline');
    expect(await runningImage(other, other.cluster)).toBe(otherImage);

    // A new cluster re-creates my service (its task definition stays): it must start on my image again.
    const movedTo = `${mine.cluster}-moved`;
    await mine.writeVars((current) => ({ ...current, cluster_name: movedTo }));
    await applyAll(mine, 'mine-moved');
    expect(await runningImage(mine, movedTo)).toBe('dco-autopilot/dco-runner:0.1.0');
  });
});
