// DashboardBoard: runs come from the runs read side with their trace link; alerts, progress and infrastructure from messages.
import { Subject, firstValueFrom, take, toArray } from 'rxjs';
import { AnyMessage, MessageOf, MessageType, fixtureMessage } from '@dco/contracts';
import { runTraceIds } from '@dco/observability';
import { RunSummaryView, RunView } from '../runs-query/run-view';
import { DashboardBoard } from './dashboard.board';
import { DashboardChange, RunsReader } from './dashboard.port';

const RUN = 'dco-2026-11-26';
const view = (runId: string, status: string, startedAt: string): RunView => ({
  runId,
  day: runId.slice(4, 14),
  status,
  finished: ['Completed', 'CompletedAfterRollback', 'Failed'].includes(status),
  trigger: 'schedule',
  startedAt,
  updatedAt: startedAt,
  dcoDeadline: '2026-11-26T09:00:00.000Z',
  steps: [],
  changes: [],
  deferred: [],
  approvals: [],
  alerts: [],
  rolledBack: [],
  pendingCompensations: [],
});

class FakeRuns implements RunsReader {
  readonly runs = new Map<string, RunView>();
  readonly stream = new Subject<RunView>();
  list(): RunSummaryView[] {
    return [...this.runs.values()].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }
  get(runId: string): RunView | undefined {
    return this.runs.get(runId);
  }
  updates() {
    return this.stream.asObservable();
  }
  put(run: RunView): void {
    this.runs.set(run.runId, run);
    this.stream.next(run);
  }
}

const message = <T extends MessageType>(type: T, overrides: Partial<MessageOf<T>> = {}): AnyMessage =>
  fixtureMessage(type, { runId: RUN, ...overrides }) as AnyMessage;

describe('DashboardBoard', () => {
  it('lists runs newest first with their Jaeger trace link and streams their updates', async () => {
    const runs = new FakeRuns();
    const board = new DashboardBoard(runs, { jaegerUiBase: 'http://jaeger.example:16686/' });
    runs.put(view('dco-2026-11-25', 'Completed', '2026-11-25T06:00:00.000Z'));
    runs.put(view(RUN, 'ApplyingInfra', '2026-11-26T06:00:00.000Z'));
    const snapshot = await board.snapshot();
    expect(snapshot.runs.map((run) => run.runId)).toEqual([RUN, 'dco-2026-11-25']);
    expect(snapshot.runs[0].traceUrl).toBe(`http://jaeger.example:16686/trace/${runTraceIds(RUN).traceId}`);

    const next = firstValueFrom(board.changes());
    runs.put(view(RUN, 'MigratingDb', '2026-11-26T06:00:00.000Z'));
    expect(await next).toMatchObject({ kind: 'run', run: { runId: RUN, status: 'MigratingDb' } });
  });

  it('adds migration progress to the run and tracks Neo4j blue/green and ECS revisions', async () => {
    const runs = new FakeRuns();
    runs.put(view(RUN, 'MigratingDb', '2026-11-26T06:00:00.000Z'));
    const board = new DashboardBoard(runs);
    const changes = firstValueFrom(board.changes().pipe(take(4), toArray()));
    board.observe(message('DbMigrationProgress'));
    board.observe(message('InfraApplied'));
    board.observe(message('DbMigrated'));
    board.observe(message('DbRolledBack'));
    const kinds = (await changes).map((change: DashboardChange) => change.kind);
    expect(kinds).toEqual(['run', 'infrastructure', 'infrastructure', 'infrastructure']);
    const snapshot = await board.snapshot();
    expect(snapshot.runs[0].migration).toMatchObject({ phase: 'restore', done: 500, total: 1000 });
    expect(snapshot.infrastructure.ecs).toEqual([
      expect.objectContaining({ service: 'dco-runner', revision: 2, health: 'healthy' }),
    ]);
    expect(snapshot.infrastructure.neo4j.map((server) => [server.role, server.instanceId, server.state])).toEqual([
      ['blue', 'i-blue', 'serving'],
      ['green', 'i-green', 'retired'],
    ]);
  });

  it('keeps one alert per dedupeKey, counts repeats but not redeliveries, closes info alerts when the run ends, expires old ones', async () => {
    const runs = new FakeRuns();
    let now = Date.parse('2026-11-26T07:00:00.000Z');
    const board = new DashboardBoard(runs, { clock: { now: () => new Date(now) }, alertRetentionMs: 3_600_000 });
    const failed = message('AlertRaised', { occurredAt: '2026-11-26T06:30:00.000Z' });
    board.observe(failed);
    board.observe(failed);
    board.observe(message('AlertRaised', { occurredAt: '2026-11-26T06:31:00.000Z' }));
    board.observe(
      message('AlertRaised', {
        data: { severity: 'info', cause: 'APPROVAL_REQUIRED', dedupeKey: `${RUN}:approval`, summary: 'waits' },
      }),
    );
    let alerts = (await board.snapshot()).alerts;
    expect(alerts.map((alert) => [alert.cause, alert.count])).toEqual([
      ['STEP_FAILED', 2],
      ['APPROVAL_REQUIRED', 1],
    ]);
    board.observe(message('RunCompleted'));
    alerts = (await board.snapshot()).alerts;
    expect(alerts.map((alert) => alert.cause)).toEqual(['STEP_FAILED']);
    now += 2 * 3_600_000;
    expect((await board.snapshot()).alerts).toEqual([]);
  });
});
