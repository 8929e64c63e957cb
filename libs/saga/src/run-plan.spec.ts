// What is derived from the run plan: the saga's topics (pinned to what they were when typed by hand), the update
// stages, the compensations, the outcomes and the commands each step builds.
import { Change, FIXTURE_DATA, MESSAGE_TYPES, STEPS, validateData } from '@dco/contracts';
import {
  OUTCOMES,
  OutcomeKind,
  OutcomeType,
  RUN_PLAN,
  SAGA_INPUT_TYPES,
  SAGA_OUTPUT_TYPES,
  STEP_COMMAND_TYPES,
  StepDefinition,
  UPDATE_STAGES,
  compensationOf,
  isCompensation,
} from './run-plan';
import { RunState } from './run-state';

const plan: Record<string, StepDefinition> = RUN_PLAN;

describe('run plan: the saga topics', () => {
  it('consumes the starts, the operator and timer messages, and every step outcome', () => {
    expect(new Set(SAGA_INPUT_TYPES)).toEqual(
      new Set([
        'DailyTick',
        'RunRequested',
        'RunResumeRequested',
        'StepTimedOut',
        'ChangesDetected',
        'DetectionFailed',
        'StagingSoaked',
        'StagingFailed',
        'InfraApplied',
        'InfraApprovalRequired',
        'InfraApplyFailed',
        'DbMigrationProgress',
        'DbMigrated',
        'DbMigrationFailed',
        'DcoCompleted',
        'DcoFailed',
        'DbRolledBack',
        'DbRollbackFailed',
        'InfraRolledBack',
        'InfraRollbackFailed',
        'ApprovalGranted',
        'ApprovalRejected',
      ]),
    );
    expect(SAGA_INPUT_TYPES).toHaveLength(new Set(SAGA_INPUT_TYPES).size);
  });

  it('sends the run events, every step command and the approval request', () => {
    expect(new Set(SAGA_OUTPUT_TYPES)).toEqual(
      new Set([
        'RunStarted',
        'DetectChanges',
        'ApplyToStaging',
        'ApplyInfra',
        'MigrateDb',
        'RunDco',
        'RollbackDb',
        'RollbackInfra',
        'ApprovalRequested',
        'AlertRaised',
        'RunCompleted',
        'RunCompletedAfterRollback',
        'RunFailed',
      ]),
    );
    expect(SAGA_OUTPUT_TYPES).toHaveLength(new Set(SAGA_OUTPUT_TYPES).size);
  });

  it('never consumes what it sends', () => {
    expect(SAGA_OUTPUT_TYPES.filter((type) => SAGA_INPUT_TYPES.includes(type))).toEqual([]);
  });
});

describe('run plan: steps, stages and compensations', () => {
  it('has a step for every step of the contracts, each with its own status and command', () => {
    expect(Object.keys(RUN_PLAN)).toEqual([...STEPS]);
    expect(new Set(STEPS.map((step) => plan[step].status)).size).toBe(STEPS.length);
    expect(new Set(STEP_COMMAND_TYPES).size).toBe(STEPS.length);
  });

  it('soaks on staging, then applies infra, then the database, as the update stages', () => {
    expect(UPDATE_STAGES).toEqual(['staging', 'apply-infra', 'migrate-db']);
  });

  it('gives every update stage of production a compensation, and only those: staging leaves production untouched', () => {
    for (const step of STEPS)
      expect([step, compensationOf(step) !== undefined]).toEqual([
        step,
        plan[step].update !== undefined && step !== 'staging',
      ]);
  });

  it('makes every compensation a step of the plan with a command, which changes nothing that needs undoing itself', () => {
    const compensations = STEPS.flatMap((step) => compensationOf(step) ?? []);
    expect(compensations).toEqual(['rollback-infra', 'rollback-db']);
    for (const compensation of compensations) {
      expect(plan[compensation].command.type).toEqual(expect.any(String));
      expect(compensationOf(compensation)).toBeUndefined();
    }
  });

  it('tells compensations from the other steps', () => {
    expect(STEPS.filter(isCompensation)).toEqual(['rollback-db', 'rollback-infra']);
  });
});

describe('run plan: outcomes', () => {
  const declared = STEPS.flatMap((step) =>
    Object.entries(plan[step].outcomes).map(([kind, type]) => ({
      type: type as OutcomeType,
      step,
      kind: kind as OutcomeKind,
    })),
  );

  it('lets each outcome answer exactly one step', () => {
    expect(Object.keys(OUTCOMES)).toHaveLength(declared.length);
    for (const { type, step, kind } of declared) expect(OUTCOMES[type]).toEqual({ step, kind });
  });

  it('gives every step one success and one failure', () => {
    for (const step of STEPS)
      expect(declared.filter((o) => o.step === step).map((o) => o.kind)).toEqual(
        expect.arrayContaining(['succeeded', 'failed']),
      );
  });

  it('carries a failure in every failed outcome but the rejected approval, and in no other outcome', () => {
    const withFailure = declared.filter(({ type }) => 'failure' in FIXTURE_DATA[type]).map(({ type }) => type);
    const failed = declared
      .filter(({ step, kind }) => kind === 'failed' && step !== 'approval')
      .map(({ type }) => type);
    expect(withFailure).toEqual(failed);
  });
});

describe('run plan: commands', () => {
  const infra: Change = {
    kind: 'terraform-config',
    subject: 'infra/',
    from: 'abc',
    to: 'def',
    risk: 'low',
    reason: 'config changed',
  };
  const neo4j: Change = {
    kind: 'neo4j-ami',
    subject: 'neo4j',
    from: 'neo4j-5.20.0',
    to: 'neo4j-5.26.19',
    risk: 'medium',
    reason: 'newer AMI',
  };
  const at = '2026-11-26T06:00:00.000Z';
  const run: RunState = {
    runId: 'dco-2026-11-26',
    day: '2026-11-26',
    trigger: 'schedule',
    status: 'AwaitingApproval',
    startedAt: at,
    updatedAt: at,
    version: 3,
    dcoDeadline: '2026-11-26T09:00:00.000Z',
    changes: [infra, neo4j],
    plan: { infra: true, dbTargetImageId: 'neo4j-5.26.19', staging: { soakMs: 600_000 } },
    deferred: [],
    timeline: [],
    touched: [],
    compensations: [],
    rolledBack: [],
    alerts: [],
    attempts: {},
    dcoAfterRollback: true,
    approvals: [
      {
        gate: 'plan',
        reasons: ['replaces the VPC'],
        requestedAt: at,
        planId: 'plan-1',
        decision: { granted: true, by: 'alice', reason: 'ok', at },
      },
    ],
    failure: { code: 'DB.VALIDATION_MISMATCH', message: 'counts differ' },
  };

  it.each(STEPS)('builds a valid %s command from the run', (step) => {
    const { type, data } = plan[step].command;
    expect(validateData(MESSAGE_TYPES[type].data, data(run))).toMatchObject({ ok: true });
  });

  it('builds each command from what the run decided', () => {
    expect(Object.fromEntries(STEPS.map((step) => [step, plan[step].command.data(run)]))).toEqual({
      detect: { day: '2026-11-26' },
      approval: { reasons: ['replaces the VPC'], changes: [infra, neo4j] },
      staging: { day: '2026-11-26', changes: [infra], soakMs: 600_000 },
      'apply-infra': { day: '2026-11-26', changes: [infra], approvedPlanId: 'plan-1' },
      'migrate-db': { day: '2026-11-26', targetImageId: 'neo4j-5.26.19' },
      'run-dco': { day: '2026-11-26', afterRollback: true },
      'rollback-db': { day: '2026-11-26', reason: 'DB.VALIDATION_MISMATCH: counts differ' },
      'rollback-infra': { day: '2026-11-26', reason: 'DB.VALIDATION_MISMATCH: counts differ' },
    });
  });
});
