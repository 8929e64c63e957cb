// The run plan read as the business flow: each update step, the command that starts it and the compensation that undoes it.
import { MessageType, Step } from '@dco/contracts';
import { RunStatus } from './run-state';

export interface StepDefinition {
  status: RunStatus;
  /** The command that starts the step; undefined for steps that wait on a person or on nothing we send. */
  command?: MessageType;
  compensation?: Step;
}

export const RUN_PLAN: Record<Step, StepDefinition> = {
  detect: { status: 'Detecting', command: 'DetectChanges' },
  approval: { status: 'AwaitingApproval' },
  'apply-infra': { status: 'ApplyingInfra', command: 'ApplyInfra', compensation: 'rollback-infra' },
  'migrate-db': { status: 'MigratingDb', command: 'MigrateDb', compensation: 'rollback-db' },
  'run-dco': { status: 'RunningDco', command: 'RunDco' },
  'rollback-db': { status: 'RollingBackDb', command: 'RollbackDb' },
  'rollback-infra': { status: 'RollingBackInfra', command: 'RollbackInfra' },
};

/** Update stages in the order a run applies them; the DCO always comes after them. */
export const UPDATE_STAGES = ['apply-infra', 'migrate-db'] as const satisfies readonly Step[];
export type UpdateStage = (typeof UPDATE_STAGES)[number];

export const isCompensation = (step: Step): boolean => step === 'rollback-db' || step === 'rollback-infra';

/** Which step each outcome event answers, and whether it reports success. */
export const OUTCOMES = {
  ChangesDetected: { step: 'detect', success: true },
  DetectionFailed: { step: 'detect', success: false },
  InfraApplied: { step: 'apply-infra', success: true },
  InfraApprovalRequired: { step: 'apply-infra', success: true },
  InfraApplyFailed: { step: 'apply-infra', success: false },
  DbMigrationProgress: { step: 'migrate-db', success: true },
  DbMigrated: { step: 'migrate-db', success: true },
  DbMigrationFailed: { step: 'migrate-db', success: false },
  DcoCompleted: { step: 'run-dco', success: true },
  DcoFailed: { step: 'run-dco', success: false },
  DbRolledBack: { step: 'rollback-db', success: true },
  DbRollbackFailed: { step: 'rollback-db', success: false },
  InfraRolledBack: { step: 'rollback-infra', success: true },
  InfraRollbackFailed: { step: 'rollback-infra', success: false },
  ApprovalGranted: { step: 'approval', success: true },
  ApprovalRejected: { step: 'approval', success: false },
} as const satisfies Partial<Record<MessageType, { step: Step; success: boolean }>>;
export type OutcomeType = keyof typeof OUTCOMES;

/** Every message type the orchestrator consumes. */
export const SAGA_INPUT_TYPES: readonly MessageType[] = ['DailyTick', 'RunRequested', 'RunResumeRequested', 'StepTimedOut', ...(Object.keys(OUTCOMES) as OutcomeType[])];

/** Everything the saga sends. */
export const SAGA_OUTPUT_TYPES: readonly MessageType[] = [
  'RunStarted', 'DetectChanges', 'ApplyInfra', 'MigrateDb', 'RunDco', 'RollbackDb', 'RollbackInfra', 'ApprovalRequested',
  'AlertRaised', 'RunCompleted', 'RunCompletedAfterRollback', 'RunFailed',
];
