// DashboardBoard: runs come from the runs read side with their trace link; alerts, progress and infrastructure from messages.
import { Subject, firstValueFrom, take, toArray } from 'rxjs';
import { AnyMessage, FIXTURE_DATA, MessageOf, MessageType, fixtureMessage } from '@dco/contracts';
import { runTraceIds } from '@dco/observability';
import { RunSummaryView, RunView } from '../runs-query/run-view';
import { DashboardBoard } from './dashboard.board';
import { DashboardChange, RunsReader } from './dashboard.port';
import { LiveInfrastructureRead } from './live-infrastructure';

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

  it('replaces the message-folded infrastructure with a live read, and keeps a failed part with its coded error', async () => {
    const board = new DashboardBoard(new FakeRuns());
    board.observe(message('InfraApplied'));
    const live = (readAt: string, over: Partial<LiveInfrastructureRead> = {}): LiveInfrastructureRead => ({
      readAt,
      instances: [
        {
          instanceId: 'i-0a',
          imageId: 'ami-1',
          instanceType: 'r6i.large',
          state: 'running',
          tags: { 'dco:role': 'neo4j', 'dco:color': 'green', 'dco:bolt-uri': 'bolt://10.0.0.7:7687' },
          version: '5.26.19',
        },
      ],
      services: [
        {
          cluster: 'dco-autopilot',
          serviceName: 'dco-runner',
          taskDefinition: 'arn:aws:ecs:us-east-1:1:task-definition/dco-local-dco-runner:7',
          desiredCount: 2,
          runningCount: 1,
          pendingCount: 1,
          deployments: [],
        },
      ],
      pointer: {
        current: { instanceId: 'i-0a', boltUri: 'bolt://10.0.0.7:7687', version: '5.26.19' },
        writes: 'open',
        generation: 3,
        updatedAt: '2026-11-26T06:40:00.000Z',
      },
      pointerLocation: '.stack/neo4j-pointer.json',
      errors: [],
      ...over,
    });
    const changes = firstValueFrom(board.changes().pipe(take(2), toArray()));
    board.applyLive(live('2026-11-26T07:00:00.000Z'));
    let { infrastructure } = await board.snapshot();
    expect(infrastructure.ecs).toEqual([
      expect.objectContaining({
        service: 'dco-runner',
        revision: 7,
        runningCount: 1,
        desiredCount: 2,
        health: 'degraded',
      }),
    ]);
    expect(infrastructure.neo4j).toEqual([
      expect.objectContaining({
        instanceId: 'i-0a',
        role: 'green',
        serving: true,
        version: '5.26.19',
        ec2State: 'running',
      }),
    ]);
    expect(infrastructure.pointer).toMatchObject({
      instanceId: 'i-0a',
      generation: 3,
      location: '.stack/neo4j-pointer.json',
    });

    // ECS timed out, the pointer file is unreadable: their last values stay, beside the errors.
    const errors = [
      {
        source: 'ecs' as const,
        code: 'DASHBOARD.INFRA_TIMEOUT',
        message: 'ECS (the services) did not answer within 5000 ms',
      },
      { source: 'pointer' as const, code: 'DASHBOARD.INFRA_UNAVAILABLE', message: 'malformed' },
    ];
    board.applyLive(
      live('2026-11-26T07:00:30.000Z', { services: undefined, pointer: undefined, instances: [], errors }),
    );
    ({ infrastructure } = await board.snapshot());
    expect(infrastructure.live).toEqual({ readAt: '2026-11-26T07:00:30.000Z', errors });
    expect(infrastructure.ecs.map((service) => service.revision)).toEqual([7]);
    expect(infrastructure.pointer?.instanceId).toBe('i-0a');
    // The fleet no longer has the pointer's server: it is still shown, as what the services use.
    expect(infrastructure.neo4j).toEqual([
      expect.objectContaining({ instanceId: 'i-0a', role: 'unknown', serving: true, boltUri: 'bolt://10.0.0.7:7687' }),
    ]);
    expect((await changes).map((change) => change.kind)).toEqual(['infrastructure', 'infrastructure']);
  });

  it('asks for a live read on every snapshot (page load) without waiting for it', async () => {
    const board = new DashboardBoard(new FakeRuns());
    let requests = 0;
    board.snapshotRequested().subscribe(() => (requests += 1));
    await board.snapshot();
    await board.snapshot();
    expect(requests).toBe(2);
  });

  it('keeps the last drill of each kind, newest first, and ignores a replayed or older one', async () => {
    const board = new DashboardBoard(new FakeRuns());
    const drill = (kind: string, completedAt: string, met = true, eventId?: string) =>
      message('DrDrillCompleted', {
        ...(eventId ? { eventId } : {}),
        data: {
          ...FIXTURE_DATA.DrDrillCompleted,
          kind,
          completedAt,
          met,
          misses: met ? [] : ['RTO 90 s exceeds 60 s'],
        },
      } as Partial<MessageOf<'DrDrillCompleted'>>);
    const changes = firstValueFrom(board.changes().pipe(take(3), toArray()));
    board.observe(drill('neo4j-loss', '2026-11-29T18:02:00.000Z'));
    board.observe(drill('orchestrator-loss', '2026-11-29T18:05:00.000Z', false));
    const newer = drill('neo4j-loss', '2026-12-06T18:02:00.000Z', true, '30000000-0000-4000-8000-000000000001');
    board.observe(newer);
    board.observe(newer);
    board.observe(drill('neo4j-loss', '2026-11-22T18:02:00.000Z'));
    expect((await changes).map((change) => change.kind)).toEqual(['drill', 'drill', 'drill']);
    const { drills } = await board.snapshot();
    expect(drills.map((d) => [d.kind, d.completedAt, d.met])).toEqual([
      ['neo4j-loss', '2026-12-06T18:02:00.000Z', true],
      ['orchestrator-loss', '2026-11-29T18:05:00.000Z', false],
    ]);
    expect(drills[1].misses).toEqual(['RTO 90 s exceeds 60 s']);
  });
});
