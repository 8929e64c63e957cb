// RunsQuery: the injectable read side of the runs (list, one run, a live stream of changes) for the API and the dashboard.
import { Injectable } from '@nestjs/common';
import { Observable, map } from 'rxjs';
import { RunRegistry } from '../run-saga/run-registry';
import { RunSummaryView, RunView, toSummary, toView } from './run-view';

export interface RunsFilter {
  day?: string;
  status?: string;
  limit?: number;
}

@Injectable()
export class RunsQuery {
  constructor(private readonly registry: RunRegistry) {}

  /** Newest first. */
  list(filter: RunsFilter = {}): RunSummaryView[] {
    return this.registry
      .all()
      .filter(
        (run) => (filter.day ? run.day === filter.day : true) && (filter.status ? run.status === filter.status : true),
      )
      .sort((a, b) =>
        a.startedAt === b.startedAt ? b.runId.localeCompare(a.runId) : b.startedAt.localeCompare(a.startedAt),
      )
      .slice(0, filter.limit ?? 100)
      .map(toSummary);
  }

  get(runId: string): RunView | undefined {
    const state = this.registry.get(runId);
    return state ? toView(state) : undefined;
  }

  /** Each accepted change of any run, as its full view; subscribe for server-sent events. */
  updates(): Observable<RunView> {
    return this.registry.updates.pipe(map(toView));
  }
}
