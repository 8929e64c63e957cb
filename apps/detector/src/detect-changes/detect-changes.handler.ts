// The DetectChanges use case: every source in parallel, each under a timeout, folded into one ChangesDetected.
import { Change, ChangesDetectedData, Clock, CodedError, SourceReport, toFailure } from '@dco/contracts';
import { ChangeSource } from './change-source.port';

export interface DetectionPolicy {
  /** Per source; a slower source counts as failed. */
  sourceTimeoutMs: number;
  /**
   * Sources whose failure fails the whole detection (DETECT.SOURCE_FAILED). Others are reported as failed in
   * `sources` and the run goes on with what the rest found (ADR 0007): a missed change is found again tomorrow,
   * a failed detection would only delay the DCO.
   */
  requiredSources: string[];
}

export const DEFAULT_DETECTION_POLICY: DetectionPolicy = { sourceTimeoutMs: 10_000, requiredSources: [] };

export class DetectChangesHandler {
  constructor(
    private readonly sources: ChangeSource[],
    private readonly clock: Clock,
    private readonly policy: DetectionPolicy = DEFAULT_DETECTION_POLICY,
  ) {}

  async execute(day: string): Promise<ChangesDetectedData> {
    const now = this.clock.now();
    const results = await Promise.all(this.sources.map((source) => this.runSource(source, day, now)));
    const sources = results.map((result) => result.report);
    const failed = sources.filter((report) => report.status === 'failed');
    const requiredFailed = failed.filter((report) => this.policy.requiredSources.includes(report.source));
    if (requiredFailed.length > 0 || (failed.length > 0 && failed.length === sources.length)) {
      const which = requiredFailed.length > 0 ? requiredFailed : failed;
      throw new CodedError(
        'DETECT.SOURCE_FAILED',
        `change detection failed: ${which.map((report) => report.source).join(', ')}`,
        which.map((report) => `${report.source}: ${report.error}`).join('\n'),
      );
    }
    return { day, changes: results.flatMap((result) => result.changes), sources };
  }

  private async runSource(
    source: ChangeSource,
    day: string,
    now: Date,
  ): Promise<{ report: SourceReport; changes: Change[] }> {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const abort = new AbortController();
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          abort.abort();
          reject(
            new CodedError('DETECT.SOURCE_FAILED', `${source.name} timed out after ${this.policy.sourceTimeoutMs} ms`),
          );
        }, this.policy.sourceTimeoutMs);
      });
      const changes = await Promise.race([source.detect({ day, now, signal: abort.signal }), timeout]);
      return { report: { source: source.name, status: 'ok', durationMs: elapsed(started) }, changes };
    } catch (error) {
      const failure = toFailure(error);
      return {
        report: {
          source: source.name,
          status: 'failed',
          durationMs: elapsed(started),
          error: `${failure.code}: ${failure.message}`.slice(0, 2000),
        },
        changes: [],
      };
    } finally {
      clearTimeout(timer);
    }
  }
}

function elapsed(started: number): number {
  return Math.max(0, Math.round(performance.now() - started));
}
