// The audit mapping: Given a run, When a message is accepted, Then the entries that record it (who, why, which plan).
import { AnyMessage, AuditRecordedData, Change, DataOf, FIXTURE_DATA, MessageType, Producer } from '@dco/contracts';
import { actorOf, auditEntriesOf } from './audit';
import { decide } from './decide';
import { DEFAULT_POLICY, RunPolicy } from './run-policy';
import { RunState } from './run-state';

const DAY = '2026-11-26';
const RUN = `dco-${DAY}`;
const NOW = new Date('2026-11-26T06:00:00.000Z');

const highRisk: Change = {
  kind: 'terraform-config',
  subject: 'infra/',
  from: 'abc',
  to: 'def',
  risk: 'high',
  reason: 'replaces the VPC',
};
const infra: Change = { ...highRisk, risk: 'low', reason: 'config changed' };
const neo4j: Change = {
  kind: 'neo4j-ami',
  subject: 'neo4j',
  from: 'neo4j-5.20.0',
  to: 'neo4j-5.26.19',
  risk: 'medium',
  reason: 'newer AMI',
};

/** Plays messages through the saga and records what the audit mapping makes of each accepted one. */
class Day {
  state: RunState | undefined;
  entries: AuditRecordedData[] = [];
  private seq = 0;
  private readonly ids = { next: () => `00000000-0000-4000-8000-${String(++this.seq).padStart(12, '0')}` };

  constructor(private readonly policy: RunPolicy = DEFAULT_POLICY) {}

  accept<T extends MessageType>(type: T, data: DataOf<T>, producer: Producer = 'detector'): AuditRecordedData[] {
    const message = {
      eventId: this.ids.next(),
      type,
      schemaVersion: type === 'DailyTick' ? 2 : 1,
      occurredAt: NOW.toISOString(),
      producer,
      runId: RUN,
      data,
    } as AnyMessage;
    const decision = decide(this.state, message, { now: NOW, ids: this.ids, policy: this.policy, day: {} });
    if (!decision.ok) throw new Error(`${type} rejected: ${decision.rejection.message}`);
    const entries = auditEntriesOf(message, this.state, decision.state, decision.messages);
    this.state = decision.state;
    this.entries.push(...entries);
    return entries;
  }
}

function approvedDay(): Day {
  const day = new Day();
  day.accept('DailyTick', { day: DAY, trigger: 'schedule', scheduledAt: NOW.toISOString() }, 'scheduler');
  day.accept('ChangesDetected', { day: DAY, changes: [highRisk, neo4j], sources: [] });
  return day;
}

describe('audit entries of a run', () => {
  it('Given no run, When the tick arrives, Then the transition from nothing and the detection started are recorded', () => {
    const entries = new Day().accept(
      'DailyTick',
      { day: DAY, trigger: 'schedule', scheduledAt: NOW.toISOString() },
      'scheduler',
    );
    expect(entries.map((e) => [e.kind, e.actor, e.to, e.step])).toEqual([
      ['transition', 'scheduler', 'Detecting', undefined],
      ['step-started', 'orchestrator', undefined, 'detect'],
    ]);
    expect(entries[0]).not.toHaveProperty('from');
    expect(entries.map((e) => e.seq)).toEqual([0, 1]);
    expect(new Set(entries.map((e) => e.cause))).toEqual(new Set(['DailyTick']));
  });

  it('When changes are detected, Then each change is an entry with its reason, and the approval asked for says why', () => {
    const day = new Day();
    day.accept('DailyTick', { day: DAY, trigger: 'schedule', scheduledAt: NOW.toISOString() }, 'scheduler');
    const entries = day.accept('ChangesDetected', { day: DAY, changes: [highRisk, neo4j], sources: [] });
    const changes = entries.filter((e) => e.kind === 'change-detected');
    expect(changes.map((e) => [e.actor, e.summary, e.reason])).toEqual([
      ['detector', 'terraform-config infra/: abc -> def (high risk)', 'replaces the VPC'],
      ['detector', 'neo4j-ami neo4j: neo4j-5.20.0 -> neo4j-5.26.19 (medium risk)', 'newer AMI'],
    ]);
    expect(entries.find((e) => e.kind === 'transition')).toMatchObject({ from: 'Detecting', to: 'AwaitingApproval' });
    expect(entries.find((e) => e.kind === 'approval-requested')?.reason).toContain('high');
  });

  it('When an operator approves, Then the entry names the operator and the reason, and the run moves on', () => {
    const day = approvedDay();
    const entries = day.accept('ApprovalGranted', { by: 'alice', reason: 'reviewed the plan' }, 'orchestrator');
    expect(entries[0]).toMatchObject({
      kind: 'approval-granted',
      actor: 'alice',
      reason: 'reviewed the plan',
      step: 'approval',
      cause: 'ApprovalGranted',
    });
    expect(entries.find((e) => e.kind === 'transition')).toMatchObject({ actor: 'alice', from: 'AwaitingApproval' });
    expect(entries.some((e) => e.kind === 'step-started' && e.step === 'apply-infra')).toBe(true);
  });

  it('When an operator rejects, Then who and why are recorded', () => {
    const day = approvedDay();
    const entries = day.accept('ApprovalRejected', { by: 'bob', reason: 'not during quarter close' }, 'orchestrator');
    expect(entries[0]).toMatchObject({ kind: 'approval-rejected', actor: 'bob', reason: 'not during quarter close' });
  });

  it('When the plan gate is approved, Then the entry names the plan', () => {
    const day = approvedDay();
    day.accept('ApprovalGranted', { by: 'alice', reason: 'ok' }, 'orchestrator');
    const asked = day.accept(
      'InfraApprovalRequired',
      { plan: { ...FIXTURE_DATA.InfraApplied.plan, planId: 'plan-7' }, reasons: ['destroys 1'] },
      'infra-deployer',
    );
    expect(asked.find((e) => e.kind === 'approval-requested')).toMatchObject({ planId: 'plan-7' });
    const granted = day.accept('ApprovalGranted', { by: 'carol', reason: 'the destroy is expected' }, 'orchestrator');
    expect(granted[0]).toMatchObject({ kind: 'approval-granted', actor: 'carol', planId: 'plan-7' });
    expect(granted[0].summary).toBe('carol approved the plan plan-7: the destroy is expected');
  });

  it('When the stages report, Then apply with each rollout, migration and DCO are recorded, each by its service', () => {
    const day = approvedDay();
    day.accept('ApprovalGranted', { by: 'alice', reason: 'ok' }, 'orchestrator');
    const applied = day.accept('InfraApplied', FIXTURE_DATA.InfraApplied, 'infra-deployer');
    expect(
      applied.filter((e) => ['apply', 'rollout'].includes(e.kind)).map((e) => [e.kind, e.actor, e.planId]),
    ).toEqual([
      ['apply', 'infra-deployer', 'plan-1'],
      ['rollout', 'infra-deployer', 'plan-1'],
    ]);
    expect(applied.some((e) => e.kind === 'step-started' && e.step === 'migrate-db')).toBe(true);
    const migrated = day.accept('DbMigrated', FIXTURE_DATA.DbMigrated, 'db-migrator');
    expect(migrated[0]).toMatchObject({ kind: 'migration', actor: 'db-migrator', step: 'migrate-db' });
    const dco = day.accept('DcoCompleted', { ...FIXTURE_DATA.DcoCompleted, day: DAY }, 'dco-runner');
    expect(dco[0]).toMatchObject({ kind: 'dco', actor: 'dco-runner', step: 'run-dco' });
    expect(dco.find((e) => e.kind === 'transition')).toMatchObject({ to: 'Completed' });
  });

  it("Given staging-first, When staging soaked, Then its apply and rollouts are recorded as staging's, before production's", () => {
    const day = new Day({ ...DEFAULT_POLICY, promotion: { policy: 'staging-first', soakMs: 60_000 } });
    day.accept('DailyTick', { day: DAY, trigger: 'schedule', scheduledAt: NOW.toISOString() }, 'scheduler');
    const detected = day.accept('ChangesDetected', { day: DAY, changes: [infra], sources: [] });
    expect(detected.find((e) => e.kind === 'step-started')).toMatchObject({ step: 'staging' });
    const soaked = day.accept('StagingSoaked', { ...FIXTURE_DATA.StagingSoaked, soakMs: 60_000 }, 'infra-deployer');
    expect(soaked.filter((e) => ['apply', 'rollout'].includes(e.kind)).map((e) => [e.kind, e.step, e.summary])).toEqual(
      [
        ['apply', 'staging', 'on staging, soaked 60 s: applied plan plan-1: 1 to add, 2 to change, 0 to destroy'],
        ['rollout', 'staging', expect.stringMatching(/^on staging, soaked 60 s: rolled out dco-runner on /)],
      ],
    );
    expect(soaked.find((e) => e.kind === 'step-started')).toMatchObject({ step: 'apply-infra' });
  });

  it('When a stage fails and compensations run, Then the failure with its code and each rollback are recorded', () => {
    const day = approvedDay();
    day.accept('ApprovalGranted', { by: 'alice', reason: 'ok' }, 'orchestrator');
    day.accept('InfraApplied', FIXTURE_DATA.InfraApplied, 'infra-deployer');
    const failed = day.accept('DbMigrationFailed', FIXTURE_DATA.DbMigrationFailed, 'db-migrator');
    expect(failed[0]).toMatchObject({
      kind: 'failure',
      step: 'migrate-db',
      code: FIXTURE_DATA.DbMigrationFailed.failure.code,
    });
    const next = failed.filter((e) => e.kind === 'step-started').map((e) => e.step);
    const rollbacks: AuditRecordedData[] = [];
    if (next.includes('rollback-db'))
      rollbacks.push(...day.accept('DbRolledBack', FIXTURE_DATA.DbRolledBack, 'db-migrator'));
    rollbacks.push(...day.accept('InfraRolledBack', FIXTURE_DATA.InfraRolledBack, 'infra-deployer'));
    expect(rollbacks.filter((e) => e.kind === 'rollback').at(-1)).toMatchObject({
      step: 'rollback-infra',
      actor: 'infra-deployer',
    });
  });

  it('When only progress arrives, Then nothing is recorded', () => {
    const day = approvedDay();
    day.accept('ApprovalGranted', { by: 'alice', reason: 'ok' }, 'orchestrator');
    day.accept('InfraApplied', FIXTURE_DATA.InfraApplied, 'infra-deployer');
    expect(day.accept('DbMigrationProgress', FIXTURE_DATA.DbMigrationProgress, 'db-migrator')).toEqual([]);
  });

  it('Then every entry of a transition carries the run version after it, numbered in order', () => {
    const day = approvedDay();
    const entries = day.accept('ApprovalGranted', { by: 'alice', reason: 'ok' }, 'orchestrator');
    expect(new Set(entries.map((e) => e.version))).toEqual(new Set([day.state?.version]));
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i));
  });
});

describe('actorOf', () => {
  it.each([
    ['ApprovalGranted', 'alice', { by: 'alice', reason: 'r' }],
    ['RunResumeRequested', 'carol', { by: 'carol', reason: 'r' }],
    ['RunRequested', 'dave', { day: DAY, reason: 'r', requestedBy: 'dave' }],
    ['InfraApplied', 'infra-deployer', FIXTURE_DATA.InfraApplied],
  ] as const)('%s is attributed to %s', (type, actor, data) => {
    const producer = type === 'InfraApplied' ? 'infra-deployer' : 'orchestrator';
    expect(actorOf({ type, data, producer } as unknown as AnyMessage)).toBe(actor);
  });
});
