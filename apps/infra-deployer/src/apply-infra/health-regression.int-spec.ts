// Health before and after a rollout on the real stack (ADR 0025): ECS on the emulator, a real HTTP service whose latency
// follows the image ECS runs, measured from its real /metrics. A release that triples latency is detected and, by
// policy rollback, the service is back on its previous revision and answers as fast as before; a release as fast as
// before goes through with its comparison in InfraApplied.
import { DEFAULT_HEALTH_COMPARISON_POLICY, HttpHealthMeter } from '@dco/aws';
import { waitFor } from '@dco/testing';
import { LatencyService, startLatencyService, startTraffic } from './latency-service.fixture';
import { localInfra } from './local-infra.fixture';

jest.setTimeout(180_000);

const LATENCY_MS = {
  'dco-autopilot/dco-runner:0.1.0': 200,
  'dco-autopilot/dco-runner:0.2.0': 200,
  'dco-autopilot/dco-runner:0.3.0-slow': 600,
};
const WINDOW_MS = 2_000;
// 2x: a tripled latency is far above it; the load of a shared 2-core machine on a 200 ms service stays below it. (At
// 1.3x, CI saw an integration level's load take the same release from 234 to 314 ms p99 and roll it back.)
const thresholds = { ...DEFAULT_HEALTH_COMPARISON_POLICY.thresholds, latencyRatio: 2, neo4jLatencyRatio: 2 };
// Concurrent requests: even the slow release answers minRequests (20) within a window (12 / 0.6 s * 2 s = 40).
const TRAFFIC = 12;

describe('health before and after a rollout, on the emulator with a real service', () => {
  let infra: Awaited<ReturnType<typeof localInfra>>;
  let service: LatencyService | undefined;
  let traffic: { stop(): Promise<void> } | undefined;

  beforeAll(async () => {
    infra = await localInfra({
      health: { windowMs: WINDOW_MS, thresholds, onRegression: 'rollback' },
      endpoints: async (cluster, ecs) => {
        service = await startLatencyService(ecs, cluster, LATENCY_MS);
        const url = `${service.url}/dco-runner`;
        return { 'dco-runner': { healthUrl: `${url}/health`, metricsUrl: `${url}/metrics` } };
      },
    });
    await infra.applyInfra.execute('dco-2026-12-01', { day: '2026-12-01', changes: [] });
    traffic = startTraffic(`${service?.url}/dco-runner/work`, TRAFFIC);
  });
  afterAll(async () => {
    await traffic?.stop();
    await service?.close();
    await infra?.close();
  });

  const release = (day: string, image: string) =>
    infra.applyInfra.execute(`dco-${day}`, {
      day,
      changes: [
        { kind: 'app-release', subject: 'dco-runner', from: 'previous', to: image, risk: 'medium', reason: 'release' },
      ],
    });
  const imageRunning = async () => {
    const status = await infra.ecs.describeService(infra.cluster, 'dco-runner');
    return (await infra.ecs.describeTaskDefinition(status?.taskDefinition ?? ''))?.image;
  };

  it('a release as fast as before goes through, its comparison in InfraApplied', async () => {
    const outcome = await release('2026-12-02', 'dco-autopilot/dco-runner:0.2.0');
    expect(outcome.type).toBe('InfraApplied');
    const health = outcome.type === 'InfraApplied' ? outcome.data.health : undefined;
    expect(health).toEqual([expect.objectContaining({ service: 'dco-runner', regressions: [] })]);
    expect(health?.[0].before.requests).toBeGreaterThanOrEqual(thresholds.minRequests);
    expect(health?.[0].before.latencyP99Ms).toBeGreaterThanOrEqual(200);
    expect(health?.[0].before.neo4jQueries).toBeGreaterThanOrEqual(thresholds.minRequests);
    expect(await imageRunning()).toBe('dco-autopilot/dco-runner:0.2.0');
  });

  it('a release that triples latency is detected and rolled back: the service runs, and answers as, the old release', async () => {
    const before = (await infra.ecs.describeService(infra.cluster, 'dco-runner'))?.taskDefinition;
    const failure = await release('2026-12-03', 'dco-autopilot/dco-runner:0.3.0-slow').then(
      () => undefined,
      (error: { code: string; message: string; detail: string }) => error,
    );
    expect(failure).toMatchObject({
      code: 'INFRA.HEALTH_REGRESSED',
      detail: expect.stringContaining('Neo4j query p99'),
    });
    expect(failure?.message).toMatch(
      /^dco-runner regressed on \S+ \(latency p99 \d+ ms -> \d+ ms .*\); rolled back to /,
    );
    expect((await infra.ecs.describeService(infra.cluster, 'dco-runner'))?.taskDefinition).toBe(before);
    expect(await imageRunning()).toBe('dco-autopilot/dco-runner:0.2.0');
    // Requests that started on the slow release finish in the first window after the rollback; then it is fast again.
    const meter = new HttpHealthMeter({
      'dco-runner': { healthUrl: '', metricsUrl: `${service?.url}/dco-runner/metrics` },
    });
    const fastAgain = await waitFor(
      async () => {
        const measured = await meter.measure('dco-runner', 1_000);
        return measured?.latencyP99Ms !== undefined && measured.latencyP99Ms < 400 && measured;
      },
      { timeoutMs: 15_000, intervalMs: 0, description: 'dco-runner answering at the old release latency' },
    );
    expect(fastAgain.requests).toBeGreaterThan(0);
  });
});
