// Every run's current state in this process: loaded from the SagaStore at start, then updated by each accepted message.
import { Injectable } from '@nestjs/common';
import { RunState, DayContext, dayContextOf, nextRunIdOf } from '@dco/saga';
import { Observable, Subject } from 'rxjs';

@Injectable()
export class RunRegistry {
  private readonly runs = new Map<string, RunState>();
  private readonly changed = new Subject<RunState>();
  /** Run ids handed out by the API whose RunRequested has not been consumed yet, so two quick requests get two ids. */
  private readonly reserved = new Set<string>();

  load(states: Iterable<RunState>): void {
    for (const state of states) this.runs.set(state.runId, state);
  }

  /**
   * Every run as `states` says (a fresh load or a standby's catch-up): runs not in it are forgotten, and each run whose
   * version changed is announced like an accepted change.
   */
  replace(states: Iterable<RunState>): void {
    const next = new Map<string, RunState>();
    for (const state of states) next.set(state.runId, state);
    const previous = new Map(this.runs);
    this.runs.clear();
    for (const [runId, state] of next) {
      this.runs.set(runId, state);
      this.reserved.delete(runId);
      if (previous.get(runId)?.version !== state.version) this.changed.next(state);
    }
  }

  /** A run deleted from the store (a tombstone). */
  remove(runId: string): void {
    this.runs.delete(runId);
  }

  get(runId: string): RunState | undefined {
    return this.runs.get(runId);
  }

  all(): RunState[] {
    return [...this.runs.values()];
  }

  put(state: RunState): void {
    this.runs.set(state.runId, state);
    this.reserved.delete(state.runId);
    this.changed.next(state);
  }

  /** Every accepted change of a run, in order. */
  get updates(): Observable<RunState> {
    return this.changed.asObservable();
  }

  dayContext(day: string, exceptRunId?: string): DayContext {
    return dayContextOf(this.runs.values(), day, exceptRunId);
  }

  /** The id the next run of `day` gets, reserved until its RunRequested arrives. */
  reserveRunId(day: string): string {
    const runId = nextRunIdOf([...this.runs.keys(), ...this.reserved], day);
    this.reserved.add(runId);
    return runId;
  }

  release(runId: string): void {
    this.reserved.delete(runId);
  }
}
