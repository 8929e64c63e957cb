// How the day's offering gets executed: the built-in reference offering, or an existing DCO job run as an ECS task.
import { DataOf } from '@dco/contracts';

export type DcoResult = DataOf<'DcoCompleted'>;

export interface DcoRunRequest {
  day: string;
  runId: string;
  /** The run's updates were rolled back; the offering runs on the old infrastructure. */
  afterRollback: boolean;
}

export interface DcoExecutor {
  /** Runs (or resumes, or returns the stored result of) the day's offering; throws CodedError DCO.* on failure. */
  execute(request: DcoRunRequest): Promise<DcoResult>;
}

/** Optional hooks for progress output and phase metrics (CLI progress bar, Prometheus, the benchmark). */
export interface DcoRunObserver {
  phase?(name: 'read' | 'compute' | 'write', seconds: number): void;
  progress?(written: number, total: number): void;
}
