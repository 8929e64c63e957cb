// ECS rollout: canary first, health gates, automatic rollback to the previous revision.
import { HealthMeasurement } from '@dco/contracts';
import {
  DEFAULT_HEALTH_COMPARISON_POLICY,
  HealthMeter,
  HealthProbe,
  HealthSample,
  InMemoryEcsServices,
  RolloutPolicy,
  ServiceStatus,
  UpdateServiceSpec,
} from '@dco/aws';
import { EcsRollout } from './ecs-rollout';

const policy: RolloutPolicy = {
  cluster: 'dco',
  canaryFraction: 0.25,
  canaryAnalysisMs: 30,
  gateMs: 30,
  pollIntervalMs: 5,
  steadyStateTimeoutMs: 200,
  maxErrorRate: 0.05,
  failureThreshold: 2,
};

class ScriptedProbe implements HealthProbe {
  readonly sampled: string[] = [];
  constructor(private readonly answer: (service: string) => HealthSample) {}
  async sample({ service }: { service: string }): Promise<HealthSample> {
    this.sampled.push(service);
    return this.answer(service);
  }
}

class RecordingEcs extends InMemoryEcsServices {
  readonly updates: UpdateServiceSpec[] = [];
  failedRevision?: string;
  override async updateService(spec: UpdateServiceSpec): Promise<ServiceStatus> {
    this.updates.push(spec);
    return super.updateService(spec);
  }
  override async describeService(cluster: string, name: string): Promise<ServiceStatus | undefined> {
    const status = await super.describeService(cluster, name);
    if (status && this.failedRevision === status.taskDefinition) {
      status.deployments = [{ ...status.deployments[0], rolloutState: 'FAILED', failedTasks: 3 }];
    }
    return status;
  }
}

async function deployedService() {
  const ecs = new RecordingEcs();
  await ecs.ensureCluster('dco');
  const v1 = await ecs.registerTaskDefinition({
    family: 'dco-runner',
    image: 'dco-runner:1',
    environment: { NEO4J_URI: 'bolt://blue:7687' },
  });
  await ecs.createService({ cluster: 'dco', serviceName: 'dco-runner', taskDefinition: v1.arn, desiredCount: 4 });
  return { ecs, v1 };
}

/** Measures the latency of whatever image ECS says the service runs: a slow image is a slow release. */
class ImageLatencyMeter implements HealthMeter {
  readonly measured: string[] = [];
  constructor(
    private readonly ecs: InMemoryEcsServices,
    private readonly latencyMsByImage: Record<string, number>,
  ) {}
  async measure(service: string): Promise<HealthMeasurement | undefined> {
    const status = await this.ecs.describeService('dco', service);
    const image = (await this.ecs.describeTaskDefinition(status?.taskDefinition ?? ''))?.image ?? '';
    this.measured.push(image);
    const latencyP99Ms = this.latencyMsByImage[image];
    return latencyP99Ms === undefined ? undefined : { requests: 100, latencyP99Ms, errorRate: 0, neo4jQueries: 0 };
  }
}

const comparing = (onRegression: 'rollback' | 'alert'): RolloutPolicy => ({
  ...policy,
  health: { ...DEFAULT_HEALTH_COMPARISON_POLICY, windowMs: 1, onRegression },
});

const healthy = (): HealthSample => ({ healthy: true, errorRate: 0, detail: '200' });

describe('EcsRollout', () => {
  it('runs the canary slice, then moves the whole service to the new revision', async () => {
    const { ecs, v1 } = await deployedService();
    const probe = new ScriptedProbe(healthy);
    const result = await new EcsRollout(ecs, probe, policy).deploy({ service: 'dco-runner', image: 'dco-runner:2' });
    expect(result.previousTaskDefinition).toBe(v1.arn);
    expect(await ecs.describeService('dco', 'dco-runner')).toMatchObject({ taskDefinition: result.taskDefinition });
    expect(await ecs.describeTaskDefinition(result.taskDefinition)).toMatchObject({
      image: 'dco-runner:2',
      environment: { NEO4J_URI: 'bolt://blue:7687' },
    });
    expect(await ecs.describeService('dco', 'dco-runner-canary')).toMatchObject({
      desiredCount: 0,
      taskDefinition: result.taskDefinition,
    });
    expect(probe.sampled.indexOf('dco-runner-canary')).toBeLessThan(probe.sampled.indexOf('dco-runner'));
  });

  it('rolls back to the previous revision when the new one fails its health gate', async () => {
    const { ecs, v1 } = await deployedService();
    const probe = new ScriptedProbe((service) =>
      service === 'dco-runner' ? { healthy: false, detail: '503 neo4j unreachable' } : healthy(),
    );
    await expect(
      new EcsRollout(ecs, probe, policy).deploy({ service: 'dco-runner', image: 'dco-runner:2' }),
    ).rejects.toMatchObject({
      code: 'INFRA.HEALTH_GATE_FAILED',
      detail: expect.stringContaining('503 neo4j unreachable'),
    });
    expect(await ecs.describeService('dco', 'dco-runner')).toMatchObject({ taskDefinition: v1.arn });
  });

  it('never touches the remaining tasks when the canary fails its analysis', async () => {
    const { ecs, v1 } = await deployedService();
    const probe = new ScriptedProbe((service) =>
      service === 'dco-runner-canary' ? { healthy: true, errorRate: 0.2, detail: '20/100 failed' } : healthy(),
    );
    await expect(
      new EcsRollout(ecs, probe, policy).deploy({ service: 'dco-runner', image: 'dco-runner:2' }),
    ).rejects.toMatchObject({ code: 'INFRA.CANARY_FAILED' });
    expect(ecs.updates.filter((update) => update.serviceName === 'dco-runner')).toEqual([]);
    expect(await ecs.describeService('dco', 'dco-runner')).toMatchObject({ taskDefinition: v1.arn });
    expect(await ecs.describeService('dco', 'dco-runner-canary')).toMatchObject({ desiredCount: 0 });
  });

  it('treats a tripped deployment circuit breaker as a failed gate', async () => {
    const { ecs, v1 } = await deployedService();
    ecs.failedRevision = 'arn:aws:ecs:us-east-1:123456789012:task-definition/dco-runner:2';
    const rollout = new EcsRollout(ecs, new ScriptedProbe(healthy), { ...policy, canaryFraction: 0 });
    await expect(rollout.deploy({ service: 'dco-runner', image: 'dco-runner:2' })).rejects.toMatchObject({
      code: 'INFRA.HEALTH_GATE_FAILED',
      detail: expect.stringContaining('circuit breaker'),
    });
    expect(await ecs.describeService('dco', 'dco-runner')).toMatchObject({ taskDefinition: v1.arn });
  });

  describe('failure threshold', () => {
    /** Answers from a script per service, then healthy once the script runs out. */
    const scripted = (script: Record<string, HealthSample[]>) =>
      new ScriptedProbe((service) => script[service]?.shift() ?? healthy());
    const blip = (): HealthSample => ({ healthy: false, detail: 'timed out after 2000 ms' });
    const events = () => {
      const seen: Array<{ event: string; fields: Record<string, unknown> }> = [];
      return { seen, write: (event: string, fields: Record<string, unknown>) => void seen.push({ event, fields }) };
    };

    it('rides out one failed sample: the next healthy one resets the count, and the failure is logged', async () => {
      const { ecs } = await deployedService();
      const probe = scripted({ 'dco-runner': [blip()], 'dco-runner-canary': [healthy(), blip()] });
      const log = events();
      const result = await new EcsRollout(ecs, probe, policy, log.write).deploy({
        service: 'dco-runner',
        image: 'dco-runner:2',
      });
      expect(await ecs.describeService('dco', 'dco-runner')).toMatchObject({ taskDefinition: result.taskDefinition });
      expect(log.seen.filter((e) => e.event === 'rollout.sample_failed').map((e) => e.fields)).toEqual([
        expect.objectContaining({ ecsService: 'dco-runner-canary', consecutive: 1, threshold: 2 }),
        expect.objectContaining({ ecsService: 'dco-runner', sample: 1, consecutive: 1, threshold: 2 }),
      ]);
    });

    it('fails the gate on failureThreshold failed samples in a row, naming each, and rolls back', async () => {
      const { ecs, v1 } = await deployedService();
      const probe = scripted({ 'dco-runner': [blip(), healthy(), blip(), { healthy: false, detail: '503 down' }] });
      const rollout = new EcsRollout(ecs, probe, { ...policy, gateMs: 10_000 });
      await expect(rollout.deploy({ service: 'dco-runner', image: 'dco-runner:2' })).rejects.toMatchObject({
        code: 'INFRA.HEALTH_GATE_FAILED',
        detail: expect.stringMatching(/^dco-runner sample 3: unhealthy: timed out.*; sample 4: unhealthy: 503 down/),
      });
      expect(await ecs.describeService('dco', 'dco-runner')).toMatchObject({ taskDefinition: v1.arn });
    });

    it('ends a window on a healthy sample only: a failure at its end is confirmed or cleared by one more', async () => {
      const { ecs } = await deployedService();
      const probe = scripted({ 'dco-runner': [blip()] });
      const rollout = new EcsRollout(ecs, probe, { ...policy, canaryFraction: 0, gateMs: 0 });
      await rollout.deploy({ service: 'dco-runner', image: 'dco-runner:2' });
      expect(probe.sampled).toEqual(['dco-runner', 'dco-runner']);
    });

    it('with a threshold of 1, the first failed sample fails the gate', async () => {
      const { ecs } = await deployedService();
      const probe = scripted({ 'dco-runner-canary': [blip()] });
      const rollout = new EcsRollout(ecs, probe, { ...policy, failureThreshold: 1 });
      await expect(rollout.deploy({ service: 'dco-runner', image: 'dco-runner:2' })).rejects.toMatchObject({
        code: 'INFRA.CANARY_FAILED',
      });
      expect(probe.sampled).toEqual(['dco-runner-canary']);
    });
  });

  it('does nothing when the service already runs the wanted image and environment', async () => {
    const { ecs, v1 } = await deployedService();
    const result = await new EcsRollout(ecs, new ScriptedProbe(healthy), policy).deploy({
      service: 'dco-runner',
      image: 'dco-runner:1',
    });
    expect(result.taskDefinition).toBe(v1.arn);
    expect(ecs.updates).toEqual([]);
  });

  describe('health before and after', () => {
    const log = () => {
      const events: string[] = [];
      return { events, write: (event: string) => void events.push(event) };
    };

    it('policy rollback: a release that doubles latency goes back to the previous revision and fails the step', async () => {
      const { ecs, v1 } = await deployedService();
      const meter = new ImageLatencyMeter(ecs, { 'dco-runner:1': 100, 'dco-runner:2': 200 });
      const events = log();
      const rollout = new EcsRollout(ecs, new ScriptedProbe(healthy), comparing('rollback'), events.write, meter);
      await expect(rollout.deploy({ service: 'dco-runner', image: 'dco-runner:2' })).rejects.toMatchObject({
        code: 'INFRA.HEALTH_REGRESSED',
        message: expect.stringContaining('latency p99 100 ms -> 200 ms (2.00x, limit 1.50x)'),
        detail: 'dco-runner: latency p99 100 ms -> 200 ms (2.00x, limit 1.50x)',
      });
      expect(meter.measured).toEqual(['dco-runner:1', 'dco-runner:2']);
      expect(await ecs.describeService('dco', 'dco-runner')).toMatchObject({ taskDefinition: v1.arn });
      expect(events.events).toContain('rollout.health_regressed');
      expect(events.events.at(-1)).toBe('rollout.rolled_back');
    });

    it('policy alert: the regressed release stays, and the result carries the comparison', async () => {
      const { ecs } = await deployedService();
      const meter = new ImageLatencyMeter(ecs, { 'dco-runner:1': 100, 'dco-runner:2': 200 });
      const rollout = new EcsRollout(ecs, new ScriptedProbe(healthy), comparing('alert'), undefined, meter);
      const result = await rollout.deploy({ service: 'dco-runner', image: 'dco-runner:2' });
      expect(await ecs.describeService('dco', 'dco-runner')).toMatchObject({ taskDefinition: result.taskDefinition });
      expect(result.health).toMatchObject({
        service: 'dco-runner',
        before: { latencyP99Ms: 100 },
        after: { latencyP99Ms: 200 },
        regressions: ['latency p99 100 ms -> 200 ms (2.00x, limit 1.50x)'],
      });
    });

    it('a release as fast as before goes through with its comparison', async () => {
      const { ecs } = await deployedService();
      const meter = new ImageLatencyMeter(ecs, { 'dco-runner:1': 100, 'dco-runner:2': 110 });
      const rollout = new EcsRollout(ecs, new ScriptedProbe(healthy), comparing('rollback'), undefined, meter);
      const result = await rollout.deploy({ service: 'dco-runner', image: 'dco-runner:2' });
      expect(result.health?.regressions).toEqual([]);
    });

    it('compares nothing when the metrics cannot be read, or the window is 0', async () => {
      const { ecs } = await deployedService();
      const unreadable = new ImageLatencyMeter(ecs, {});
      const events = log();
      const rollout = new EcsRollout(ecs, new ScriptedProbe(healthy), comparing('rollback'), events.write, unreadable);
      expect(await rollout.deploy({ service: 'dco-runner', image: 'dco-runner:2' })).not.toHaveProperty('health');
      expect(events.events).toContain('rollout.health_unmeasured');
      const off = new ImageLatencyMeter(ecs, { 'dco-runner:2': 100, 'dco-runner:3': 900 });
      const noWindow = { ...policy, health: { ...DEFAULT_HEALTH_COMPARISON_POLICY, windowMs: 0 } };
      const result = await new EcsRollout(ecs, new ScriptedProbe(healthy), noWindow, undefined, off).deploy({
        service: 'dco-runner',
        image: 'dco-runner:3',
      });
      expect(result).not.toHaveProperty('health');
      expect(off.measured).toEqual([]);
    });
  });
});
