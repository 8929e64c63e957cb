// What the dashboard shows and where it comes from: the views sent to the browser and the source that keeps them current.
import { Observable } from 'rxjs';
import { AlertSeverity, DrDrillCompletedData, MigrationPhase } from '@dco/contracts';
import { AuditEntryView } from '../audit-query/audit-entry.view';
import { RunSummaryView, RunView } from '../runs-query/run-view';

/** A run as the runs API shows it, plus the link to its trace and the live migration progress. */
export interface DashboardRun extends RunView {
  traceUrl: string;
  migration?: { phase: MigrationPhase; done: number; total: number; at: string };
}

/** The read side of the runs the dashboard needs (RunsQuery provides it). */
export interface RunsReader {
  list(filter?: { limit?: number }): RunSummaryView[];
  get(runId: string): RunView | undefined;
  updates(): Observable<RunView>;
}

export interface AlertView {
  runId: string;
  severity: AlertSeverity;
  cause: string;
  summary: string;
  detail?: string;
  dedupeKey: string;
  at: string;
  /** How often the same cause was raised; it is shown (and delivered) once. */
  count: number;
}

export interface Neo4jServerView {
  instanceId: string;
  version?: string;
  boltUri?: string;
  /** The fleet's dco:color tag (live read) or the migration's side (messages); unknown for an untagged instance. */
  role: 'blue' | 'green' | 'retiring' | 'unknown';
  /** The connection pointer names it as the server every consumer uses. */
  serving: boolean;
  state: 'serving' | 'standby' | 'retired';
  /** EC2's instance state (pending, running) and type, from the live read. */
  ec2State?: string;
  instanceType?: string;
}

export interface EcsServiceView {
  service: string;
  taskDefinition: string;
  revision?: number;
  /** Tasks wanted and running, and the primary deployment's rollout state (live read). */
  desiredCount?: number;
  runningCount?: number;
  pendingCount?: number;
  rolloutState?: string;
  /**
   * From the live read: healthy when every desired task runs, degraded when fewer do or a rollout failed; from messages
   * between reads: what the last deployment reported.
   */
  health: 'healthy' | 'degraded' | 'rolled-back' | 'unknown';
  updatedAt: string;
}

/** The Neo4j connection pointer (libs/neo4j): which server the services use, whether writes are open. */
export interface Neo4jPointerView {
  location: string;
  instanceId: string;
  boltUri: string;
  version: string;
  writes: 'open' | 'frozen';
  generation: number;
  updatedAt: string;
  previousInstanceId?: string;
}

export type LiveSource = 'ec2' | 'ecs' | 'pointer';

/** A part of the live read that failed: its stable code (DASHBOARD.INFRA_TIMEOUT, DASHBOARD.INFRA_UNAVAILABLE). */
export interface LiveReadError {
  source: LiveSource;
  code: string;
  message: string;
}

export interface InfrastructureView {
  neo4j: Neo4jServerView[];
  ecs: EcsServiceView[];
  pointer?: Neo4jPointerView;
  updatedAt?: string;
  /** The last read of the live fleet, services and pointer: when it ended, and which parts failed. */
  live?: { readAt: string; errors: LiveReadError[] };
}

/** The last DR drill of a kind (DrDrillCompleted, ADR 0026). */
export type DrillView = DrDrillCompletedData & { eventId: string };

export interface DashboardSnapshot {
  runs: DashboardRun[];
  alerts: AlertView[];
  infrastructure: InfrastructureView;
  /** The last drill of each kind, newest first. */
  drills: DrillView[];
  jaegerUiBase: string;
}

export type DashboardChange =
  | { kind: 'run'; run: DashboardRun }
  | { kind: 'alert'; alert: AlertView }
  | { kind: 'alert-closed'; dedupeKey: string }
  | { kind: 'infrastructure'; infrastructure: InfrastructureView }
  | { kind: 'drill'; drill: DrillView }
  /** A committed audit entry (the run view loads the earlier ones from /api/audit). */
  | { kind: 'audit'; entry: AuditEntryView };

export interface DashboardSource {
  snapshot(): Promise<DashboardSnapshot>;
  changes(): Observable<DashboardChange>;
}

export const DASHBOARD_SOURCE = Symbol('DashboardSource');
