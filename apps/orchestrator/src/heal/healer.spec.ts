// The healer on in-memory fakes: Given a fault and a saga state, When it checks, Then the action, alert and audit entry.
import { AnyMessage, Clock, parseMessage } from '@dco/contracts';
import { InMemoryEcsServices } from '@dco/aws';
import {
  InMemoryBroker,
  InMemoryConsumerGroupOffsets,
  InMemoryDeadLetterQueue,
  InMemoryMessageBus,
} from '@dco/messaging';
import { ConnectionPointer, InMemoryConnectionPointerStore } from '@dco/neo4j';
import { DcoMetrics, InMemoryAlertPublisher } from '@dco/observability';
import { RunState } from '@dco/saga';
import { HealApprovals } from './heal-approvals';
import { HealConfig, healSettingsOf } from './heal.config';
import { Healer } from './healer.use-case';
import { InMemoryReachability } from './in-memory-reachability.fake';

const CLUSTER = 'dco-autopilot';
const BROKERS = 'kafka:9092';
const T0 = new Date('2026-11-26T05:00:00.000Z');

class StepClock implements Clock {
  constructor(public at: Date) {}
  now(): Date {
    return new Date(this.at);
  }
  advance(ms: number): void {
    this.at = new Date(this.at.getTime() + ms);
  }
}

async function harness(env: Partial<HealConfig> = {}) {
  const config = Object.assign(new HealConfig(), {
    DCO_HEALER: 'on',
    DCO_HEAL_GRACE_MS: 0,
    DCO_HEAL_COOLDOWN_MS: 60_000,
    DCO_HEAL_STUCK_MS: 30_000,
    DCO_HEAL_SERVICES: 'dco-runner',
    DCO_HEAL_CONSUMER_GROUPS: 'dco.dco-runner=dco-runner:RunDco',
    DCO_HEAL_DEAD_LETTER_TYPES: 'RunDco=dco.dco-runner',
    ...env,
  } satisfies Partial<HealConfig>);
  const ecs = new InMemoryEcsServices();
  await ecs.ensureCluster(CLUSTER);
  const definition = await ecs.registerTaskDefinition({ family: 'dco-runner', image: 'runner:1', environment: {} });
  await ecs.createService({
    cluster: CLUSTER,
    serviceName: 'dco-runner',
    taskDefinition: definition.arn,
    desiredCount: 2,
  });
  const broker = new InMemoryBroker();
  const bus = new InMemoryMessageBus({ broker });
  const groups = new InMemoryConsumerGroupOffsets();
  const pointer = new InMemoryConnectionPointerStore();
  const reach = new InMemoryReachability();
  reach.setUp(BROKERS, true);
  const alerts = new InMemoryAlertPublisher();
  const approvals = new HealApprovals();
  const clock = new StepClock(T0);
  const runs: RunState[] = [];
  const metrics = new DcoMetrics({ service: 'orchestrator' });
  let id = 0;
  const healer = new Healer({
    settings: healSettingsOf(config),
    ecs,
    cluster: CLUSTER,
    groups,
    deadLetters: new InMemoryDeadLetterQueue(broker),
    pointer,
    neo4j: reach,
    broker: reach,
    brokers: BROKERS,
    bus,
    alerts,
    runs: () => runs,
    approvals,
    clock,
    metrics,
    ids: { next: () => `00000000-0000-4000-8000-${String(++id).padStart(12, '0')}` },
  });
  const published = (type: string): AnyMessage[] =>
    broker.records(type).map((record) => {
      const parsed = parseMessage(record.value);
      if (!parsed.ok) throw new Error(`${type} refused: ${parsed.error.code}`);
      return parsed.message;
    });
  const audit = () => published('AuditRecorded').map((m) => (m.type === 'AuditRecorded' ? m.data : undefined));
  const raised = () => published('AlertRaised').map((m) => (m.type === 'AlertRaised' ? m.data.cause : undefined));
  const deployment = async () => (await ecs.describeService(CLUSTER, 'dco-runner'))?.deployments[0]?.id;
  const dcoRunning = () => runs.push({ runId: 'dco-2026-11-26', status: 'RunningDco', version: 9 } as RunState);
  const endDco = () => runs.splice(0, runs.length, { ...runs[0], status: 'Completed', version: 10 });
  return {
    healer,
    ecs,
    broker,
    groups,
    pointer,
    reach,
    alerts,
    approvals,
    clock,
    audit,
    raised,
    deployment,
    dcoRunning,
    endDco,
    counted: async () => (await metrics.healDecisions.get()).values.map((v) => ({ ...v.labels, n: v.value })),
  };
}

describe('Healer', () => {
  describe('an ECS service is unhealthy', () => {
    it('Given one of its two tasks stopped, When it checks, Then a new deployment, audited under the day, no alert', async () => {
      const h = await harness();
      h.ecs.stopTasks(CLUSTER, 'dco-runner', 1);
      const before = await h.deployment();
      const records = await h.healer.check();
      expect(records).toEqual([
        expect.objectContaining({ fault: 'ecs-unhealthy', target: 'dco-runner', decision: 'act' }),
      ]);
      expect(await h.deployment()).not.toBe(before);
      expect(h.audit()).toEqual([
        expect.objectContaining({
          kind: 'heal',
          actor: 'orchestrator/healer',
          cause: 'ecs-unhealthy',
          summary: expect.stringMatching(
            /^redeploy: new deployment ecs-svc\/\d+ of dco-runner on dco-autopilot \(dco-runner: 1 of 2 tasks running\)$/,
          ),
          reason: 'runbook docs/runbooks/self-healing.md#an-ecs-service-is-unhealthy',
        }),
      ]);
      expect(h.raised()).toEqual([]);
      // Healed: the next check finds nothing.
      expect(await h.healer.check()).toEqual([]);
    });

    it('Given the DCO is running, Then it refuses: no deployment, HEAL_REFUSED, a heal-refused entry on that run', async () => {
      const h = await harness();
      h.dcoRunning();
      h.ecs.stopTasks(CLUSTER, 'dco-runner', 1);
      const before = await h.deployment();
      expect(await h.healer.check()).toEqual([
        expect.objectContaining({ decision: 'refuse', code: 'HEAL.DCO_RUNNING' }),
      ]);
      expect(await h.deployment()).toBe(before);
      expect(h.raised()).toEqual(['HEAL_REFUSED']);
      expect(h.audit()).toEqual([
        expect.objectContaining({ kind: 'heal-refused', code: 'HEAL.DCO_RUNNING', version: 9, seq: 1_000 }),
      ]);
      // Refused again only after a cooldown; acted at the first check after the DCO.
      h.clock.advance(30_000);
      expect(await h.healer.check()).toEqual([]);
      h.clock.advance(30_000);
      expect((await h.healer.check())[0]).toMatchObject({ decision: 'refuse' });
      h.clock.advance(1_000);
      h.endDco();
      expect((await h.healer.check())[0]).toMatchObject({ decision: 'act' });
      expect(await h.deployment()).not.toBe(before);
      expect(await h.counted()).toEqual([
        { fault: 'ecs-unhealthy', decision: 'refuse', n: 2 },
        { fault: 'ecs-unhealthy', decision: 'act', n: 1 },
      ]);
    });

    it("Given the DCO is running and an operator's approval, Then it acts once and names the approver", async () => {
      const h = await harness({ DCO_HEAL_COOLDOWN_MS: 0 });
      h.dcoRunning();
      h.approvals.grant({
        fault: 'ecs-unhealthy',
        target: 'dco-runner',
        actor: 'alice',
        reason: 'runner down',
        at: '',
      });
      h.ecs.stopTasks(CLUSTER, 'dco-runner', 1);
      expect((await h.healer.check())[0]).toMatchObject({
        decision: 'act',
        summary: expect.stringMatching(/approved by alice: runner down$/),
      });
      expect(h.approvals.pending()).toEqual([]);
      h.ecs.stopTasks(CLUSTER, 'dco-runner', 1);
      expect((await h.healer.check())[0]).toMatchObject({ decision: 'refuse' });
    });

    it('Given policy alert, Then HEAL_NEEDED and no action; Given off, Then nothing', async () => {
      const alerting = await harness({ DCO_HEAL_ECS_UNHEALTHY: 'alert' });
      alerting.ecs.stopTasks(CLUSTER, 'dco-runner', 1);
      const before = await alerting.deployment();
      expect((await alerting.healer.check())[0]).toMatchObject({ decision: 'alert' });
      expect(await alerting.deployment()).toBe(before);
      expect(alerting.raised()).toEqual(['HEAL_NEEDED']);
      const off = await harness({ DCO_HEAL_ECS_UNHEALTHY: 'off' });
      off.ecs.stopTasks(CLUSTER, 'dco-runner', 1);
      expect(await off.healer.check()).toEqual([]);
      expect(off.audit()).toEqual([]);
    });

    it('Given the fault stays after each action, Then it waits a cooldown between attempts and gives up after the last', async () => {
      const h = await harness({ DCO_HEAL_MAX_ATTEMPTS: 2 });
      const attempt = async () => {
        h.ecs.stopTasks(CLUSTER, 'dco-runner', 1);
        return (await h.healer.check()).map((r) => r.decision);
      };
      expect(await attempt()).toEqual(['act']);
      h.clock.advance(30_000);
      expect(await attempt()).toEqual([]);
      h.clock.advance(30_000);
      expect(await attempt()).toEqual(['act']);
      h.clock.advance(60_000);
      expect(await attempt()).toEqual(['alert']);
      expect(h.raised()).toEqual(['HEAL_EXHAUSTED']);
    });
  });

  it('Given an action that fails, Then HEAL.ACTION_FAILED in the entry, HEAL_FAILED raised, counted as action-failed', async () => {
    const h = await harness();
    await h.ecs.deleteService(CLUSTER, 'dco-runner');
    expect(await h.healer.check()).toEqual([
      expect.objectContaining({
        decision: 'act',
        code: 'HEAL.ACTION_FAILED',
        summary: expect.stringMatching(/^redeploy failed: /),
      }),
    ]);
    expect(h.audit()).toEqual([expect.objectContaining({ kind: 'heal', code: 'HEAL.ACTION_FAILED' })]);
    expect(h.raised()).toEqual(['HEAL_FAILED']);
    expect(await h.counted()).toEqual([{ fault: 'ecs-unhealthy', decision: 'action-failed', n: 1 }]);
  });

  it('Given a group that commits nothing while its lag grows, Then its service gets a new deployment', async () => {
    const h = await harness();
    h.groups.createTopic('RunDco', 1);
    h.groups.append('RunDco', 0, 2);
    h.groups.commit('dco.dco-runner', 'RunDco', 0, 1);
    expect(await h.healer.check()).toEqual([]);
    h.clock.advance(15_000);
    h.groups.append('RunDco', 0, 1);
    expect(await h.healer.check()).toEqual([]);
    h.clock.advance(15_000);
    h.groups.append('RunDco', 0, 1);
    const before = await h.deployment();
    expect(await h.healer.check()).toEqual([
      expect.objectContaining({ fault: 'consumer-stuck', target: 'dco.dco-runner', decision: 'act' }),
    ]);
    expect(await h.deployment()).not.toBe(before);
    expect(h.audit()[0]?.summary).toMatch(/^restart: new deployment .* of dco-runner .*lag grew 1 -> 3\)$/);
  });

  it('Given dead letters of a failing handler and a later record handled, Then they are re-driven once', async () => {
    const h = await harness();
    const deadLetter = (offset: number, code: string) =>
      h.broker.append([
        {
          topic: 'RunDco.dlq',
          key: null,
          value: Buffer.from(`{"offset":${offset}}`),
          headers: {
            'dco-dlq-code': code,
            'dco-dlq-reason': 'r',
            'dco-dlq-topic': 'RunDco',
            'dco-dlq-partition': '0',
            'dco-dlq-offset': String(offset),
          },
        },
      ]);
    deadLetter(3, 'MSG.HANDLER_FAILED');
    deadLetter(4, 'MSG.VALIDATION_FAILED');
    h.groups.createTopic('RunDco', 1);
    h.groups.append('RunDco', 0, 6);
    h.groups.commit('dco.dco-runner', 'RunDco', 0, 5);
    expect(await h.healer.check()).toEqual([]);
    h.groups.append('RunDco', 0, 1);
    h.groups.commit('dco.dco-runner', 'RunDco', 0, 6);
    expect(await h.healer.check()).toEqual([expect.objectContaining({ fault: 'dead-letters', decision: 'act' })]);
    expect(h.broker.records('RunDco').map((r) => r.value?.toString())).toEqual(['{"offset":3}']);
    expect(h.audit()[0]?.summary).toMatch(/^redrive: re-drove 1 dead letter\(s\) to RunDco/);
    h.clock.advance(120_000);
    expect(await h.healer.check()).toEqual([]);
  });

  it('Given the pointer at a lost server and the previous one answering, Then it fails back and alerts HEAL_ACTED', async () => {
    const h = await harness();
    const pointer: ConnectionPointer = {
      current: { instanceId: 'i-green', boltUri: 'bolt://green:7687', version: '5.26.19' },
      previous: {
        instanceId: 'i-blue',
        boltUri: 'bolt://blue:7687',
        version: '5.20.0',
        retireAfter: '2026-12-01T00:00:00.000Z',
      },
      writes: 'open',
      generation: 4,
      updatedAt: T0.toISOString(),
    };
    await h.pointer.write(pointer);
    h.reach.setUp('bolt://blue:7687', true);
    expect(await h.healer.check()).toEqual([expect.objectContaining({ fault: 'neo4j-pointer', decision: 'act' })]);
    expect(await h.pointer.read()).toMatchObject({ current: { instanceId: 'i-blue' }, generation: 5 });
    expect(h.raised()).toEqual(['HEAL_ACTED']);
  });

  it('Given the pointer switched by a migration after the fault was seen, Then it does not fail back over the switch', async () => {
    const h = await harness();
    const lostGreen: ConnectionPointer = {
      current: { instanceId: 'i-green', boltUri: 'bolt://green:7687', version: '5.26.19' },
      previous: { instanceId: 'i-blue', boltUri: 'bolt://blue:7687', version: '5.20.0', retireAfter: T0.toISOString() },
      writes: 'open',
      generation: 4,
      updatedAt: T0.toISOString(),
    };
    const switched: ConnectionPointer = {
      ...lostGreen,
      current: { instanceId: 'i-green2', boltUri: 'bolt://green2:7687', version: '5.26.19' },
      previous: { ...lostGreen.current, retireAfter: T0.toISOString() },
      generation: 5,
    };
    await h.pointer.write(lostGreen);
    h.reach.setUp('bolt://blue:7687', true);
    // The healer's first read sees green lost; a migration then switches the pointer before the healer acts.
    const read = h.pointer.read.bind(h.pointer);
    let reads = 0;
    h.pointer.read = async () => {
      const seen = await read();
      if ((reads += 1) === 1) await h.pointer.write(switched);
      return seen;
    };
    const [record] = await h.healer.check();
    expect(record).toMatchObject({ fault: 'neo4j-pointer', decision: 'act', code: 'HEAL.ACTION_FAILED' });
    expect(record.summary).toContain('HEAL.TARGET_CHANGED');
    expect(await read()).toEqual(switched);
    expect(h.raised()).toEqual(['HEAL_FAILED']);
  });

  it('Given the broker unreachable, Then it backs off, alerts through EventBridge, and audits once the broker answers', async () => {
    const h = await harness({ DCO_HEAL_INTERVAL_MS: 1_000, DCO_HEAL_BACKOFF_MAX_MS: 4_000 });
    h.reach.setUp(BROKERS, false);
    expect((await h.healer.check())[0]).toMatchObject({ fault: 'broker-unreachable', decision: 'act' });
    expect(h.alerts.delivered().map((a) => a.detailType)).toEqual(['HEAL_ACTED']);
    expect(h.audit()).toEqual([]);
    h.clock.advance(500);
    expect(await h.healer.check()).toEqual([]);
    h.clock.advance(500);
    expect((await h.healer.check())[0]?.summary).toMatch(/pauses 2000 ms/);
    h.reach.setUp(BROKERS, true);
    h.clock.advance(2_000);
    expect(await h.healer.check()).toEqual([]);
    expect(h.audit().map((e) => e?.summary)).toEqual([
      expect.stringMatching(/pauses 1000 ms/),
      expect.stringMatching(/pauses 2000 ms/),
    ]);
  });
});
