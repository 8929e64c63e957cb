// ApplyToStaging with staging's apply scripted and its meter scripted: the soak is measured and compared with the health
// before the rollout; a regression, a failed apply and a missing definition each fail staging (ADR 0032).
import { CodedError, HealthMeasurement, ServiceHealthComparison } from '@dco/contracts';
import { DEFAULT_HEALTH_THRESHOLDS, HealthMeter } from '@dco/aws';
import { ApplyInfraOutcome } from '../apply-infra/apply-infra.handler';
import { ApplyToStagingHandler, StagingEnvironment } from './apply-to-staging.handler';

const DAY = '2026-12-06';
const change = {
  kind: 'app-release',
  subject: 'dco-runner',
  from: 'a',
  to: 'b',
  risk: 'low',
  reason: 'release',
} as const;
const plan = { planId: 'staging-plan', adds: 1, changes: 0, destroys: 0, replaced: [] };
const before: HealthMeasurement = { requests: 400, latencyP99Ms: 100, errorRate: 0, neo4jQueries: 0 };
const rolloutHealth: ServiceHealthComparison = {
  service: 'dco-runner',
  before,
  after: { ...before, latencyP99Ms: 110 },
  regressions: [],
};
const applied = (health?: ServiceHealthComparison[]): ApplyInfraOutcome => ({
  type: 'InfraApplied',
  data: {
    plan,
    services: [{ service: 'dco-runner', taskDefinition: 'dco-staging-dco-runner:2' }],
    configHash: 'c'.repeat(64),
    ...(health ? { health } : {}),
  },
});

/** Staging with a scripted apply, a scripted meter and a clock the soak's wait moves. */
function staging(outcomes: ApplyInfraOutcome[], soak?: HealthMeasurement) {
  let now = 0;
  const calls: { applies: unknown[]; measured: Array<[string, number]>; waited: number[] } = {
    applies: [],
    measured: [],
    waited: [],
  };
  const meter: HealthMeter = {
    measure: async (service, windowMs) => {
      calls.measured.push([service, windowMs]);
      now += windowMs;
      return soak;
    },
  };
  const environment: StagingEnvironment = {
    prepare: async () => ({
      execute: async (_runId, command) => {
        calls.applies.push(command);
        const next = outcomes.shift();
        if (!next) throw new Error('no more scripted applies');
        return next;
      },
    }),
    meter,
    thresholds: DEFAULT_HEALTH_THRESHOLDS,
    now: () => now,
    wait: async (ms) => {
      calls.waited.push(ms);
      now += ms;
    },
  };
  return { handler: new ApplyToStagingHandler(environment), calls };
}

describe('ApplyToStaging', () => {
  const command = { day: DAY, changes: [change], soakMs: 60_000 };

  it('Given a healthy soak, Then it answers StagingSoaked with the soak compared to the health before the rollout', async () => {
    const { handler, calls } = staging([applied([rolloutHealth])], { ...before, requests: 900, latencyP99Ms: 105 });
    const outcome = await handler.execute('dco-2026-12-06', command);
    expect(outcome.type).toBe('StagingSoaked');
    expect(outcome.data).toMatchObject({ plan, soakMs: 60_000, health: [{ service: 'dco-runner', regressions: [] }] });
    expect(calls.measured).toEqual([['dco-runner', 60_000]]);
    expect(calls.waited).toEqual([]);
  });

  it('Given a service that regresses across the soak, Then it answers StagingFailed INFRA.STAGING_REGRESSED with the comparison', async () => {
    const { handler } = staging([applied([rolloutHealth])], { ...before, requests: 900, latencyP99Ms: 240 });
    const outcome = await handler.execute('dco-2026-12-06', command);
    expect(outcome.type).toBe('StagingFailed');
    if (outcome.type !== 'StagingFailed') return;
    expect(outcome.data.failure.code).toBe('INFRA.STAGING_REGRESSED');
    expect(outcome.data.failure.message).toContain('dco-runner: latency p99');
    expect(outcome.data.health?.[0].regressions).toHaveLength(1);
  });

  it('Given nothing measurable (no rollout, or no metrics), Then it still soaks for the whole time before answering', async () => {
    const { handler, calls } = staging([applied()]);
    const outcome = await handler.execute('dco-2026-12-06', command);
    expect(outcome).toMatchObject({ type: 'StagingSoaked', data: { soakMs: 60_000 } });
    expect(outcome.data.health).toBeUndefined();
    expect(calls.waited).toEqual([60_000]);
  });

  it('Given a plan production would have to approve, Then staging applies exactly that plan without asking', async () => {
    const { handler, calls } = staging([
      { type: 'InfraApprovalRequired', data: { plan: { ...plan, destroys: 1 }, reasons: ['destroys 1'] } },
      applied(),
    ]);
    await handler.execute('dco-2026-12-06', { ...command, soakMs: 0 });
    expect(calls.applies).toEqual([
      { day: DAY, changes: [change] },
      { day: DAY, changes: [change], approvedPlanId: 'staging-plan' },
    ]);
  });

  it('Given staging cannot be applied, Then the coded failure reaches the saga (StagingFailed by the worker)', async () => {
    const failing: StagingEnvironment = {
      prepare: async () => {
        throw new CodedError('INFRA.STAGING_NOT_CONFIGURED', 'staging has no environment definition');
      },
      meter: { measure: async () => undefined },
      thresholds: DEFAULT_HEALTH_THRESHOLDS,
      now: () => 0,
      wait: async () => undefined,
    };
    await expect(new ApplyToStagingHandler(failing).execute('dco-2026-12-06', command)).rejects.toMatchObject({
      code: 'INFRA.STAGING_NOT_CONFIGURED',
    });
  });
});
