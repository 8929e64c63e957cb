// Table-driven specs of every saga transition: Given a run's history / When a message arrives / Then these messages and this state.
import { AnyMessage, Change, DataOf, FIXTURE_DATA, MessageType, Step } from '@dco/contracts';
import { CATCH_UP_REQUESTER } from './catch-up';
import { DayContext, Decision, decide } from './decide';
import { DEFAULT_POLICY, RunPolicy } from './run-policy';
import { RunState, RunStatus } from './run-state';
import { SagaRejectionCode } from './saga-rejection';
import { timeoutFor } from './timers';
import { LoadForecast } from './update-window/load-forecast';

const DAY = '2026-11-26';
const RUN = `dco-${DAY}`;
const T0 = new Date('2026-11-26T06:00:00.000Z'); // three hours before the default 09:00 UTC DCO deadline

const infraChange: Change = {
  kind: 'terraform-config',
  subject: 'infra/',
  from: 'abc',
  to: 'def',
  risk: 'low',
  reason: 'config changed',
};
const minorNeo4j: Change = {
  kind: 'neo4j-ami',
  subject: 'neo4j',
  from: 'neo4j-5.20.0',
  to: 'neo4j-5.26.19',
  risk: 'medium',
  reason: 'newer AMI',
};
const majorNeo4j: Change = {
  kind: 'neo4j-ami',
  subject: 'neo4j',
  from: 'neo4j-5.26.19',
  to: 'neo4j-2025.01.0',
  risk: 'medium',
  reason: 'newer AMI',
};
const slowRelease = {
  service: 'dco-runner',
  before: { requests: 400, latencyP99Ms: 100, errorRate: 0, neo4jQueries: 0 },
  after: { requests: 380, latencyP99Ms: 210, errorRate: 0, neo4jQueries: 0 },
  regressions: ['latency p99 100 ms -> 210 ms (2.10x, limit 1.50x)'],
};
const highRisk: Change = { ...infraChange, risk: 'high', reason: 'replaces the VPC' };

/** A run under test: a fixed clock, sequential ids, and the messages the saga sent so far. */
class Harness {
  state: RunState | undefined;
  now = T0;
  sent: AnyMessage[] = [];
  private seq = 0;
  readonly ids = { next: () => `00000000-0000-4000-8000-${String(++this.seq).padStart(12, '0')}` };

  constructor(
    public day: DayContext = {},
    public policy: RunPolicy = DEFAULT_POLICY,
    public loadForecast?: LoadForecast,
  ) {}

  apply(message: AnyMessage): Decision {
    const decision = decide(this.state, message, {
      now: this.now,
      ids: this.ids,
      policy: this.policy,
      day: this.day,
      loadForecast: this.loadForecast,
    });
    if (decision.ok) {
      this.state = decision.state;
      this.sent.push(...decision.messages);
    }
    return decision;
  }

  incoming<T extends MessageType>(type: T, data: DataOf<T>, extra: Partial<AnyMessage> = {}): AnyMessage {
    return {
      eventId: this.ids.next(),
      type,
      schemaVersion: 1,
      occurredAt: this.now.toISOString(),
      producer: 'detector',
      runId: RUN,
      data,
      ...extra,
    } as AnyMessage;
  }
}

/** Something that arrives at the saga, built against the run as it is at that moment. */
type Arrival = (h: Harness) => AnyMessage;

const tick =
  (runId = RUN): Arrival =>
  (h) =>
    h.incoming('DailyTick', { day: DAY, trigger: 'schedule', scheduledAt: T0.toISOString() }, { runId });
const request =
  (runId: string): Arrival =>
  (h) =>
    h.incoming('RunRequested', { day: DAY, reason: 'rerun', requestedBy: 'alice' }, { runId });
/** A worker's answer to the command the run waits on. */
const answer =
  <T extends MessageType>(type: T, data: DataOf<T> = FIXTURE_DATA[type]): Arrival =>
  (h) =>
    h.incoming(type, data, { causationId: h.state?.pending?.commandId });
const detected = (...changes: Change[]): Arrival => answer('ChangesDetected', { day: DAY, changes, sources: [] });
/** The timer fires: the clock moves past the pending deadline. */
const timeout: Arrival = (h) => {
  const pending = h.state?.pending;
  if (!pending) throw new Error('nothing pending to time out');
  h.now = new Date(Date.parse(pending.deadline) + 1);
  return timeoutFor(h.state as RunState, h.now, h.ids) as AnyMessage;
};
const approve = answer('ApprovalGranted', { by: 'alice', reason: 'reviewed' });
const rejectIt = answer('ApprovalRejected', { by: 'bob', reason: 'quarter close' });
const dcoDone = answer('DcoCompleted', { ...FIXTURE_DATA.DcoCompleted, resultHash: 'f'.repeat(64) });
const later =
  (ms: number, arrival: Arrival): Arrival =>
  (h) => {
    h.now = new Date(h.now.getTime() + ms);
    return arrival(h);
  };

// Histories that bring a run into each state.
const DETECTING = [tick()];
const AWAITING_CHANGES = [...DETECTING, detected(highRisk, minorNeo4j)];
const APPLYING = [...DETECTING, detected(infraChange, minorNeo4j)];
const APPLYING_ONLY = [...DETECTING, detected(infraChange)];
const AWAITING_PLAN = [...APPLYING, answer('InfraApprovalRequired')];
const MIGRATING = [...APPLYING, answer('InfraApplied')];
const DCO_AFTER_UPDATES = [...MIGRATING, answer('DbMigrated')];
const DCO_NO_UPDATES = [...DETECTING, detected()];
const ROLLING_BACK_DB = [...MIGRATING, answer('DbMigrationFailed')];
const ROLLING_BACK_INFRA = [...ROLLING_BACK_DB, answer('DbRolledBack')];
const DCO_AFTER_ROLLBACK = [...ROLLING_BACK_INFRA, answer('InfraRolledBack')];
const COMPLETED = [...DCO_NO_UPDATES, dcoDone];

/** Message types sent, with an alert's cause and a RunDco's afterRollback made visible. */
function summarize(messages: AnyMessage[]): string[] {
  return messages.map((m) => {
    if (m.type === 'AlertRaised') return `AlertRaised:${m.data.cause}:${m.data.severity}`;
    if (m.type === 'RunDco') return `RunDco${m.data.afterRollback ? '(afterRollback)' : ''}`;
    return m.type;
  });
}

function given(history: Arrival[], day?: DayContext, policy?: RunPolicy, loadForecast?: LoadForecast): Harness {
  const h = new Harness(day, policy, loadForecast);
  for (const arrival of history) {
    const decision = h.apply(arrival(h));
    if (!decision.ok)
      throw new Error(`history step rejected: ${decision.rejection.code} ${decision.rejection.message}`);
  }
  return h;
}

interface Then {
  status: RunStatus;
  sends: string[];
  check?: (state: RunState, sent: AnyMessage[]) => void;
}

/** When the arrival reaches the run, Then the saga accepts it with this status, these messages and these checks. */
function thenAccepts(h: Harness, when: Arrival, then: Then): Extract<Decision, { ok: true }> {
  const decision = h.apply(when(h));
  if (!decision.ok) throw new Error(`rejected: ${decision.rejection.code} ${decision.rejection.message}`);
  expect(decision.state.status).toBe(then.status);
  expect(summarize(decision.messages)).toEqual(then.sends);
  then.check?.(decision.state, decision.messages);
  return decision;
}

/** When the arrival reaches the run, Then the saga rejects it with this code and the run and its messages stay as they were. */
function thenRejects(h: Harness, when: Arrival, code: SagaRejectionCode): void {
  const before = structuredClone(h.state);
  const sentBefore = h.sent.length;
  const decision = h.apply(when(h));
  expect(decision.ok ? 'accepted' : decision.rejection.code).toBe(code);
  expect(h.state).toEqual(before);
  expect(h.sent).toHaveLength(sentBefore);
}

const transitions: Array<[string, Arrival[], Arrival, Then]> = [
  ['a first tick starts detection', [], tick(), { status: 'Detecting', sends: ['RunStarted', 'DetectChanges'] }],
  [
    'a run request starts a rerun',
    [],
    request(`${RUN}-r1`),
    {
      status: 'Detecting',
      sends: ['RunStarted', 'DetectChanges'],
      check: (s) => expect(s).toMatchObject({ trigger: 'request', requestedBy: 'alice' }),
    },
  ],
  ['no changes go straight to the DCO', DETECTING, detected(), { status: 'RunningDco', sends: ['RunDco'] }],
  [
    'an infra change applies infra first',
    DETECTING,
    detected(infraChange, minorNeo4j),
    {
      status: 'ApplyingInfra',
      sends: ['ApplyInfra'],
      check: (_s, sent) => expect(sent[0].data).toEqual({ day: DAY, changes: [infraChange] }),
    },
  ],
  [
    'only a Neo4j AMI change migrates the database',
    DETECTING,
    detected(minorNeo4j),
    {
      status: 'MigratingDb',
      sends: ['MigrateDb'],
      check: (_s, sent) => expect(sent[0].data).toEqual({ day: DAY, targetImageId: 'neo4j-5.26.19' }),
    },
  ],
  [
    'a high-risk change waits for approval',
    DETECTING,
    detected(highRisk),
    {
      status: 'AwaitingApproval',
      sends: ['ApprovalRequested', 'AlertRaised:APPROVAL_REQUIRED:info'],
    },
  ],
  [
    'a Neo4j major version change waits for approval',
    DETECTING,
    detected(majorNeo4j),
    {
      status: 'AwaitingApproval',
      sends: ['ApprovalRequested', 'AlertRaised:APPROVAL_REQUIRED:info'],
      check: (s) => expect(s.approvals[0].reasons[0]).toContain('from 5 to 2025'),
    },
  ],
  [
    'a failed detection still runs the DCO, on the untouched infrastructure',
    DETECTING,
    answer('DetectionFailed'),
    {
      status: 'RunningDco',
      sends: ['AlertRaised:STEP_FAILED:warning', 'RunDco(afterRollback)'],
    },
  ],
  [
    'a detection timeout is a failure',
    DETECTING,
    timeout,
    { status: 'RunningDco', sends: ['AlertRaised:STEP_OVERDUE:warning', 'RunDco(afterRollback)'] },
  ],
  [
    'an approval continues with the updates',
    AWAITING_CHANGES,
    approve,
    {
      status: 'ApplyingInfra',
      sends: ['ApplyInfra'],
      check: (s) => expect(s.approvals[0].decision).toMatchObject({ granted: true, by: 'alice' }),
    },
  ],
  [
    'a rejection skips the updates and runs the DCO',
    AWAITING_CHANGES,
    rejectIt,
    {
      status: 'RunningDco',
      sends: ['AlertRaised:APPROVAL_REJECTED:warning', 'RunDco(afterRollback)'],
      check: (s) => expect(s.failure?.code).toBe('SAGA.REJECTED'),
    },
  ],
  [
    'an unanswered approval times out into the DCO',
    AWAITING_CHANGES,
    timeout,
    { status: 'RunningDco', sends: ['AlertRaised:STEP_OVERDUE:warning', 'RunDco(afterRollback)'] },
  ],
  [
    'applied infra moves on to the database',
    APPLYING,
    answer('InfraApplied'),
    { status: 'MigratingDb', sends: ['MigrateDb'] },
  ],
  [
    'applied infra without a database change runs the DCO',
    APPLYING_ONLY,
    answer('InfraApplied'),
    { status: 'RunningDco', sends: ['RunDco'] },
  ],
  [
    'applied infra keeps the health comparison for the run view, without an alert when nothing regressed',
    APPLYING_ONLY,
    answer('InfraApplied'),
    {
      status: 'RunningDco',
      sends: ['RunDco'],
      check: (s) => expect(s.health).toEqual([{ ...FIXTURE_DATA.InfraApplied.health?.[0], step: 'apply-infra' }]),
    },
  ],
  [
    'a regression the policy left in place (alert) raises HEALTH_REGRESSED and the run goes on',
    APPLYING_ONLY,
    answer('InfraApplied', { ...FIXTURE_DATA.InfraApplied, health: [slowRelease] }),
    {
      status: 'RunningDco',
      sends: ['AlertRaised:HEALTH_REGRESSED:warning', 'RunDco'],
      check: (s, sent) => {
        expect(s.health?.[0]).toMatchObject({ service: 'dco-runner', regressions: slowRelease.regressions });
        expect(sent[0].data).toMatchObject({
          dedupeKey: `${RUN}:apply-infra:1:HEALTH_REGRESSED`,
          detail: `dco-runner: ${slowRelease.regressions[0]}`,
        });
      },
    },
  ],
  [
    'a regression rolled back by the infra-deployer (policy rollback) alerts HEALTH_REGRESSED and compensates',
    APPLYING_ONLY,
    answer('InfraApplyFailed', {
      failure: { code: 'INFRA.HEALTH_REGRESSED', message: 'dco-runner regressed on dco-runner:3; rolled back' },
    }),
    {
      status: 'RollingBackInfra',
      sends: ['AlertRaised:HEALTH_REGRESSED:warning', 'RollbackInfra', 'AlertRaised:ROLLBACK:warning'],
      check: (s) => expect(s.alerts.map((alert) => alert.cause)).toEqual(['HEALTH_REGRESSED', 'ROLLBACK']),
    },
  ],
  [
    'a migration whose consumers regressed (policy alert) alerts HEALTH_REGRESSED and the DCO runs',
    MIGRATING,
    answer('DbMigrated', { ...FIXTURE_DATA.DbMigrated, health: [slowRelease] }),
    {
      status: 'RunningDco',
      sends: ['AlertRaised:HEALTH_REGRESSED:warning', 'RunDco'],
      check: (s) => expect(s.health?.map((entry) => entry.step)).toEqual(['apply-infra', 'migrate-db']),
    },
  ],
  [
    "a migration rolled back for its consumers' health (policy rollback) alerts HEALTH_REGRESSED and rolls the database back",
    MIGRATING,
    answer('DbMigrationFailed', {
      failure: { code: 'DB.HEALTH_REGRESSED', message: 'dco-runner regressed after the switch' },
      phase: 'switch',
    }),
    {
      status: 'RollingBackDb',
      sends: ['AlertRaised:HEALTH_REGRESSED:warning', 'RollbackDb', 'AlertRaised:ROLLBACK:warning'],
    },
  ],
  [
    'a plan that destroys waits for approval and owes no rollback',
    APPLYING,
    answer('InfraApprovalRequired'),
    {
      status: 'AwaitingApproval',
      sends: ['ApprovalRequested', 'AlertRaised:APPROVAL_REQUIRED:info'],
      check: (s) => expect(s).toMatchObject({ touched: [], approvals: [{ gate: 'plan', planId: 'plan-1' }] }),
    },
  ],
  [
    'an approved plan is applied exactly',
    AWAITING_PLAN,
    approve,
    {
      status: 'ApplyingInfra',
      sends: ['ApplyInfra'],
      check: (s, sent) => {
        expect(sent[0].data).toMatchObject({ approvedPlanId: 'plan-1' });
        expect(s.pending).toMatchObject({ step: 'apply-infra', attempt: 2 });
      },
    },
  ],
  [
    'a rejected plan runs the DCO without rolling back',
    AWAITING_PLAN,
    rejectIt,
    {
      status: 'RunningDco',
      sends: ['AlertRaised:APPROVAL_REJECTED:warning', 'RunDco(afterRollback)'],
    },
  ],
  [
    'a failed apply rolls infra back',
    APPLYING,
    answer('InfraApplyFailed'),
    {
      status: 'RollingBackInfra',
      sends: ['AlertRaised:STEP_FAILED:warning', 'RollbackInfra', 'AlertRaised:ROLLBACK:warning'],
      check: (s, sent) => expect(sent[1].data).toEqual({ day: DAY, reason: 'INFRA.APPLY_FAILED: tofu apply failed' }),
    },
  ],
  [
    'an apply timeout rolls infra back',
    APPLYING,
    timeout,
    {
      status: 'RollingBackInfra',
      sends: ['AlertRaised:STEP_OVERDUE:warning', 'RollbackInfra', 'AlertRaised:ROLLBACK:warning'],
    },
  ],
  [
    'migration progress is recorded',
    MIGRATING,
    answer('DbMigrationProgress'),
    {
      status: 'MigratingDb',
      sends: [],
      check: (s) => expect(s.timeline.at(-1)?.progress).toBe('restore 500/1000'),
    },
  ],
  ['a migrated database runs the DCO', MIGRATING, answer('DbMigrated'), { status: 'RunningDco', sends: ['RunDco'] }],
  [
    'a failed migration rolls back the database first',
    MIGRATING,
    answer('DbMigrationFailed'),
    {
      status: 'RollingBackDb',
      sends: ['AlertRaised:STEP_FAILED:warning', 'RollbackDb', 'AlertRaised:ROLLBACK:warning'],
      check: (s) => expect(s.compensations).toEqual(['rollback-db', 'rollback-infra']),
    },
  ],
  [
    'a migration timeout rolls back the database first',
    MIGRATING,
    timeout,
    {
      status: 'RollingBackDb',
      sends: ['AlertRaised:STEP_OVERDUE:warning', 'RollbackDb', 'AlertRaised:ROLLBACK:warning'],
    },
  ],
  [
    'a rolled-back database continues with infra',
    ROLLING_BACK_DB,
    answer('DbRolledBack'),
    {
      status: 'RollingBackInfra',
      sends: ['RollbackInfra', 'AlertRaised:ROLLBACK:warning'],
    },
  ],
  [
    'rolled-back infra runs the DCO on the old infrastructure',
    ROLLING_BACK_INFRA,
    answer('InfraRolledBack'),
    {
      status: 'RunningDco',
      sends: ['RunDco(afterRollback)'],
      check: (s) => expect(s.rolledBack).toEqual(['rollback-db', 'rollback-infra']),
    },
  ],
  [
    'the DCO completes the run',
    [...DCO_AFTER_UPDATES],
    dcoDone,
    {
      status: 'Completed',
      sends: ['RunCompleted'],
      check: (_s, sent) =>
        expect(sent[0].data).toEqual({
          day: DAY,
          steps: ['detect', 'apply-infra', 'migrate-db', 'run-dco'],
          resultHash: 'f'.repeat(64),
          deferred: [],
        }),
    },
  ],
  [
    'the DCO after a rollback completes the run after rollback',
    DCO_AFTER_ROLLBACK,
    dcoDone,
    {
      status: 'CompletedAfterRollback',
      sends: ['RunCompletedAfterRollback'],
      check: (_s, sent) =>
        expect(sent[0].data).toMatchObject({
          failure: { code: 'DB.VALIDATION_MISMATCH' },
          rolledBack: ['rollback-db', 'rollback-infra'],
        }),
    },
  ],
  [
    'a DCO failure after updates compensates, then retries the DCO',
    DCO_AFTER_UPDATES,
    answer('DcoFailed'),
    {
      status: 'RollingBackDb',
      sends: ['AlertRaised:STEP_FAILED:warning', 'RollbackDb', 'AlertRaised:ROLLBACK:warning'],
    },
  ],
  [
    'a DCO failure without updates fails the run',
    DCO_NO_UPDATES,
    answer('DcoFailed'),
    {
      status: 'Failed',
      sends: ['AlertRaised:STEP_FAILED:warning', 'AlertRaised:RUN_FAILED:critical', 'RunFailed'],
      check: (_s, sent) =>
        expect(sent[2].data).toMatchObject({ failure: { code: 'DCO.EXECUTION_FAILED' }, pending: [] }),
    },
  ],
  [
    'a DCO failure on the old infrastructure fails the run',
    DCO_AFTER_ROLLBACK,
    answer('DcoFailed'),
    {
      status: 'Failed',
      sends: ['AlertRaised:STEP_FAILED:warning', 'AlertRaised:RUN_FAILED:critical', 'RunFailed'],
    },
  ],
  [
    'a DCO timeout after updates compensates',
    DCO_AFTER_UPDATES,
    timeout,
    {
      status: 'RollingBackDb',
      sends: ['AlertRaised:STEP_OVERDUE:warning', 'RollbackDb', 'AlertRaised:ROLLBACK:warning'],
    },
  ],
  [
    'a failed database rollback parks the run with what is left',
    ROLLING_BACK_DB,
    answer('DbRollbackFailed'),
    {
      status: 'Failed',
      sends: ['AlertRaised:COMPENSATION_FAILED:critical', 'RunFailed'],
      check: (s, sent) => {
        expect(sent[1].data).toMatchObject({
          failure: { code: 'DB.ROLLBACK_FAILED' },
          pending: ['rollback-db', 'rollback-infra'],
        });
        expect(s.compensationFailure?.code).toBe('DB.ROLLBACK_FAILED');
      },
    },
  ],
  [
    'a failed infra rollback parks the run',
    ROLLING_BACK_INFRA,
    answer('InfraRollbackFailed'),
    {
      status: 'Failed',
      sends: ['AlertRaised:COMPENSATION_FAILED:critical', 'RunFailed'],
      check: (_s, sent) => expect(sent[1].data).toMatchObject({ pending: ['rollback-infra'] }),
    },
  ],
  [
    'a rollback timeout parks the run',
    ROLLING_BACK_INFRA,
    timeout,
    {
      status: 'Failed',
      sends: ['AlertRaised:COMPENSATION_FAILED:critical', 'RunFailed'],
      check: (_s, sent) =>
        expect(sent[1].data).toMatchObject({ failure: { code: 'SAGA.STEP_TIMED_OUT' }, pending: ['rollback-infra'] }),
    },
  ],
  [
    'changes too late for the deadline are deferred and the DCO runs',
    DETECTING,
    later(2.9 * 3_600_000, detected(infraChange, minorNeo4j)),
    {
      status: 'RunningDco',
      sends: ['AlertRaised:DEADLINE_AT_RISK:warning', 'RunDco'],
      check: (s) => {
        expect(s.deferred).toEqual([infraChange, minorNeo4j]);
        expect(s.timeline.filter((r) => r.outcome === 'deferred').map((r) => r.step)).toEqual([
          'apply-infra',
          'migrate-db',
        ]);
      },
    },
  ],
  [
    'a migration that no longer fits after infra is deferred alone',
    APPLYING,
    later(2.5 * 3_600_000, answer('InfraApplied')),
    {
      status: 'RunningDco',
      sends: ['AlertRaised:DEADLINE_AT_RISK:warning', 'RunDco'],
      check: (s) => expect(s.deferred).toEqual([minorNeo4j]),
    },
  ],
  [
    'a late approval defers the updates',
    AWAITING_CHANGES,
    later(2.9 * 3_600_000, approve),
    {
      status: 'RunningDco',
      sends: ['AlertRaised:DEADLINE_AT_RISK:warning', 'RunDco'],
    },
  ],
];

describe('decide: transitions', () => {
  it.each(transitions)('%s', (_name, history, when, then) => {
    const h = given(history);
    const before = structuredClone(h.state);
    const decision = thenAccepts(h, when, then);
    expect(decision.state.version).toBe((before?.version ?? 0) + 1);
    for (const message of decision.messages)
      expect(message).toMatchObject({ runId: decision.state.runId, producer: 'orchestrator' });
  });
});

type RejectionRow = [string, Arrival[], Arrival, SagaRejectionCode, DayContext?];
const rejections: RejectionRow[] = [
  ['a second tick for the same day', DETECTING, tick(), 'SAGA.DUPLICATE_START'],
  ['a tick carrying a rerun id', [], tick(`${RUN}-r2`), 'SAGA.DAY_MISMATCH'],
  [
    'a tick whose run id names another day',
    [],
    (h) => h.incoming('DailyTick', { day: '2026-11-27', trigger: 'schedule', scheduledAt: T0.toISOString() }),
    'SAGA.DAY_MISMATCH',
  ],
  ['a rerun while the day still has an active run', [], request(`${RUN}-r1`), 'SAGA.DAY_BUSY', { activeRunId: RUN }],
  ['an outcome for an unknown run', [], answer('InfraApplied'), 'SAGA.UNKNOWN_RUN'],
  ['an outcome that answers another step', DETECTING, answer('InfraApplied'), 'SAGA.OUT_OF_ORDER'],
  ['an approval nobody asked for', APPLYING, approve, 'SAGA.OUT_OF_ORDER'],
  [
    'an outcome caused by another command',
    APPLYING,
    (h) =>
      h.incoming('InfraApplied', FIXTURE_DATA.InfraApplied, { causationId: '00000000-0000-4000-8000-999999999999' }),
    'SAGA.STALE_OUTCOME',
  ],
  [
    'changes detected for another day',
    DETECTING,
    answer('ChangesDetected', { day: '2026-11-25', changes: [], sources: [] }),
    'SAGA.DAY_MISMATCH',
  ],
  [
    'a timeout of an earlier attempt',
    AWAITING_PLAN,
    (h) => h.incoming('StepTimedOut', { step: 'apply-infra', attempt: 1, deadline: T0.toISOString() }),
    'SAGA.STALE_OUTCOME',
  ],
  [
    'a timeout before the deadline',
    DETECTING,
    (h) =>
      h.incoming('StepTimedOut', {
        step: 'detect',
        attempt: 1,
        deadline: (h.state as RunState).pending?.deadline as string,
      }),
    'SAGA.OUT_OF_ORDER',
  ],
  ['anything after the run ended', COMPLETED, answer('DcoCompleted'), 'SAGA.RUN_FINISHED'],
  [
    'migration progress that trails the migration',
    DCO_AFTER_UPDATES,
    answer('DbMigrationProgress'),
    'SAGA.STALE_OUTCOME',
  ],
  [
    'a message the saga does not consume',
    DETECTING,
    (h) => h.incoming('RunCompleted', FIXTURE_DATA.RunCompleted),
    'SAGA.OUT_OF_ORDER',
  ],
];

describe('decide: rejections change nothing', () => {
  // Rest parameters keep the callback's arity at 0, so jest does not mistake the optional column for `done`.
  it.each(rejections)('rejects %s', (...[_name, history, when, code, day]: RejectionRow) => {
    thenRejects(given(history, day), when, code);
  });
});

describe('decide: whole runs', () => {
  const run = (history: Arrival[], day?: DayContext) => given(history, day);
  const chain = (h: Harness) =>
    h.sent.filter((m) => !['AlertRaised', 'RunStarted', 'ApprovalRequested'].includes(m.type)).map((m) => m.type);

  it('given an infra and a database change, when every worker succeeds, then the run completes in order', () => {
    const h = run([...DCO_AFTER_UPDATES, dcoDone]);
    expect(chain(h)).toEqual(['DetectChanges', 'ApplyInfra', 'MigrateDb', 'RunDco', 'RunCompleted']);
    expect(h.state?.timeline.map((r) => `${r.step}:${r.outcome}`)).toEqual([
      'detect:succeeded',
      'apply-infra:succeeded',
      'migrate-db:succeeded',
      'run-dco:succeeded',
    ]);
    // Each command names the message that caused it.
    const commands = h.sent.filter((m) => m.type !== 'RunStarted');
    for (const command of commands) expect(command.causationId).toEqual(expect.any(String));
  });

  it('given an infra failure, then infra is rolled back and the DCO runs on the old infrastructure', () => {
    const h = run([...APPLYING_ONLY, answer('InfraApplyFailed'), answer('InfraRolledBack'), dcoDone]);
    expect(chain(h)).toEqual(['DetectChanges', 'ApplyInfra', 'RollbackInfra', 'RunDco', 'RunCompletedAfterRollback']);
    expect(h.state?.status).toBe('CompletedAfterRollback');
  });

  it('given a DCO failure after updates, then it compensates in reverse order and retries the DCO as attempt 2', () => {
    const h = run([
      ...DCO_AFTER_UPDATES,
      answer('DcoFailed'),
      answer('DbRolledBack'),
      answer('InfraRolledBack'),
      dcoDone,
    ]);
    expect(chain(h)).toEqual([
      'DetectChanges',
      'ApplyInfra',
      'MigrateDb',
      'RunDco',
      'RollbackDb',
      'RollbackInfra',
      'RunDco',
      'RunCompletedAfterRollback',
    ]);
    expect(h.state?.attempts['run-dco']).toBe(2);
  });

  it('given a late answer to a timed-out step, then it is stale and the compensation goes on', () => {
    const h = run([...APPLYING_ONLY]);
    const applyCommand = h.state?.pending?.commandId;
    h.apply(timeout(h));
    const late = h.apply(h.incoming('InfraApplied', FIXTURE_DATA.InfraApplied, { causationId: applyCommand }));
    expect(!late.ok && late.rejection.code).toBe('SAGA.OUT_OF_ORDER');
    expect(h.state?.status).toBe('RollingBackInfra');
  });

  it('given a rerun of a day whose DCO completed, then it never asks for the DCO again and reports the stored result', () => {
    const h = run([request(`${RUN}-r1`), detected()], { completedDco: { runId: RUN, resultHash: 'e'.repeat(64) } });
    expect(h.sent.map((m) => m.type)).toEqual(['RunStarted', 'DetectChanges', 'RunCompleted']);
    expect(h.state).toMatchObject({ status: 'Completed', resultHash: 'e'.repeat(64), dcoReusedFrom: RUN });
  });

  it('given deferred changes, then RunCompleted lists them', () => {
    const h = run([...DETECTING, later(2.9 * 3_600_000, detected(infraChange)), dcoDone]);
    const completed = h.sent.at(-1);
    expect(completed?.type === 'RunCompleted' && completed.data.deferred).toEqual([infraChange]);
  });

  it('does not mutate the state it is given', () => {
    const h = run(APPLYING);
    const frozen = structuredClone(h.state);
    decide(h.state, answer('InfraApplied')(h), { now: h.now, ids: h.ids, policy: DEFAULT_POLICY, day: {} });
    expect(h.state).toEqual(frozen);
  });

  it.each<[Step, Arrival[]]>([
    ['detect', DETECTING],
    ['apply-infra', APPLYING],
    ['migrate-db', MIGRATING],
    ['run-dco', DCO_NO_UPDATES],
  ])('stores a deadline for %s from the policy timeout', (step, history) => {
    const h = run(history);
    expect(h.state?.pending).toMatchObject({
      step,
      deadline: new Date(h.now.getTime() + DEFAULT_POLICY.steps[step].timeoutMs).toISOString(),
    });
  });
});

// The policy's maximum run time (20 min here), measured from RunStarted at T0.
const SHORT_RUN: RunPolicy = { ...DEFAULT_POLICY, maxRunMs: 20 * 60_000 };
const RUN_DEADLINE = new Date(T0.getTime() + SHORT_RUN.maxRunMs).toISOString();
const MIN = 60_000;

const maxRunTime: Array<[string, Arrival[], Arrival, Then]> = [
  [
    'an apply in flight at the maximum run time is timed out into the infra rollback',
    APPLYING,
    timeout,
    {
      status: 'RollingBackInfra',
      sends: [
        'AlertRaised:RUN_TIME_EXCEEDED:critical',
        'AlertRaised:STEP_OVERDUE:warning',
        'RollbackInfra',
        'AlertRaised:ROLLBACK:warning',
      ],
      check: (s) => {
        expect(s.failure?.code).toBe('SAGA.RUN_TIME_EXCEEDED');
        expect(s.timeline.find((r) => r.step === 'apply-infra')).toMatchObject({
          outcome: 'timed-out',
          failure: { code: 'SAGA.RUN_TIME_EXCEEDED' },
        });
      },
    },
  ],
  [
    'a migration in flight at the maximum run time rolls back the database, then infra',
    MIGRATING,
    timeout,
    {
      status: 'RollingBackDb',
      sends: [
        'AlertRaised:RUN_TIME_EXCEEDED:critical',
        'AlertRaised:STEP_OVERDUE:warning',
        'RollbackDb',
        'AlertRaised:ROLLBACK:warning',
      ],
      check: (s) => expect(s.compensations).toEqual(['rollback-db', 'rollback-infra']),
    },
  ],
  [
    'an approval still waiting at the maximum run time ends in the DCO on the old infrastructure',
    AWAITING_CHANGES,
    timeout,
    {
      status: 'RunningDco',
      sends: ['AlertRaised:RUN_TIME_EXCEEDED:critical', 'AlertRaised:STEP_OVERDUE:warning', 'RunDco(afterRollback)'],
      check: (s) => expect(s.failure?.code).toBe('SAGA.RUN_TIME_EXCEEDED'),
    },
  ],
  [
    'an update stage is not started after the maximum run time: what was applied is rolled back',
    APPLYING,
    later(21 * MIN, answer('InfraApplied')),
    {
      status: 'RollingBackInfra',
      sends: ['AlertRaised:RUN_TIME_EXCEEDED:critical', 'RollbackInfra', 'AlertRaised:ROLLBACK:warning'],
      check: (s) =>
        expect(s).toMatchObject({
          failure: { code: 'SAGA.RUN_TIME_EXCEEDED' },
          compensations: ['rollback-infra'],
          dcoAfterRollback: true,
        }),
    },
  ],
  [
    'changes detected after the maximum run time start no update: the DCO runs on the old infrastructure',
    DETECTING,
    later(21 * MIN, detected(infraChange, minorNeo4j)),
    {
      status: 'RunningDco',
      sends: ['AlertRaised:RUN_TIME_EXCEEDED:critical', 'RunDco(afterRollback)'],
      check: (s) => expect(s.touched).toEqual([]),
    },
  ],
  [
    'changes that need approval after the maximum run time ask nobody: the DCO runs on the old infrastructure',
    DETECTING,
    later(21 * MIN, detected(highRisk)),
    {
      status: 'RunningDco',
      sends: ['AlertRaised:RUN_TIME_EXCEEDED:critical', 'RunDco(afterRollback)'],
      check: (s) => expect(s.approvals).toEqual([]),
    },
  ],
  [
    'a plan that needs approval after the maximum run time asks nobody and owes no rollback',
    APPLYING_ONLY,
    later(20 * MIN, answer('InfraApprovalRequired')),
    {
      status: 'RunningDco',
      sends: ['AlertRaised:RUN_TIME_EXCEEDED:critical', 'RunDco(afterRollback)'],
      check: (s) =>
        expect(s).toMatchObject({ approvals: [], compensations: [], failure: { code: 'SAGA.RUN_TIME_EXCEEDED' } }),
    },
  ],
  [
    'updates that finished before the maximum run time go on to the DCO',
    APPLYING_ONLY,
    later(21 * MIN, answer('InfraApplied')),
    { status: 'RunningDco', sends: ['RunDco'] },
  ],
  [
    'a DCO in flight at the maximum run time is not cut short; its end says the run overran',
    DCO_AFTER_UPDATES,
    later(25 * MIN, dcoDone),
    {
      status: 'Completed',
      sends: ['AlertRaised:RUN_TIME_EXCEEDED:warning', 'RunCompleted'],
    },
  ],
  [
    'a rollback in flight at the maximum run time goes on to the DCO',
    ROLLING_BACK_INFRA,
    later(25 * MIN, answer('InfraRolledBack')),
    {
      status: 'RunningDco',
      sends: ['RunDco(afterRollback)'],
    },
  ],
];

describe('decide: maximum run time', () => {
  it.each(maxRunTime)('%s', (_name, history, when, then) => {
    thenAccepts(given(history, {}, SHORT_RUN), when, then);
  });

  it('stores the run deadline at the start and ends update and approval waits there, never the DCO or a rollback', () => {
    expect(given(DETECTING, {}, SHORT_RUN).state).toMatchObject({
      runDeadline: RUN_DEADLINE,
      pending: { step: 'detect', deadline: new Date(T0.getTime() + 10 * MIN).toISOString() },
    });
    expect(given(APPLYING, {}, SHORT_RUN).state?.pending).toMatchObject({
      step: 'apply-infra',
      deadline: RUN_DEADLINE,
    });
    expect(given(AWAITING_CHANGES, {}, SHORT_RUN).state?.pending).toMatchObject({
      step: 'approval',
      deadline: RUN_DEADLINE,
    });
    const dco = given(DCO_AFTER_UPDATES, {}, SHORT_RUN);
    expect(dco.state?.pending).toMatchObject({
      step: 'run-dco',
      deadline: new Date(dco.now.getTime() + SHORT_RUN.steps['run-dco'].timeoutMs).toISOString(),
    });
    const rollback = given(ROLLING_BACK_DB, {}, SHORT_RUN);
    expect(rollback.state?.pending).toMatchObject({
      step: 'rollback-db',
      deadline: new Date(rollback.now.getTime() + SHORT_RUN.steps['rollback-db'].timeoutMs).toISOString(),
    });
  });

  it('given a migration that overruns the run, then it compensates in reverse order and ends RunCompletedAfterRollback after the DCO', () => {
    const h = given([...MIGRATING, timeout, answer('DbRolledBack'), answer('InfraRolledBack'), dcoDone], {}, SHORT_RUN);
    const commands = h.sent.filter((m) => !['AlertRaised', 'RunStarted'].includes(m.type)).map((m) => m.type);
    expect(commands).toEqual([
      'DetectChanges',
      'ApplyInfra',
      'MigrateDb',
      'RollbackDb',
      'RollbackInfra',
      'RunDco',
      'RunCompletedAfterRollback',
    ]);
    const done = h.sent.at(-1);
    expect(done?.type === 'RunCompletedAfterRollback' && done.data.failure.code).toBe('SAGA.RUN_TIME_EXCEEDED');
    // One alert for the overrun, not another at the end.
    expect(h.state?.alerts.filter((a) => a.cause === 'RUN_TIME_EXCEEDED')).toHaveLength(1);
  });

  it('keeps a run stored before the policy had a maximum run time on its step timeouts', () => {
    const h = given(APPLYING, {}, SHORT_RUN);
    const legacy = structuredClone(h.state as RunState);
    delete legacy.runDeadline;
    h.state = legacy;
    h.now = new Date(T0.getTime() + 30 * MIN);
    const decision = h.apply(answer('InfraApplied')(h));
    expect(decision.ok && decision.state.status).toBe('MigratingDb');
  });
});

// Resuming a run parked in Failed by a failed compensation.
const resumeIt =
  (by = 'carol', reason = 'fixed the SSM parameter by hand'): Arrival =>
  (h) =>
    h.incoming('RunResumeRequested', { by, reason }, { producer: 'cli' });
const PARKED_IN_DB_ROLLBACK = [...ROLLING_BACK_DB, answer('DbRollbackFailed')];
const PARKED_IN_INFRA_ROLLBACK = [...ROLLING_BACK_INFRA, answer('InfraRollbackFailed')];
const PARKED_BY_DCO = [...DCO_NO_UPDATES, answer('DcoFailed')];

const resumes: Array<[string, Arrival[], Arrival, Then]> = [
  [
    'a run parked by a failed database rollback issues RollbackDb again',
    PARKED_IN_DB_ROLLBACK,
    resumeIt(),
    {
      status: 'RollingBackDb',
      sends: ['RollbackDb', 'AlertRaised:ROLLBACK:warning', 'AlertRaised:RUN_RESUMED:warning'],
      check: (s, sent) => {
        expect(s.pending).toMatchObject({ step: 'rollback-db', attempt: 2, commandId: sent[0].eventId });
        expect(s.compensations).toEqual(['rollback-db', 'rollback-infra']);
        expect(s.resumes).toEqual([
          {
            step: 'rollback-db',
            by: 'carol',
            reason: 'fixed the SSM parameter by hand',
            at: T0.toISOString(),
            failure: { code: 'DB.ROLLBACK_FAILED', message: expect.any(String) },
          },
        ]);
        expect(s.compensationFailure).toBeUndefined();
        expect(sent[0].data).toEqual({ day: DAY, reason: expect.stringContaining('DB.VALIDATION_MISMATCH') });
      },
    },
  ],
  [
    'a run parked by a failed infra rollback issues RollbackInfra again',
    PARKED_IN_INFRA_ROLLBACK,
    resumeIt(),
    {
      status: 'RollingBackInfra',
      sends: ['RollbackInfra', 'AlertRaised:ROLLBACK:warning', 'AlertRaised:RUN_RESUMED:warning'],
      check: (s) => expect(s.pending).toMatchObject({ step: 'rollback-infra', attempt: 2 }),
    },
  ],
  [
    'a run parked by a rollback timeout is resumed the same way',
    [...ROLLING_BACK_INFRA, timeout],
    resumeIt(),
    {
      status: 'RollingBackInfra',
      sends: ['RollbackInfra', 'AlertRaised:ROLLBACK:warning', 'AlertRaised:RUN_RESUMED:warning'],
    },
  ],
  [
    'the resumed database rollback goes on with the infra rollback',
    [...PARKED_IN_DB_ROLLBACK, resumeIt()],
    answer('DbRolledBack'),
    {
      status: 'RollingBackInfra',
      sends: ['RollbackInfra', 'AlertRaised:ROLLBACK:warning'],
    },
  ],
  [
    'the last resumed rollback runs the DCO on the old infrastructure',
    [...PARKED_IN_INFRA_ROLLBACK, resumeIt()],
    answer('InfraRolledBack'),
    {
      status: 'RunningDco',
      sends: ['RunDco(afterRollback)'],
    },
  ],
  [
    'a resumed rollback that fails again parks the run again',
    [...PARKED_IN_INFRA_ROLLBACK, resumeIt()],
    answer('InfraRollbackFailed'),
    {
      status: 'Failed',
      sends: ['AlertRaised:COMPENSATION_FAILED:critical', 'RunFailed'],
      check: (s) =>
        expect(s).toMatchObject({
          compensations: ['rollback-infra'],
          compensationFailure: { code: 'INFRA.ROLLBACK_FAILED' },
        }),
    },
  ],
];

describe('decide: resuming a Failed run', () => {
  it.each(resumes)('%s', (_name, history, when, then) => {
    const decision = thenAccepts(given(history), when, then);
    for (const message of decision.messages) expect(message.causationId).toBeDefined();
  });

  type ResumeRejection = [string, Arrival[], SagaRejectionCode, DayContext?];
  it.each<ResumeRejection>([
    ['an unknown run', [], 'SAGA.UNKNOWN_RUN'],
    ['a run that has not failed', APPLYING, 'SAGA.NOT_FAILED'],
    ['a completed run', COMPLETED, 'SAGA.NOT_FAILED'],
    ['a run already resumed and rolling back', [...PARKED_IN_DB_ROLLBACK, resumeIt()], 'SAGA.NOT_FAILED'],
    ['a run whose DCO failed with nothing left to roll back', PARKED_BY_DCO, 'SAGA.NOTHING_TO_RESUME'],
    ['a run whose day has another active run', PARKED_IN_DB_ROLLBACK, 'SAGA.DAY_BUSY', { activeRunId: `${RUN}-r1` }],
  ])('rejects resuming %s, changing nothing', (...[_name, history, code, day]: ResumeRejection) => {
    const h = given(history);
    if (day) h.day = day;
    thenRejects(h, resumeIt(), code);
  });

  it('given a failed database rollback, when resumed, then it rolls back db then infra, runs the DCO and ends RunCompletedAfterRollback', () => {
    const h = given([...PARKED_IN_DB_ROLLBACK, resumeIt(), answer('DbRolledBack'), answer('InfraRolledBack'), dcoDone]);
    const commands = h.sent.filter((m) => !['AlertRaised', 'RunStarted'].includes(m.type)).map((m) => m.type);
    expect(commands).toEqual([
      'DetectChanges',
      'ApplyInfra',
      'MigrateDb',
      'RollbackDb',
      'RunFailed',
      'RollbackDb',
      'RollbackInfra',
      'RunDco',
      'RunCompletedAfterRollback',
    ]);
    const rollbackDbIds = h.sent.filter((m) => m.type === 'RollbackDb').map((m) => m.eventId);
    expect(new Set(rollbackDbIds).size).toBe(2);
    const done = h.sent.at(-1);
    expect(done?.type === 'RunCompletedAfterRollback' && done.data).toMatchObject({
      failure: { code: 'DB.VALIDATION_MISMATCH' },
      rolledBack: ['rollback-db', 'rollback-infra'],
    });
    expect(h.state?.timeline.filter((r) => r.step === 'rollback-db').map((r) => `${r.attempt}:${r.outcome}`)).toEqual([
      '1:failed',
      '2:succeeded',
    ]);
  });
});

describe('every missed day (ADR 0023)', () => {
  const TODAY = '2026-11-30';
  const lateTick = (h: Harness, day = TODAY) =>
    h.incoming(
      'DailyTick',
      { day, trigger: 'catch-up', scheduledAt: `${day}T06:00:00.000Z` },
      { runId: `dco-${day}`, producer: 'scheduler' },
    );
  const alerts = (d: Decision) =>
    d.ok ? d.messages.flatMap((m) => (m.type === 'AlertRaised' ? [`${m.data.cause}:${m.data.severity}`] : [])) : [];
  const types = (d: Decision) => (d.ok ? d.messages.map((m) => m.type) : []);

  it('with "all", a tick after three missed days queues its run and starts nothing yet', () => {
    const h = new Harness({ lastRunDay: '2026-11-26' });
    h.now = new Date(`${TODAY}T08:15:00.000Z`);
    const decision = h.apply(lateTick(h));
    expect(types(decision)).toEqual(['AlertRaised']);
    expect(alerts(decision)).toEqual(['RUN_QUEUED:info']);
    expect(h.state).toMatchObject({
      status: 'Queued',
      trigger: 'catch-up',
      catchUp: { after: '2026-11-26', missed: 3 },
    });
    expect(h.state?.pending).toBeUndefined();
  });

  it('a queued run starts on the catch-up request only, with its clock from then', () => {
    const h = new Harness({ lastRunDay: '2026-11-26' });
    h.apply(lateTick(h));
    // An operator's request (or any other producer) does not start it: the run of the day exists.
    const byOperator = h.apply(
      h.incoming(
        'RunRequested',
        { day: TODAY, reason: 'now', requestedBy: CATCH_UP_REQUESTER },
        { runId: `dco-${TODAY}` },
      ),
    );
    expect(byOperator).toEqual({ ok: false, rejection: expect.objectContaining({ code: 'SAGA.DUPLICATE_START' }) });
    h.now = new Date(`${TODAY}T11:00:00.000Z`);
    const dequeued = h.apply(
      h.incoming(
        'RunRequested',
        { day: TODAY, reason: 'catch-up', requestedBy: CATCH_UP_REQUESTER },
        { runId: `dco-${TODAY}`, producer: 'orchestrator' },
      ),
    );
    expect(types(dequeued)).toEqual(['RunStarted', 'DetectChanges']);
    expect(h.state).toMatchObject({ status: 'Detecting', startedAt: `${TODAY}T11:00:00.000Z` });
    expect(h.state?.runDeadline).toBe(
      new Date(Date.parse(`${TODAY}T11:00:00.000Z`) + DEFAULT_POLICY.maxRunMs).toISOString(),
    );
  });

  it('a missed day requested by the catch-up runs as a catch-up run', () => {
    const h = new Harness({ lastRunDay: '2026-11-26' });
    const decision = h.apply(
      h.incoming(
        'RunRequested',
        { day: '2026-11-27', reason: 'catch-up', requestedBy: CATCH_UP_REQUESTER },
        { runId: 'dco-2026-11-27', producer: 'orchestrator' },
      ),
    );
    expect(types(decision)).toEqual(['RunStarted', 'DetectChanges']);
    expect(h.state).toMatchObject({ trigger: 'catch-up', requestedBy: CATCH_UP_REQUESTER, status: 'Detecting' });
  });

  it('a tick waits for an unfinished run of an earlier day', () => {
    const h = new Harness({ lastRunDay: '2026-11-29', unfinishedBefore: 'dco-2026-11-29' });
    const decision = h.apply(lateTick(h));
    expect(alerts(decision)).toEqual(['RUN_QUEUED:info']);
    expect(h.state?.status).toBe('Queued');
    expect(h.state?.catchUp).toBeUndefined();
  });

  it.each(['last', 'none'] as const)(
    'with "%s", days stay independent: a tick does not wait for an earlier run',
    (policy) => {
      const h = new Harness(
        { lastRunDay: '2026-11-25', unfinishedBefore: 'dco-2026-11-25' },
        { ...DEFAULT_POLICY, catchUp: { policy, maxDays: 7 } },
      );
      expect(types(h.apply(tick()(h)))).toEqual(['RunStarted', 'DetectChanges']);
    },
  );

  it('beyond the cap, the run asks an operator; granted, it queues behind the missed days', () => {
    const h = new Harness({ lastRunDay: '2026-11-20' });
    const asked = h.apply(lateTick(h));
    expect(types(asked)).toEqual(['ApprovalRequested', 'AlertRaised']);
    expect(alerts(asked)).toEqual(['CATCH_UP_APPROVAL_REQUIRED:warning']);
    expect(h.state).toMatchObject({ status: 'AwaitingApproval', catchUp: { after: '2026-11-20', missed: 9 } });
    expect(h.state?.approvals[0]).toMatchObject({
      gate: 'catch-up',
      reasons: [expect.stringContaining('9 missed days 2026-11-21..2026-11-29 exceed DCO_CATCH_UP_MAX_DAYS=7')],
    });
    const granted = h.apply(
      h.incoming(
        'ApprovalGranted',
        { by: 'alice', reason: 'month end' },
        {
          runId: `dco-${TODAY}`,
          causationId: h.state?.pending?.commandId,
        },
      ),
    );
    expect(alerts(granted)).toEqual(['RUN_QUEUED:info']);
    expect(h.state?.status).toBe('Queued');
    expect(h.state?.pending).toBeUndefined();
  });

  it.each([
    [
      'rejected',
      (h: Harness) =>
        h.incoming(
          'ApprovalRejected',
          { by: 'bob', reason: 'too old' },
          { runId: `dco-${TODAY}`, causationId: h.state?.pending?.commandId },
        ),
      'DAYS_SKIPPED:warning',
    ],
    ['unanswered', timeout, 'DAYS_SKIPPED:critical'],
  ])('beyond the cap, %s, the missed days are skipped and the day runs alone', (_name, arrival, alert) => {
    const h = new Harness({ lastRunDay: '2026-11-20' });
    h.apply(lateTick(h));
    const decision = h.apply(arrival(h));
    expect(decision.ok).toBe(true);
    expect(alerts(decision)).toEqual([alert]);
    expect(types(decision)).toEqual(['AlertRaised', 'RunStarted', 'DetectChanges']);
    expect(h.state).toMatchObject({ status: 'Detecting', catchUp: { skipped: true } });
  });

  it('with "last", the day runs and the skipped days are named in an alert', () => {
    const h = new Harness({ lastRunDay: '2026-11-26' }, { ...DEFAULT_POLICY, catchUp: { policy: 'last', maxDays: 7 } });
    const decision = h.apply(lateTick(h));
    expect(types(decision)).toEqual(['AlertRaised', 'RunStarted', 'DetectChanges']);
    expect(decision.ok && decision.messages[0].type === 'AlertRaised' && decision.messages[0].data.summary).toContain(
      '3 missed day(s) 2026-11-27..2026-11-29 do not run (DCO_CATCH_UP=last)',
    );
  });

  it('with "none", a late tick is refused with a stable code; a scheduled tick runs', () => {
    const none = { ...DEFAULT_POLICY, catchUp: { policy: 'none' as const, maxDays: 7 } };
    const h = new Harness({ lastRunDay: '2026-11-26' }, none);
    expect(h.apply(lateTick(h))).toEqual({
      ok: false,
      rejection: expect.objectContaining({ code: 'SAGA.CATCH_UP_DISABLED' }),
    });
    const scheduled = new Harness({ lastRunDay: '2026-11-29' }, none);
    expect(types(scheduled.apply(tick()(scheduled)))).toEqual(['RunStarted', 'DetectChanges']);
  });

  it('a second tick of the queued day is a duplicate (the per-day idempotency holds)', () => {
    const h = new Harness({ lastRunDay: '2026-11-26' });
    h.apply(lateTick(h));
    expect(h.apply(lateTick(h))).toEqual({
      ok: false,
      rejection: expect.objectContaining({ code: 'SAGA.DUPLICATE_START' }),
    });
  });
});

describe('the update window predicted from load (ADR 0027)', () => {
  const FORECAST: RunPolicy = { ...DEFAULT_POLICY, updateWindow: { policy: 'forecast' } };
  /** From the tick at 06:00: busy, quiet at 07:00, busy again at 08:00. */
  const quietAtSeven: LoadForecast = { from: T0.getTime(), stepMs: 3_600_000, values: [100, 40, 90] };
  const at = (hhmm: string) => `${DAY}T${hhmm}:00.000Z`;

  it('Given the forecast policy and a quiet hour ahead, When the changes are known, Then the run waits for that window', () => {
    const h = given(DETECTING, {}, FORECAST, quietAtSeven);
    thenAccepts(h, detected(infraChange, minorNeo4j), {
      status: 'AwaitingWindow',
      sends: ['ApprovalRequested', 'AlertRaised:UPDATE_WINDOW_WAIT:info'],
      check: (state) => {
        expect(state.updateWindow).toEqual({
          policy: 'forecast',
          reason: 'forecast',
          start: at('07:00'),
          end: at('07:45'),
          decidedAt: T0.toISOString(),
          predictedLoad: 40,
          predictedLoadNow: 100,
        });
        expect(state.pending).toMatchObject({ step: 'approval', deadline: at('07:00') });
        expect(state.approvals[0]).toMatchObject({ gate: 'window' });
      },
    });
  });

  it('Given a run waiting for its window, When the window opens, Then the change set starts', () => {
    const h = given([...DETECTING, detected(infraChange, minorNeo4j)], {}, FORECAST, quietAtSeven);
    thenAccepts(h, timeout, {
      status: 'ApplyingInfra',
      sends: ['ApplyInfra'],
      check: (state) => expect(state.timeline.find((r) => r.step === 'approval')?.outcome).toBe('succeeded'),
    });
    thenAccepts(h, answer('InfraApplied'), { status: 'MigratingDb', sends: ['MigrateDb'] });
  });

  it('Given a run waiting for its window, When its deadline has not come, Then a StepTimedOut is refused', () => {
    const h = given([...DETECTING, detected(infraChange)], {}, FORECAST, quietAtSeven);
    const early: Arrival = (x) =>
      x.incoming(
        'StepTimedOut',
        { step: 'approval', attempt: 1, deadline: at('07:00') },
        { producer: 'orchestrator', causationId: x.state?.pending?.commandId },
      );
    thenRejects(h, early, 'SAGA.OUT_OF_ORDER');
  });

  it('Given a run waiting for its window, When an operator grants, Then it starts at once and records who', () => {
    const h = given([...DETECTING, detected(infraChange)], {}, FORECAST, quietAtSeven);
    thenAccepts(h, approve, {
      status: 'ApplyingInfra',
      sends: ['ApplyInfra'],
      check: (state) => expect(state.updateWindow?.openedBy).toBe('alice'),
    });
  });

  it('Given a run waiting for its window, When an operator rejects, Then its changes are deferred and the DCO runs', () => {
    const h = given([...DETECTING, detected(infraChange, minorNeo4j)], {}, FORECAST, quietAtSeven);
    thenAccepts(h, rejectIt, {
      status: 'RunningDco',
      sends: ['AlertRaised:UPDATES_DEFERRED:warning', 'RunDco'],
      check: (state) => {
        expect(state.deferred).toEqual([infraChange, minorNeo4j]);
        expect(state.failure).toBeUndefined();
      },
    });
  });

  it('Given an urgent run (requested by a person), When the changes are known, Then they apply at once', () => {
    const h = given([request(`${RUN}-r1`)], {}, FORECAST, quietAtSeven);
    thenAccepts(h, (x) => detected(infraChange)(x), {
      status: 'ApplyingInfra',
      sends: ['ApplyInfra'],
      check: (state) => expect(state.updateWindow).toMatchObject({ reason: 'urgent', start: T0.toISOString() }),
    });
  });

  it('Given a change a security advisory makes urgent, When the changes are known, Then they apply at once (ADR 0029)', () => {
    const advised: Change = {
      kind: 'dependency',
      subject: 'kafkajs',
      from: '2.2.4',
      to: '2.2.5',
      risk: 'low',
      urgent: true,
      reason: 'kafkajs 2.2.4 -> 2.2.5 (patch); advisory GHSA-x (high): denial of service',
    };
    const h = given(DETECTING, {}, FORECAST, quietAtSeven);
    thenAccepts(h, detected(advised), {
      status: 'ApplyingInfra',
      sends: ['ApplyInfra'],
      check: (state) => expect(state.updateWindow).toMatchObject({ reason: 'urgent', start: T0.toISOString() }),
    });
  });

  it('Given no load history yet, When the changes are known, Then they apply at once', () => {
    const h = given(DETECTING, {}, FORECAST);
    thenAccepts(h, detected(infraChange), {
      status: 'ApplyingInfra',
      sends: ['ApplyInfra'],
      check: (state) => expect(state.updateWindow?.reason).toBe('no-forecast'),
    });
  });

  it('Given no window fits before the deadline, When the changes are known, Then they start at once and the deadline rule defers what does not fit', () => {
    const h = given(DETECTING, {}, FORECAST, quietAtSeven);
    // 08:30: 30 minutes left; the infra apply (15) and the DCO (10) fit, the migration (30) does not.
    thenAccepts(h, later(150 * 60_000, detected(infraChange, minorNeo4j)), {
      status: 'ApplyingInfra',
      sends: ['ApplyInfra'],
      check: (state) => expect(state.updateWindow?.reason).toBe('no-fit'),
    });
    thenAccepts(h, answer('InfraApplied'), {
      status: 'RunningDco',
      sends: ['AlertRaised:DEADLINE_AT_RISK:warning', 'RunDco'],
      check: (state) => expect(state.deferred).toEqual([minorNeo4j]),
    });
  });

  it('Given the tick policy (the default), When the changes are known, Then they apply at once and the window says so', () => {
    const h = given(DETECTING, {}, DEFAULT_POLICY, quietAtSeven);
    thenAccepts(h, detected(infraChange), {
      status: 'ApplyingInfra',
      sends: ['ApplyInfra'],
      check: (state) => expect(state.updateWindow).toMatchObject({ policy: 'tick', reason: 'tick', end: at('06:15') }),
    });
  });

  it('Given the window is chosen, When the plan then needs approval and is granted, Then the run does not wait again', () => {
    const h = given(
      [...DETECTING, detected(infraChange), timeout, answer('InfraApprovalRequired')],
      {},
      FORECAST,
      quietAtSeven,
    );
    thenAccepts(h, approve, { status: 'ApplyingInfra', sends: ['ApplyInfra'] });
  });
});

describe('staging before production (ADR 0032)', () => {
  const SOAK_MS = 20 * 60_000;
  const STAGING_FIRST: RunPolicy = { ...DEFAULT_POLICY, promotion: { policy: 'staging-first', soakMs: SOAK_MS } };
  const staged = (history: Arrival[], policy = STAGING_FIRST) => given(history, {}, policy);
  const STAGING = [...DETECTING, detected(infraChange, minorNeo4j)];
  const soaked = answer('StagingSoaked', { ...FIXTURE_DATA.StagingSoaked, soakMs: SOAK_MS });
  const stagingFailed = answer('StagingFailed', {
    failure: { code: 'INFRA.STAGING_REGRESSED', message: 'dco-runner: latency p99 100 ms -> 210 ms' },
    health: [slowRelease],
  });
  const steps = (state: RunState | undefined) => state?.timeline.map((r) => `${r.step}:${r.outcome}`);

  it('Given staging-first, When the changes are known, Then the infrastructure changes go to staging with the soak, and nothing is owed to production', () => {
    thenAccepts(staged(DETECTING), detected(infraChange, minorNeo4j), {
      status: 'Staging',
      sends: ['ApplyToStaging'],
      check: (state, sent) => {
        expect(sent[0].data).toEqual({ day: DAY, changes: [infraChange], soakMs: SOAK_MS });
        expect(state.plan.staging).toEqual({ soakMs: SOAK_MS });
        expect(state.touched).toEqual([]);
        // The saga waits on staging for its timeout plus the soak.
        expect(state.pending).toMatchObject({
          step: 'staging',
          deadline: new Date(T0.getTime() + DEFAULT_POLICY.steps.staging.timeoutMs + SOAK_MS).toISOString(),
        });
      },
    });
  });

  it('Given staging soaked and healthy, When its outcome arrives, Then production gets the change set and staging health is kept', () => {
    thenAccepts(staged(STAGING), soaked, {
      status: 'ApplyingInfra',
      sends: ['ApplyInfra'],
      check: (state, sent) => {
        expect(sent[0].data).toEqual({ day: DAY, changes: [infraChange] });
        expect(state.touched).toEqual(['apply-infra']);
        expect(state.health?.map((h) => `${h.step}:${h.service}`)).toEqual(['staging:dco-runner']);
      },
    });
  });

  it('Given staging-first, When every environment succeeds, Then staging, production infra, the database and the DCO run in that order', () => {
    const h = staged([...STAGING, soaked, answer('InfraApplied'), answer('DbMigrated'), dcoDone]);
    expect(h.sent.filter((m) => !['AlertRaised', 'RunStarted'].includes(m.type)).map((m) => m.type)).toEqual([
      'DetectChanges',
      'ApplyToStaging',
      'ApplyInfra',
      'MigrateDb',
      'RunDco',
      'RunCompleted',
    ]);
    expect(steps(h.state)).toEqual([
      'detect:succeeded',
      'staging:succeeded',
      'apply-infra:succeeded',
      'migrate-db:succeeded',
      'run-dco:succeeded',
    ]);
  });

  it('Given staging regressed, When its failure arrives, Then production is untouched, a critical alert is raised and the DCO runs on production as it is', () => {
    thenAccepts(staged(STAGING), stagingFailed, {
      status: 'RunningDco',
      sends: ['AlertRaised:STAGING_FAILED:critical', 'RunDco(afterRollback)'],
      check: (state) => {
        expect(state.compensations).toEqual([]);
        expect(state.failure?.code).toBe('INFRA.STAGING_REGRESSED');
        // The regression is the step's failure and its alert: kept for the run view, not alerted twice.
        expect(state.health?.[0]).toMatchObject({ step: 'staging', regressions: slowRelease.regressions });
      },
    });
  });

  it('Given staging failed, When the DCO completes, Then the run ends after rollback with nothing rolled back and production never asked', () => {
    const h = staged([...STAGING, stagingFailed, dcoDone]);
    expect(h.state?.status).toBe('CompletedAfterRollback');
    expect(steps(h.state)).toEqual(['detect:succeeded', 'staging:failed', 'run-dco:succeeded']);
    expect(h.sent.map((m) => m.type)).not.toEqual(expect.arrayContaining(['ApplyInfra']));
    expect(h.sent.map((m) => m.type)).not.toEqual(expect.arrayContaining(['MigrateDb']));
    expect(h.sent.find((m) => m.type === 'RunCompletedAfterRollback')?.data).toMatchObject({
      rolledBack: [],
      failure: { code: 'INFRA.STAGING_REGRESSED' },
    });
  });

  it('Given staging does not answer, When its deadline passes, Then it counts as a staging failure and production is untouched', () => {
    thenAccepts(staged(STAGING), timeout, {
      status: 'RunningDco',
      sends: ['AlertRaised:STAGING_FAILED:critical', 'RunDco(afterRollback)'],
      check: (state) => expect(state.failure?.code).toBe('SAGA.STEP_TIMED_OUT'),
    });
  });

  it('Given staging-first and only a Neo4j AMI change, When the changes are known, Then the migration starts without staging', () => {
    thenAccepts(staged(DETECTING), detected(minorNeo4j), {
      status: 'MigratingDb',
      sends: ['MigrateDb'],
      check: (state) => expect(state.plan.staging).toBeUndefined(),
    });
  });

  it('Given the direct policy (the default), When the changes are known, Then production gets them at once', () => {
    thenAccepts(staged(DETECTING, DEFAULT_POLICY), detected(infraChange), {
      status: 'ApplyingInfra',
      sends: ['ApplyInfra'],
      check: (state) => expect(state.plan.staging).toBeUndefined(),
    });
  });

  it('Given a soak after which production could not finish before the DCO deadline, When the changes are known, Then staging and production are deferred together', () => {
    const longSoak: RunPolicy = { ...STAGING_FIRST, promotion: { policy: 'staging-first', soakMs: 2 * 3_600_000 } };
    thenAccepts(staged(DETECTING, longSoak), detected(infraChange, minorNeo4j), {
      status: 'RunningDco',
      sends: ['AlertRaised:DEADLINE_AT_RISK:warning', 'RunDco'],
      check: (state) => {
        expect(state.deferred).toEqual([infraChange, minorNeo4j]);
        expect(steps(state)).toEqual([
          'detect:succeeded',
          'staging:deferred',
          'apply-infra:deferred',
          'migrate-db:deferred',
          'run-dco:running',
        ]);
      },
    });
  });

  it('Given staging-first, When a production outcome arrives while staging runs, Then it is out of order', () => {
    thenRejects(staged(STAGING), answer('InfraApplied'), 'SAGA.OUT_OF_ORDER');
  });

  it('Given a run waiting on production, When a late staging outcome arrives, Then it is out of order', () => {
    thenRejects(staged([...STAGING, soaked]), soaked, 'SAGA.OUT_OF_ORDER');
  });
});
