// Pure watchers that decide when to raise DLQ_GROWING and STEP_OVERDUE alerts; callers turn the result into AlertRaised messages.
import { AlertRaisedData } from '@dco/contracts';
import { ActiveStage } from '../metrics/run-telemetry.projector';

export interface RaisedAlert {
  runId: string;
  data: AlertRaisedData;
}

export interface DlqGrowthOptions {
  /** New dead letters on one topic, within the window, that make an alert. */
  threshold: number;
  windowMs: number;
}

/** Counts dead letters per topic in a sliding window; alerts once per topic and window when the count reaches the threshold. */
export class DlqGrowthWatcher {
  private readonly seen = new Map<string, number[]>();
  private readonly alertedAt = new Map<string, number>();

  constructor(private readonly options: DlqGrowthOptions) {}

  /** Records one dead letter; returns the alert when this one crosses the threshold. `runId` names the run the alert is filed under. */
  deadLettered(topic: string, code: string, now: Date, runId: string): RaisedAlert | undefined {
    const at = now.getTime();
    const recent = (this.seen.get(topic) ?? []).filter((time) => at - time < this.options.windowMs);
    recent.push(at);
    this.seen.set(topic, recent);
    const last = this.alertedAt.get(topic);
    if (recent.length < this.options.threshold || (last !== undefined && at - last < this.options.windowMs))
      return undefined;
    this.alertedAt.set(topic, at);
    const windowStart = Math.floor(at / this.options.windowMs);
    return {
      runId,
      data: {
        severity: 'warning',
        cause: 'DLQ_GROWING',
        dedupeKey: `DLQ_GROWING:${topic}:${windowStart}`,
        summary: `${recent.length} messages dead-lettered on ${topic} within ${Math.round(this.options.windowMs / 1000)}s (last code ${code})`,
        detail: `topic=${topic}.dlq threshold=${this.options.threshold} lastCode=${code}`,
      },
    };
  }
}

/** Expected duration per stage in ms ('run' = the whole run); stages without one are not watched. */
export type ExpectedDurations = Partial<Record<ActiveStage['stage'], number>>;

/** Raises STEP_OVERDUE (or RUN_OVERDUE) once per run and stage that has run longer than expected. */
export class OverdueWatcher {
  private readonly raised = new Set<string>();

  constructor(private readonly expected: ExpectedDurations) {}

  check(active: readonly ActiveStage[], now: Date): RaisedAlert[] {
    const alerts: RaisedAlert[] = [];
    for (const stage of active) {
      const limit = this.expected[stage.stage];
      if (limit === undefined) continue;
      const elapsed = now.getTime() - stage.startedAt.getTime();
      const key = `${stage.stage === 'run' ? 'RUN_OVERDUE' : 'STEP_OVERDUE'}:${stage.runId}:${stage.stage}`;
      if (elapsed <= limit || this.raised.has(key)) continue;
      this.raised.add(key);
      alerts.push({
        runId: stage.runId,
        data: {
          severity: stage.stage === 'run' ? 'critical' : 'warning',
          cause: stage.stage === 'run' ? 'RUN_OVERDUE' : 'STEP_OVERDUE',
          dedupeKey: key,
          summary: `${stage.stage} of ${stage.runId} has run ${Math.round(elapsed / 1000)}s, expected at most ${Math.round(limit / 1000)}s`,
        },
      });
    }
    return alerts;
  }
}
