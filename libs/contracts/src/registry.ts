// The catalogue of message types: topic = type, current schema version, data class, and whether it is a command or an event.
import { ClassConstructor } from 'class-transformer';
import {
  ChangesDetectedData,
  DetectChangesData,
  DetectionFailedData,
  ExternalChangeReportedData,
  RunRequestedData,
} from './messages/detector.messages';
import { DailyTickData } from './messages/scheduler.messages';
import {
  ApplyInfraData,
  ApplyToStagingData,
  StagingSoakedData,
  StagingFailedData,
  InfraAppliedData,
  InfraApplyFailedData,
  InfraApprovalRequiredData,
  InfraRolledBackData,
  RollbackData,
  StepFailedData,
} from './messages/infra.messages';
import {
  DbMigratedData,
  DbMigrationFailedData,
  DbMigrationProgressData,
  DbRolledBackData,
  MigrateDbData,
} from './messages/db.messages';
import { DcoCompletedData, DcoFailedData, RunDcoData } from './messages/dco.messages';
import {
  AlertRaisedData,
  ApprovalDecisionData,
  ApprovalRequestedData,
  RunCompletedAfterRollbackData,
  RunResumeRequestedData,
  RunCompletedData,
  RunFailedData,
  RunStartedData,
  StepTimedOutData,
} from './messages/run.messages';
import { AuditRecordedData } from './messages/audit.messages';
import { DrDrillCompletedData } from './messages/drill.messages';

export interface MessageSpec<TData = object> {
  kind: 'command' | 'event';
  version: number;
  data: ClassConstructor<TData>;
}

/** Every message type, keyed by its literal name (also its Kafka topic). */
export const MESSAGE_TYPES = {
  DailyTick: { kind: 'event', version: 2, data: DailyTickData },
  RunRequested: { kind: 'command', version: 1, data: RunRequestedData },
  DetectChanges: { kind: 'command', version: 1, data: DetectChangesData },
  ChangesDetected: { kind: 'event', version: 1, data: ChangesDetectedData },
  DetectionFailed: { kind: 'event', version: 1, data: DetectionFailedData },
  ExternalChangeReported: { kind: 'event', version: 1, data: ExternalChangeReportedData },
  ApplyToStaging: { kind: 'command', version: 1, data: ApplyToStagingData },
  StagingSoaked: { kind: 'event', version: 1, data: StagingSoakedData },
  StagingFailed: { kind: 'event', version: 1, data: StagingFailedData },
  ApplyInfra: { kind: 'command', version: 1, data: ApplyInfraData },
  InfraApprovalRequired: { kind: 'event', version: 1, data: InfraApprovalRequiredData },
  InfraApplied: { kind: 'event', version: 1, data: InfraAppliedData },
  InfraApplyFailed: { kind: 'event', version: 1, data: InfraApplyFailedData },
  RollbackInfra: { kind: 'command', version: 1, data: RollbackData },
  InfraRolledBack: { kind: 'event', version: 1, data: InfraRolledBackData },
  InfraRollbackFailed: { kind: 'event', version: 1, data: StepFailedData },
  MigrateDb: { kind: 'command', version: 1, data: MigrateDbData },
  DbMigrationProgress: { kind: 'event', version: 1, data: DbMigrationProgressData },
  DbMigrated: { kind: 'event', version: 1, data: DbMigratedData },
  DbMigrationFailed: { kind: 'event', version: 1, data: DbMigrationFailedData },
  RollbackDb: { kind: 'command', version: 1, data: RollbackData },
  DbRolledBack: { kind: 'event', version: 1, data: DbRolledBackData },
  DbRollbackFailed: { kind: 'event', version: 1, data: StepFailedData },
  RunDco: { kind: 'command', version: 1, data: RunDcoData },
  DcoCompleted: { kind: 'event', version: 1, data: DcoCompletedData },
  DcoFailed: { kind: 'event', version: 1, data: DcoFailedData },
  StepTimedOut: { kind: 'event', version: 1, data: StepTimedOutData },
  ApprovalRequested: { kind: 'event', version: 1, data: ApprovalRequestedData },
  ApprovalGranted: { kind: 'event', version: 1, data: ApprovalDecisionData },
  ApprovalRejected: { kind: 'event', version: 1, data: ApprovalDecisionData },
  RunResumeRequested: { kind: 'command', version: 1, data: RunResumeRequestedData },
  RunStarted: { kind: 'event', version: 1, data: RunStartedData },
  RunCompleted: { kind: 'event', version: 1, data: RunCompletedData },
  RunCompletedAfterRollback: { kind: 'event', version: 1, data: RunCompletedAfterRollbackData },
  RunFailed: { kind: 'event', version: 1, data: RunFailedData },
  AlertRaised: { kind: 'event', version: 1, data: AlertRaisedData },
  AuditRecorded: { kind: 'event', version: 1, data: AuditRecordedData },
  DrDrillCompleted: { kind: 'event', version: 1, data: DrDrillCompletedData },
} as const satisfies Record<string, MessageSpec>;

export type MessageType = keyof typeof MESSAGE_TYPES;
export type DataOf<T extends MessageType> = InstanceType<(typeof MESSAGE_TYPES)[T]['data']>;

export const ALL_MESSAGE_TYPES = Object.keys(MESSAGE_TYPES) as MessageType[];

export function isMessageType(value: unknown): value is MessageType {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(MESSAGE_TYPES, value);
}

/** Dead-letter topic of a topic. */
export const dlqTopicOf = (topic: string): string => `${topic}.dlq`;
