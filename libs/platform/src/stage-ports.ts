// The use-case ports each worker service calls, one per command; real implementations and simulated stand-ins bind them.
import { DataOf, MessageOf } from '@dco/contracts';
import { CommandContext } from './command-worker';

/**
 * A stage use case: the command in, the success data out; throws CodedError on a business failure; resolves null to
 * leave the command unanswered (the saga's step timeout decides).
 */
export type StagePort<
  C extends 'DetectChanges' | 'ApplyToStaging' | 'ApplyInfra' | 'RollbackInfra' | 'MigrateDb' | 'RollbackDb' | 'RunDco',
  R,
> = (command: MessageOf<C>, context: CommandContext) => Promise<R | null>;

export type DetectChangesPort = StagePort<'DetectChanges', DataOf<'ChangesDetected'>>;
/** Applies infra; answers InfraApprovalRequired instead of InfraApplied when the plan needs a person's approval. */
export type ApplyInfraPort = StagePort<
  'ApplyInfra',
  | { type: 'InfraApplied'; data: DataOf<'InfraApplied'> }
  | { type: 'InfraApprovalRequired'; data: DataOf<'InfraApprovalRequired'> }
>;
/** Applies production's change set to staging and soaks it (ADR 0032): StagingFailed is an answer, not a throw, so it carries health. */
export type ApplyToStagingPort = StagePort<
  'ApplyToStaging',
  { type: 'StagingSoaked'; data: DataOf<'StagingSoaked'> } | { type: 'StagingFailed'; data: DataOf<'StagingFailed'> }
>;
export type RollbackInfraPort = StagePort<'RollbackInfra', DataOf<'InfraRolledBack'>>;
export type MigrateDbPort = StagePort<'MigrateDb', DataOf<'DbMigrated'>>;
export type RollbackDbPort = StagePort<'RollbackDb', DataOf<'DbRolledBack'>>;
export type RunDcoPort = StagePort<'RunDco', DataOf<'DcoCompleted'>>;

export const DETECT_CHANGES_PORT = Symbol('DetectChangesPort');
export const APPLY_TO_STAGING_PORT = Symbol('ApplyToStagingPort');
export const APPLY_INFRA_PORT = Symbol('ApplyInfraPort');
export const ROLLBACK_INFRA_PORT = Symbol('RollbackInfraPort');
export const MIGRATE_DB_PORT = Symbol('MigrateDbPort');
export const ROLLBACK_DB_PORT = Symbol('RollbackDbPort');
export const RUN_DCO_PORT = Symbol('RunDcoPort');
