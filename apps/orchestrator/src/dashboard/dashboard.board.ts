// The dashboard's read model: runs from RunsQuery, open alerts, migration progress and the last DR drills folded from bus
// messages, and the infrastructure from live reads (EC2/ECS/pointer) patched by messages between two reads.
import { Observable, Subject, map, merge } from 'rxjs';
import { AnyMessage, Clock, systemClock } from '@dco/contracts';
import { jaegerTraceUrl } from '@dco/observability';
import { toAuditView } from '../audit-query/audit-entry.view';
import { RunView } from '../runs-query/run-view';
import { infrastructureFromLive, LiveInfrastructureRead, revisionOf } from './live-infrastructure';
import {
  AlertView,
  DashboardChange,
  DashboardRun,
  DashboardSnapshot,
  DashboardSource,
  DrillView,
  EcsServiceView,
  InfrastructureView,
  Neo4jServerView,
  RunsReader,
} from './dashboard.port';

export interface DashboardBoardOptions {
  jaegerUiBase?: string;
  clock?: Clock;
  /** Runs listed in the history. */
  maxRuns?: number;
  /** How long an alert stays open. */
  alertRetentionMs?: number;
}

export class DashboardBoard implements DashboardSource {
  private readonly alerts = new Map<string, AlertView>();
  private readonly alertEvents = new Map<string, Set<string>>();
  private readonly migrations = new Map<string, NonNullable<DashboardRun['migration']>>();
  private infrastructure: InfrastructureView;
  private readonly drills = new Map<string, DrillView>();
  private readonly local = new Subject<DashboardChange>();
  private readonly snapshotRequests = new Subject<void>();
  private readonly jaegerUiBase: string;
  private readonly clock: Clock;

  constructor(
    private readonly runs: RunsReader,
    private readonly options: DashboardBoardOptions = {},
  ) {
    this.jaegerUiBase = options.jaegerUiBase ?? 'http://127.0.0.1:16686';
    this.clock = options.clock ?? systemClock;
    this.infrastructure = { neo4j: [], ecs: [] };
  }

  async snapshot(): Promise<DashboardSnapshot> {
    // A page (re)loads: the live infrastructure is read again, and arrives as an event; the snapshot never waits for it.
    this.snapshotRequests.next();
    this.expireAlerts();
    const runs = this.runs
      .list({ limit: this.options.maxRuns ?? 60 })
      .map((summary) => this.runs.get(summary.runId))
      .filter((run): run is RunView => run !== undefined)
      .map((run) => this.enrich(run));
    return {
      runs,
      alerts: [...this.alerts.values()].sort((a, b) => b.at.localeCompare(a.at)),
      infrastructure: this.infrastructure,
      drills: this.lastDrills(),
      jaegerUiBase: this.jaegerUiBase,
    };
  }

  /** Emits on every snapshot read (page load); the live refresh listens. */
  snapshotRequested(): Observable<void> {
    return this.snapshotRequests.asObservable();
  }

  /** A live read of the fleet, services and pointer replaces what messages folded in (a failed part keeps it). */
  applyLive(read: LiveInfrastructureRead): void {
    this.setInfrastructure(infrastructureFromLive(read, this.infrastructure));
  }

  /** The last drill of each kind, newest first. */
  lastDrills(): DrillView[] {
    return [...this.drills.values()].sort((a, b) => b.completedAt.localeCompare(a.completedAt));
  }

  changes(): Observable<DashboardChange> {
    const runChanges = this.runs
      .updates()
      .pipe(map((run): DashboardChange => ({ kind: 'run', run: this.enrich(run) })));
    return merge(runChanges, this.local.asObservable());
  }

  /** A run that ended closes its informational alerts (such as APPROVAL_REQUIRED); warnings stay until they expire. */
  runEnded(runId: string): void {
    for (const [key, alert] of this.alerts) {
      if (alert.runId !== runId || alert.severity !== 'info') continue;
      this.alerts.delete(key);
      this.alertEvents.delete(key);
      this.local.next({ kind: 'alert-closed', dedupeKey: key });
    }
  }

  /** Folds a bus message in: alerts, migration progress, Neo4j blue/green, ECS revisions, DR drills; passes audit entries on. */
  observe(message: AnyMessage): void {
    switch (message.type) {
      case 'RunCompleted':
      case 'RunCompletedAfterRollback':
      case 'RunFailed':
        return this.runEnded(message.runId);
      case 'AlertRaised':
        return this.raise(message.eventId, message.runId, message.occurredAt, message.data);
      case 'AuditRecorded':
        return this.local.next({ kind: 'audit', entry: toAuditView(message) });
      case 'DrDrillCompleted': {
        // Replays (the start's read of the retained topic, a redelivery) never replace a newer drill of the kind.
        const known = this.drills.get(message.data.kind);
        if (known && (known.eventId === message.eventId || known.completedAt > message.data.completedAt)) return;
        const drill: DrillView = { ...message.data, misses: [...message.data.misses], eventId: message.eventId };
        this.drills.set(drill.kind, drill);
        return this.local.next({ kind: 'drill', drill });
      }
      case 'DbMigrationProgress': {
        this.migrations.set(message.runId, { ...message.data, at: message.occurredAt });
        const run = this.runs.get(message.runId);
        if (run) this.local.next({ kind: 'run', run: this.enrich(run) });
        return;
      }
      case 'DbMigrated': {
        const known = this.infrastructure.neo4j.find((server) => server.instanceId === message.data.fromInstanceId);
        const blue: Neo4jServerView = {
          instanceId: message.data.fromInstanceId,
          version: message.data.fromVersion,
          ...(known?.boltUri ? { boltUri: known.boltUri } : {}),
          role: 'blue',
          serving: false,
          state: 'standby',
        };
        const green: Neo4jServerView = {
          instanceId: message.data.toInstanceId,
          version: message.data.toVersion,
          boltUri: message.data.boltUri,
          role: 'green',
          serving: true,
          state: 'serving',
        };
        return this.setInfrastructure({ ...this.infrastructure, neo4j: [blue, green], updatedAt: message.occurredAt });
      }
      case 'DbRolledBack': {
        const neo4j = this.infrastructure.neo4j.map((server): Neo4jServerView => {
          if (server.instanceId === message.data.servingInstanceId)
            return { ...server, serving: true, state: 'serving', boltUri: message.data.boltUri };
          if (server.instanceId === message.data.terminatedInstanceId)
            return { ...server, serving: false, state: 'retired' };
          return { ...server, serving: false, state: server.state === 'retired' ? 'retired' : 'standby' };
        });
        if (!neo4j.some((server) => server.instanceId === message.data.servingInstanceId)) {
          neo4j.unshift({
            instanceId: message.data.servingInstanceId,
            boltUri: message.data.boltUri,
            role: 'blue',
            serving: true,
            state: 'serving',
          });
        }
        return this.setInfrastructure({ ...this.infrastructure, neo4j, updatedAt: message.occurredAt });
      }
      case 'InfraApplied':
      case 'InfraRolledBack': {
        const health: EcsServiceView['health'] = message.type === 'InfraApplied' ? 'healthy' : 'rolled-back';
        const byService = new Map(this.infrastructure.ecs.map((service) => [service.service, service]));
        for (const revision of message.data.services) {
          byService.set(revision.service, {
            service: revision.service,
            taskDefinition: revision.taskDefinition,
            ...(revisionOf(revision.taskDefinition) !== undefined
              ? { revision: revisionOf(revision.taskDefinition) }
              : {}),
            health,
            updatedAt: message.occurredAt,
          });
        }
        const ecs = [...byService.values()].sort((a, b) => a.service.localeCompare(b.service));
        return this.setInfrastructure({ ...this.infrastructure, ecs, updatedAt: message.occurredAt });
      }
      default:
        return;
    }
  }

  private enrich(run: RunView): DashboardRun {
    const migration = this.migrations.get(run.runId);
    return { ...run, traceUrl: jaegerTraceUrl(run.runId, this.jaegerUiBase), ...(migration ? { migration } : {}) };
  }

  private raise(
    eventId: string,
    runId: string,
    at: string,
    data: { severity: AlertView['severity']; cause: string; summary: string; detail?: string; dedupeKey: string },
  ): void {
    // A redelivered AlertRaised is the same raise; a new event with the same key is the cause raised again.
    const events = this.alertEvents.get(data.dedupeKey) ?? new Set<string>();
    if (events.has(eventId)) return;
    events.add(eventId);
    this.alertEvents.set(data.dedupeKey, events);
    const existing = this.alerts.get(data.dedupeKey);
    const alert: AlertView = existing
      ? { ...existing, count: events.size }
      : {
          runId,
          at,
          severity: data.severity,
          cause: data.cause,
          summary: data.summary,
          dedupeKey: data.dedupeKey,
          count: 1,
          ...(data.detail ? { detail: data.detail } : {}),
        };
    this.alerts.set(data.dedupeKey, alert);
    this.local.next({ kind: 'alert', alert });
  }

  private setInfrastructure(infrastructure: InfrastructureView): void {
    this.infrastructure = infrastructure;
    this.local.next({ kind: 'infrastructure', infrastructure });
  }

  private expireAlerts(): void {
    const retention = this.options.alertRetentionMs ?? 24 * 3600_000;
    const now = this.clock.now().getTime();
    for (const [key, alert] of this.alerts) {
      if (now - Date.parse(alert.at) <= retention) continue;
      this.alerts.delete(key);
      this.alertEvents.delete(key);
    }
  }
}
