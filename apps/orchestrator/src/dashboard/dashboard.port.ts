// What the dashboard shows and where it comes from: the views sent to the browser and the source that keeps them current.
import { Observable } from 'rxjs';
import { AlertSeverity, MigrationPhase } from '@dco/contracts';
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
  role: 'blue' | 'green';
  serving: boolean;
  state: 'serving' | 'standby' | 'retired';
}

export interface EcsServiceView {
  service: string;
  taskDefinition: string;
  revision?: number;
  /** What the last deployment reported; unknown until a deployment or a health read said so. */
  health: 'healthy' | 'rolled-back' | 'unknown';
  updatedAt: string;
}

export interface InfrastructureView {
  neo4j: Neo4jServerView[];
  ecs: EcsServiceView[];
  updatedAt?: string;
}

export interface DashboardSnapshot {
  runs: DashboardRun[];
  alerts: AlertView[];
  infrastructure: InfrastructureView;
  jaegerUiBase: string;
}

export type DashboardChange =
  | { kind: 'run'; run: DashboardRun }
  | { kind: 'alert'; alert: AlertView }
  | { kind: 'alert-closed'; dedupeKey: string }
  | { kind: 'infrastructure'; infrastructure: InfrastructureView }
  /** A committed audit entry (the run view loads the earlier ones from /api/audit). */
  | { kind: 'audit'; entry: AuditEntryView };

export interface DashboardSource {
  snapshot(): Promise<DashboardSnapshot>;
  changes(): Observable<DashboardChange>;
}

export const DASHBOARD_SOURCE = Symbol('DashboardSource');
