// Turns a run's messages into stage durations, outcomes, rollbacks, migration progress and offering totals, and records the run's root span.
import { AnyMessage, Step } from '@dco/contracts';
import { DcoMetrics } from './dco-metrics';
import { RunSpanRecord } from '../tracing/tracing.setup';

/** Where the run's root span goes (the TracingHandle in apps). */
export interface RunSpanSink {
  recordRunSpan(record: RunSpanRecord): void;
}

export interface ActiveStage {
  runId: string;
  stage: Step | 'run';
  startedAt: Date;
}

const STAGE_STARTS: Partial<Record<AnyMessage['type'], Step>> = {
  DetectChanges: 'detect',
  ApprovalRequested: 'approval',
  ApplyInfra: 'apply-infra',
  MigrateDb: 'migrate-db',
  RunDco: 'run-dco',
  RollbackDb: 'rollback-db',
  RollbackInfra: 'rollback-infra',
};

const TERMINAL_OUTCOMES = {
  RunCompleted: 'completed',
  RunCompletedAfterRollback: 'completed_after_rollback',
  RunFailed: 'failed',
} as const;

/** The stage and outcome label a message closes, if it closes one. */
function stageEnd(message: AnyMessage): { stage: Step; outcome: string } | undefined {
  switch (message.type) {
    case 'ChangesDetected':
      return { stage: 'detect', outcome: 'ok' };
    case 'DetectionFailed':
      return { stage: 'detect', outcome: message.data.failure.code };
    case 'ApprovalGranted':
      return { stage: 'approval', outcome: 'granted' };
    case 'ApprovalRejected':
      return { stage: 'approval', outcome: 'rejected' };
    case 'InfraApplied':
      return { stage: 'apply-infra', outcome: 'ok' };
    case 'InfraApplyFailed':
      return { stage: 'apply-infra', outcome: message.data.failure.code };
    case 'DbMigrated':
      return { stage: 'migrate-db', outcome: 'ok' };
    case 'DbMigrationFailed':
      return { stage: 'migrate-db', outcome: message.data.failure.code };
    case 'DcoCompleted':
      return { stage: 'run-dco', outcome: 'ok' };
    case 'DcoFailed':
      return { stage: 'run-dco', outcome: message.data.failure.code };
    case 'DbRolledBack':
      return { stage: 'rollback-db', outcome: 'ok' };
    case 'DbRollbackFailed':
      return { stage: 'rollback-db', outcome: message.data.failure.code };
    case 'InfraRolledBack':
      return { stage: 'rollback-infra', outcome: 'ok' };
    case 'InfraRollbackFailed':
      return { stage: 'rollback-infra', outcome: message.data.failure.code };
    case 'StepTimedOut':
      return { stage: message.data.step, outcome: 'SAGA.STEP_TIMED_OUT' };
    default:
      return undefined;
  }
}

export class RunTelemetryProjector {
  private readonly starts = new Map<string, ActiveStage>();
  private readonly finished = new Set<string>();
  /** Runs whose migration completed: progress events travel on their own topic and may arrive after DbMigrated. */
  private readonly migrated = new Set<string>();

  constructor(
    private readonly metrics: DcoMetrics,
    private readonly spans?: RunSpanSink,
  ) {}

  /** Folds one message in; duplicates (at-least-once delivery) do not double count. */
  observe(message: AnyMessage): void {
    const at = new Date(message.occurredAt);
    if (message.type === 'RunStarted') {
      this.start({ runId: message.runId, stage: 'run', startedAt: at });
      return;
    }
    const startedStage = STAGE_STARTS[message.type];
    if (startedStage) this.start({ runId: message.runId, stage: startedStage, startedAt: at });

    const ended = stageEnd(message);
    if (ended) this.end(message.runId, ended.stage, ended.outcome, at);

    switch (message.type) {
      case 'DbRolledBack':
        this.once(message.eventId, () => this.metrics.rollbacks.inc({ step: 'rollback-db' }));
        break;
      case 'InfraRolledBack':
        this.once(message.eventId, () => this.metrics.rollbacks.inc({ step: 'rollback-infra' }));
        break;
      case 'DbMigrationProgress':
        if (this.migrated.has(message.runId)) break;
        this.metrics.migrationProgress.set(
          { phase: message.data.phase },
          message.data.total > 0 ? Math.min(1, message.data.done / message.data.total) : 0,
        );
        break;
      case 'DbMigrated':
        this.migrated.add(message.runId);
        for (const phase of ['provision', 'backup', 'restore', 'validate', 'switch'])
          this.metrics.migrationProgress.set({ phase }, 1);
        break;
      case 'DcoCompleted':
        // Base units are BigInt strings; a gauge is a float64, exact up to 2^53 base units, which is the documented limit here.
        this.metrics.offeringAllocatedBaseUnits.set(Number(BigInt(message.data.allocated)));
        this.metrics.offeringAllocations.set(message.data.allocationCount);
        break;
      case 'RunCompleted':
      case 'RunCompletedAfterRollback':
      case 'RunFailed':
        this.finishRun(message, at);
        break;
      default:
        break;
    }
  }

  /** Stages (and runs) started and not yet ended, for the overdue watcher and the dashboard. */
  activeStages(): ActiveStage[] {
    return [...this.starts.values()];
  }

  private start(stage: ActiveStage): void {
    const key = `${stage.runId}|${stage.stage}`;
    if (!this.starts.has(key)) this.starts.set(key, stage);
  }

  private end(runId: string, stage: Step | 'run', outcome: string, at: Date): void {
    const key = `${runId}|${stage}`;
    const started = this.starts.get(key);
    if (!started) return;
    this.starts.delete(key);
    const seconds = Math.max(0, (at.getTime() - started.startedAt.getTime()) / 1000);
    this.metrics.stageDuration.observe({ stage, outcome }, seconds);
  }

  private finishRun(message: Extract<AnyMessage, { type: keyof typeof TERMINAL_OUTCOMES }>, at: Date): void {
    if (this.finished.has(message.runId)) return;
    this.finished.add(message.runId);
    const outcome = TERMINAL_OUTCOMES[message.type];
    this.metrics.runs.inc({ outcome });
    const started = this.starts.get(`${message.runId}|run`);
    this.end(message.runId, 'run', outcome, at);
    for (const key of [...this.starts.keys()]) if (key.startsWith(`${message.runId}|`)) this.starts.delete(key);
    const failure = message.type === 'RunCompleted' ? undefined : message.data.failure;
    this.spans?.recordRunSpan({
      runId: message.runId,
      startedAt: started?.startedAt ?? at,
      endedAt: at,
      outcome,
      failed: message.type === 'RunFailed',
      attributes: {
        'dco.day': message.data.day,
        ...(failure ? { 'dco.failure_code': failure.code } : {}),
        ...(message.type === 'RunCompleted' ? { 'dco.steps': message.data.steps.map(String) } : {}),
      },
    });
  }

  private readonly seenEvents = new Set<string>();
  private once(eventId: string, fn: () => void): void {
    if (this.seenEvents.has(eventId)) return;
    this.seenEvents.add(eventId);
    fn();
  }
}
