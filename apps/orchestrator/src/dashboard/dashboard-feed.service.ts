// Feeds the dashboard, the run metrics and root spans from the bus, forwards AlertRaised to EventBridge, raises overdue
// alerts, keeps the infrastructure panel live (EC2/ECS/pointer reads) and loads the last DR drills at start.
import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  Optional,
} from '@nestjs/common';
import { Clock, IdGenerator, MessageType, createMessage } from '@dco/contracts';
import { MessageBus, SubscriptionHandle } from '@dco/messaging';
import {
  AlertPublisher,
  DcoMetrics,
  OverdueWatcher,
  RunTelemetryProjector,
  alertForwardingSubscription,
  currentTracing,
} from '@dco/observability';
import { CLOCK, CommonConfig, ID_GENERATOR, MESSAGE_BUS, PLATFORM_CONFIG } from '@dco/platform';
import { RunPolicy } from '@dco/saga';
import { AuditLog } from '../audit-query/audit-log.port';
import { Leadership } from '../leadership/leadership';
import { RUN_POLICY } from '../run-saga/saga-consumer.service';
import { DashboardBoard } from './dashboard.board';
import { DASHBOARD_CONFIG, DashboardConfig } from './dashboard.config';
import { DASHBOARD_SOURCE } from './dashboard.port';
import { LIVE_INFRASTRUCTURE_READER } from './dashboard.tokens';
import { LiveInfrastructureReader } from './live-infrastructure.reader';
import { LiveInfrastructureRefresh } from './live-infrastructure.refresh';

export const ALERT_PUBLISHER = Symbol('AlertPublisher');

/** The retained DR drill figures (DrDrillCompleted, ADR 0026) read back at start, and the reader's group prefix. */
export const DRILL_LOG = Symbol('DrillLog');
export const DRILL_TOPIC: MessageType = 'DrDrillCompleted';
export const DRILL_READER_GROUP = 'orchestrator-drill-reader.';

/** A page load reads the live infrastructure again only when the last read started longer ago than this. */
export const LIVE_READ_MIN_GAP_MS = 5_000;

/** What the dashboard and the run telemetry read: every step's command and outcome, progress, alerts, final states, audit. */
export const DASHBOARD_FEED_TYPES: readonly MessageType[] = [
  'RunStarted',
  'DetectChanges',
  'ChangesDetected',
  'DetectionFailed',
  'ApprovalRequested',
  'ApprovalGranted',
  'ApprovalRejected',
  'ApplyInfra',
  'InfraApplied',
  'InfraApplyFailed',
  'MigrateDb',
  'DbMigrationProgress',
  'DbMigrated',
  'DbMigrationFailed',
  'RunDco',
  'DcoCompleted',
  'DcoFailed',
  'RollbackDb',
  'DbRolledBack',
  'DbRollbackFailed',
  'RollbackInfra',
  'InfraRolledBack',
  'InfraRollbackFailed',
  'StepTimedOut',
  'RunCompleted',
  'RunCompletedAfterRollback',
  'RunFailed',
  'AlertRaised',
  'AuditRecorded',
  'DrDrillCompleted',
];

@Injectable()
export class DashboardFeedService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Dashboard');
  private readonly handles: SubscriptionHandle[] = [];
  private readonly projector: RunTelemetryProjector;
  private readonly overdue: OverdueWatcher;
  private timer?: NodeJS.Timeout;
  private readonly live: LiveInfrastructureRefresh;
  private snapshotRequests?: { unsubscribe(): void };
  private drillsLoaded?: Promise<void>;

  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(DASHBOARD_SOURCE) private readonly board: DashboardBoard,
    @Inject(ALERT_PUBLISHER) private readonly publisher: AlertPublisher,
    @Inject(PLATFORM_CONFIG) private readonly platform: CommonConfig,
    @Inject(DASHBOARD_CONFIG) private readonly config: DashboardConfig,
    @Inject(RUN_POLICY) policy: RunPolicy,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @Inject(LIVE_INFRASTRUCTURE_READER) reader: LiveInfrastructureReader,
    @Inject(DRILL_LOG) private readonly drills: AuditLog,
    @Optional() private readonly metrics?: DcoMetrics,
    @Optional() private readonly leadership?: Leadership,
  ) {
    this.projector = new RunTelemetryProjector(metrics ?? new DcoMetrics({ service: 'orchestrator' }), {
      recordRunSpan: (record) => currentTracing()?.recordRunSpan(record),
    });
    const expected = Object.fromEntries(
      Object.entries(policy.steps).map(([step, timing]) => [step, timing.expectedMs]),
    );
    this.overdue = new OverdueWatcher({ ...expected, run: config.DCO_RUN_EXPECTED_MS });
    this.live = new LiveInfrastructureRefresh(reader, (read) => board.applyLive(read), {
      intervalMs: config.DCO_DASHBOARD_INFRA_REFRESH_MS,
      minGapMs: LIVE_READ_MIN_GAP_MS,
      onError: (error) =>
        this.logger.error(`infrastructure panel: ${error instanceof Error ? error.message : String(error)}`),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.bus.ensureTopics([...DASHBOARD_FEED_TYPES]);
    const namespace = this.platform.DCO_NAMESPACE;
    // Every orchestrator replica shows everything: its own group per instance.
    const instance = (this.platform.DCO_INSTANCE_ID ?? `${process.pid}`).replace(/[^A-Za-z0-9_-]/g, '-');
    this.handles.push(
      await this.bus.subscribe({
        group: `${namespace}.orchestrator-dashboard.${instance}`,
        types: DASHBOARD_FEED_TYPES,
        handler: async (message) => {
          this.board.observe(message);
          this.projector.observe(message);
        },
      }),
    );
    // Alerts are delivered once for all replicas: one shared group.
    this.handles.push(
      await this.bus.subscribe(
        alertForwardingSubscription({
          publisher: this.publisher,
          metrics: this.metrics,
          group: `${namespace}.orchestrator-alerts`,
        }),
      ),
    );
    this.timer = setInterval(() => void this.raiseOverdue(), this.config.DCO_ALERT_CHECK_INTERVAL_MS);
    this.timer.unref();
    // Neither waits: the first live read and the retained drills arrive on open pages as events.
    this.live.start();
    this.snapshotRequests = this.board.snapshotRequested().subscribe(() => this.live.requested());
    this.drillsLoaded = this.loadDrills();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.snapshotRequests?.unsubscribe();
    await this.live.stop();
    await this.drillsLoaded;
    for (const handle of this.handles.splice(0)) await handle.stop();
  }

  /** The last drills from before this process started (the subscription sees only the ones after). */
  private async loadDrills(): Promise<void> {
    try {
      for (const message of await this.drills.read((message) => message.type === 'DrDrillCompleted'))
        this.board.observe(message);
    } catch (error) {
      this.logger.warn(
        `could not read the last DR drills back: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  /** Checks running stages against their expected durations; each overdue stage is raised once, by the active. */
  async raiseOverdue(): Promise<void> {
    // A timer: the active orchestrator's alone, or every standby would raise the same alert again (ADR 0004).
    if (this.leadership && this.leadership.role !== 'active') return;
    const alerts = this.overdue.check(this.projector.activeStages(), this.clock.now());
    if (alerts.length === 0) return;
    const messages = alerts.map((alert) =>
      createMessage(
        'AlertRaised',
        alert.data,
        { runId: alert.runId, producer: 'orchestrator' },
        { clock: this.clock, ids: this.ids },
      ),
    );
    try {
      await this.bus.publish(...messages);
    } catch (error) {
      this.logger.error(
        `could not raise ${messages.length} overdue alert(s): ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}
