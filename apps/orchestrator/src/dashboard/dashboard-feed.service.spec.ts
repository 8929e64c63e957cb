// DashboardFeedService on the in-memory bus: feeds the board, forwards alerts once through the publisher, raises overdue
// stages (on the active orchestrator only), reads the live infrastructure at start and loads the drills published before.
import { Subject } from 'rxjs';
import { AnyMessage, createMessage, fixtureMessage } from '@dco/contracts';
import { InMemoryEc2Inventory, InMemoryEcsServices } from '@dco/aws';
import { InMemoryConnectionPointerStore } from '@dco/neo4j';
import { InMemoryMessageBus } from '@dco/messaging';
import { DcoMetrics, DeduplicatingAlertPublisher, InMemoryAlertPublisher } from '@dco/observability';
import { CommonConfig, loadConfig } from '@dco/platform';
import { DEFAULT_POLICY } from '@dco/saga';
import { RunView } from '../runs-query/run-view';
import { DashboardBoard } from './dashboard.board';
import { DashboardConfig } from './dashboard.config';
import { DashboardFeedService } from './dashboard-feed.service';
import { InMemoryAuditLog } from '../audit-query/in-memory-audit-log.adapter';
import { Leadership } from '../leadership/leadership';
import { LiveInfrastructureReader } from './live-infrastructure.reader';
import { SoleLease } from '../leadership/orchestrator-lease';

const RUN = 'dco-2026-11-26';
let sequence = 0;
const ids = { next: () => `20000000-0000-4000-8000-${String(++sequence).padStart(12, '0')}` };

async function until(condition: () => boolean, what: string, deadlineMs = 5_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

async function liveReader(clock: { now: () => Date }) {
  const ecs = new InMemoryEcsServices();
  await ecs.ensureCluster('dco-autopilot');
  const definition = await ecs.registerTaskDefinition({
    family: 'dco-local-dco-runner',
    image: 'r:1',
    environment: {},
  });
  await ecs.createService({
    cluster: 'dco-autopilot',
    serviceName: 'dco-runner',
    taskDefinition: definition.arn,
    desiredCount: 2,
  });
  return new LiveInfrastructureReader({
    ec2: new InMemoryEc2Inventory(),
    ecs,
    pointer: new InMemoryConnectionPointerStore(),
    cluster: 'dco-autopilot',
    fleetTags: {},
    timeoutMs: 1_000,
    clock,
  });
}

describe('DashboardFeedService', () => {
  it('feeds the board and metrics, forwards each alert once, and raises STEP_OVERDUE for a stage past its expected duration', async () => {
    const bus = new InMemoryMessageBus();
    let now = new Date('2026-11-26T07:00:00.000Z');
    const clock = { now: () => now };
    const board = new DashboardBoard(
      { list: () => [], get: () => undefined, updates: () => new Subject<RunView>() },
      { clock },
    );
    const publisher = new InMemoryAlertPublisher();
    const metrics = new DcoMetrics({ service: 'orchestrator' });
    const platform = loadConfig(CommonConfig, { DCO_PROFILE: 'embedded' });
    const config = loadConfig(DashboardConfig, { DCO_ALERT_CHECK_INTERVAL_MS: '3600000' });
    // As createAlertPublisher builds it: EventBridge (here in memory) behind the dedupe window.
    const deduplicated = new DeduplicatingAlertPublisher(publisher, {
      windowMs: config.DCO_ALERT_DEDUPE_WINDOW_MS,
      clock,
    });
    // A standby until set active below: only the active orchestrator raises overdue alerts.
    const leadership = new Leadership(new SoleLease('orchestrator-a'));
    const feed = new DashboardFeedService(
      bus,
      board,
      deduplicated,
      platform,
      config,
      DEFAULT_POLICY,
      clock,
      ids,
      await liveReader(clock),
      new InMemoryAuditLog(bus, 'DrDrillCompleted'),
      metrics,
      leadership,
    );
    const raised: AnyMessage[] = [];
    await bus.ensureTopics(['AlertRaised']);
    await bus.subscribe({
      group: 'observer',
      types: ['AlertRaised'],
      handler: async (message) => void raised.push(message),
    });
    // A drill that ended before the orchestrator started: read back from the retained topic.
    await bus.ensureTopics(['DrDrillCompleted']);
    await bus.publish(fixtureMessage('DrDrillCompleted', { runId: RUN }));
    await feed.onApplicationBootstrap();
    try {
      await until(() => board.lastDrills().length === 1, 'the earlier drill on the board');
      // The live read at start: the ECS service as the port reports it.
      await until(
        () => (board as unknown as { infrastructure: { live?: unknown } }).infrastructure.live !== undefined,
        'the first live read',
      );
      const { infrastructure } = await board.snapshot();
      expect(infrastructure.ecs).toEqual([
        expect.objectContaining({
          service: 'dco-runner',
          revision: 1,
          desiredCount: 2,
          runningCount: 2,
          health: 'healthy',
        }),
      ]);
      expect(infrastructure.live?.errors).toEqual([]);

      // migrate-db is expected to take 30 minutes; it started 45 minutes ago.
      await bus.publish(
        fixtureMessage('RunStarted', { runId: RUN, occurredAt: '2026-11-26T06:00:00.000Z' }),
        fixtureMessage('MigrateDb', { runId: RUN, occurredAt: '2026-11-26T06:15:00.000Z' }),
        fixtureMessage('DbMigrationProgress', { runId: RUN, occurredAt: '2026-11-26T06:20:00.000Z' }),
      );
      await until(
        () => (board as unknown as { migrations: Map<string, unknown> }).migrations.size === 1,
        'the progress to reach the board',
      );

      await feed.raiseOverdue();
      // Raised by the active one's check (a minute later), not by the standby's.
      now = new Date('2026-11-26T07:01:00.000Z');
      leadership.set('active');
      await feed.raiseOverdue();
      await until(() => raised.length === 1, 'the overdue alert on the bus');
      expect(raised[0].occurredAt).toBe('2026-11-26T07:01:00.000Z');
      expect(raised[0]).toMatchObject({
        runId: RUN,
        producer: 'orchestrator',
        data: { cause: 'STEP_OVERDUE', dedupeKey: `STEP_OVERDUE:${RUN}:migrate-db` },
      });
      await feed.raiseOverdue();
      await until(
        () =>
          publisher.delivered().length === 1 &&
          (board as unknown as { alerts: Map<string, unknown> }).alerts.size === 1,
        'the alert forwarded and shown',
      );
      expect(raised).toHaveLength(1);

      // The same alert raised again (another event of the same cause) is shown as a repeat and not delivered again.
      await bus.publish(
        createMessage(
          'AlertRaised',
          (raised[0] as Extract<AnyMessage, { type: 'AlertRaised' }>).data,
          { runId: RUN, producer: 'orchestrator' },
          { clock, ids },
        ),
      );
      await until(
        () =>
          (board as unknown as { alerts: Map<string, { count: number }> }).alerts.get(`STEP_OVERDUE:${RUN}:migrate-db`)
            ?.count === 2,
        'the repeat on the board',
      );
      expect(publisher.delivered()).toHaveLength(1);
    } finally {
      await feed.beforeApplicationShutdown();
      await bus.close();
    }
  });
});
