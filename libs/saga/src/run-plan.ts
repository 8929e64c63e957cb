// The run plan read as the business flow: each step, the command that starts it, the outcomes that answer it and the
// compensation that undoes it. The saga's commands, outcomes, compensations and topics are all derived from it.
import { Change, DataOf, MessageType, STEPS, Step } from '@dco/contracts';
import { isDbChange, isInfraChange } from './run-policy';
import { RunState, RunStatus } from './run-state';

/** The message that starts a step, and how its data is built from the run as it stands when the step starts. */
export interface StepCommand<T extends MessageType = MessageType> {
  type: T;
  data: (run: RunState) => DataOf<T>;
}

/** The events that answer a step's command, by what they mean for the run. */
export interface StepOutcomes {
  /** The step did its work. */
  succeeded: MessageType;
  /** The step failed (or the person said no): the run compensates what it changed. */
  failed: MessageType;
  /** The step changed nothing yet: a person must approve its plan first. */
  needsApproval?: MessageType;
  /** The step is still working: recorded on its timeline entry while the run keeps waiting. */
  progress?: MessageType;
}

/**
 * What makes a step an update stage: the detected changes it applies, and whether this run's plan includes it. An update
 * stage of production has a compensation; the staging stage has none: it leaves production untouched.
 */
export interface UpdateDefinition {
  applies: (change: Change) => boolean;
  planned: (run: RunState) => boolean;
}

export interface StepDefinition {
  status: RunStatus;
  command: StepCommand;
  outcomes: StepOutcomes;
  /** Update stages only: they change the infrastructure, so each has a compensation. */
  update?: UpdateDefinition;
  compensation?: Step;
}

const command = <T extends MessageType>(type: T, data: (run: RunState) => DataOf<T>): StepCommand<T> => ({
  type,
  data,
});

/** The plan id of the latest approved plan: the infra-deployer then applies exactly that plan. */
const approvedPlanId = (run: RunState): string | undefined =>
  [...run.approvals].reverse().find((approval) => approval.gate === 'plan' && approval.decision?.granted)?.planId;

/** A compensation tells the worker why it undoes its stage: the failure that sent the run into compensation. */
const rollback = (run: RunState): DataOf<'RollbackDb' | 'RollbackInfra'> => ({
  day: run.day,
  reason: `${run.failure?.code ?? 'INTERNAL.UNEXPECTED'}: ${run.failure?.message ?? ''}`.slice(0, 1000),
});

/**
 * Detect the changes, have a person approve the risky ones, soak the infrastructure changes on staging (by policy), apply infra, migrate the database, run the DCO; on a
 * failure undo the update stages in reverse order and run the DCO on the old infrastructure.
 */
export const RUN_PLAN = {
  detect: {
    status: 'Detecting',
    command: command('DetectChanges', (run) => ({ day: run.day })),
    outcomes: { succeeded: 'ChangesDetected', failed: 'DetectionFailed' },
  },
  approval: {
    status: 'AwaitingApproval',
    // The request of the latest gate; the decision answers it, like an outcome answers its command.
    command: command('ApprovalRequested', (run) => ({
      reasons: run.approvals[run.approvals.length - 1].reasons,
      changes: run.changes,
    })),
    outcomes: { succeeded: 'ApprovalGranted', failed: 'ApprovalRejected' },
  },
  // Staging-first promotion (ADR 0032): production's infrastructure change set on staging, soaked and judged by its
  // health; production's stages wait on its outcome. A failure there leaves production untouched: nothing to undo.
  staging: {
    status: 'Staging',
    command: command('ApplyToStaging', (run) => ({
      day: run.day,
      changes: run.changes.filter(isInfraChange),
      soakMs: run.plan.staging?.soakMs ?? 0,
    })),
    outcomes: { succeeded: 'StagingSoaked', failed: 'StagingFailed' },
    update: { applies: isInfraChange, planned: (run) => run.plan.staging !== undefined },
  },
  'apply-infra': {
    status: 'ApplyingInfra',
    command: command('ApplyInfra', (run) => {
      const planId = approvedPlanId(run);
      return {
        day: run.day,
        changes: run.changes.filter(isInfraChange),
        ...(planId ? { approvedPlanId: planId } : {}),
      };
    }),
    outcomes: { succeeded: 'InfraApplied', failed: 'InfraApplyFailed', needsApproval: 'InfraApprovalRequired' },
    update: { applies: isInfraChange, planned: (run) => run.plan.infra },
    compensation: 'rollback-infra',
  },
  'migrate-db': {
    status: 'MigratingDb',
    command: command('MigrateDb', (run) => ({ day: run.day, targetImageId: run.plan.dbTargetImageId as string })),
    outcomes: { succeeded: 'DbMigrated', failed: 'DbMigrationFailed', progress: 'DbMigrationProgress' },
    update: { applies: isDbChange, planned: (run) => run.plan.dbTargetImageId !== undefined },
    compensation: 'rollback-db',
  },
  'run-dco': {
    status: 'RunningDco',
    command: command('RunDco', (run) => ({ day: run.day, afterRollback: run.dcoAfterRollback })),
    outcomes: { succeeded: 'DcoCompleted', failed: 'DcoFailed' },
  },
  'rollback-db': {
    status: 'RollingBackDb',
    command: command('RollbackDb', rollback),
    outcomes: { succeeded: 'DbRolledBack', failed: 'DbRollbackFailed' },
  },
  'rollback-infra': {
    status: 'RollingBackInfra',
    command: command('RollbackInfra', rollback),
    outcomes: { succeeded: 'InfraRolledBack', failed: 'InfraRollbackFailed' },
  },
} as const satisfies Record<Step, StepDefinition>;

type Plan = typeof RUN_PLAN;
/** The plan seen step by step, for the derivations below that do not care which step is which. */
const STEP_DEFINITIONS: Readonly<Record<Step, StepDefinition>> = RUN_PLAN;

/** Update stages in the order a run applies them; the DCO always comes after them. */
export type UpdateStage = { [S in Step]: Plan[S] extends { update: UpdateDefinition } ? S : never }[Step];
export const UPDATE_STAGES = STEPS.filter((step): step is UpdateStage => 'update' in RUN_PLAN[step]);

/** The step that undoes an update stage; undefined for the steps that change nothing that must be undone. */
export const compensationOf = (step: Step): Step | undefined => STEP_DEFINITIONS[step].compensation;

const COMPENSATIONS: ReadonlySet<Step> = new Set(STEPS.flatMap((step) => compensationOf(step) ?? []));
export const isCompensation = (step: Step): boolean => COMPENSATIONS.has(step);

/** Every command the plan sends to start a step (the approval's request included). */
export type StepCommandType = Plan[Step]['command']['type'];
export const STEP_COMMAND_TYPES: readonly StepCommandType[] = STEPS.map((step) => RUN_PLAN[step].command.type);

export type OutcomeKind = keyof StepOutcomes;
export type OutcomeType = { [S in Step]: Plan[S]['outcomes'][keyof Plan[S]['outcomes']] }[Step];

/** Which step each outcome event answers, and what it means for the run. */
export const OUTCOMES = Object.fromEntries(
  STEPS.flatMap((step) =>
    Object.entries(STEP_DEFINITIONS[step].outcomes).map(([kind, type]) => [type, { step, kind: kind as OutcomeKind }]),
  ),
) as Record<OutcomeType, { step: Step; kind: OutcomeKind }>;
export const isOutcome = (type: MessageType): type is OutcomeType =>
  Object.prototype.hasOwnProperty.call(OUTCOMES, type);

/** Messages that start, resume or time out a run rather than answer a step. */
export const RUN_CONTROL_TYPES = [
  'DailyTick',
  'RunRequested',
  'RunResumeRequested',
  'StepTimedOut',
] as const satisfies readonly MessageType[];

/** What the saga says about the run itself, besides the step commands. */
export const RUN_EVENT_TYPES = [
  'RunStarted',
  'AlertRaised',
  'RunCompleted',
  'RunCompletedAfterRollback',
  'RunFailed',
] as const satisfies readonly MessageType[];
export type RunEventType = (typeof RUN_EVENT_TYPES)[number];

/** Every message type the saga may send; its decider cannot emit any other. */
export type SagaOutputType = RunEventType | StepCommandType;

/** Every message type the orchestrator consumes. */
export const SAGA_INPUT_TYPES: readonly MessageType[] = [
  ...RUN_CONTROL_TYPES,
  ...(Object.keys(OUTCOMES) as OutcomeType[]),
];

/** Everything the saga sends. */
export const SAGA_OUTPUT_TYPES: readonly SagaOutputType[] = [...RUN_EVENT_TYPES, ...STEP_COMMAND_TYPES];
