// Who may do what on the bus (ADR 0019): one principal per service, each writing only the topics it owns. The table is
// keyed by the contracts' message types, so a new type does not compile until someone decides who writes and reads it.
import { ALL_MESSAGE_TYPES, MessageType, dlqTopicOf } from '@dco/contracts';
import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } from 'kafkajs';
import { topicFor } from './wire-record';

/**
 * The services with a Kafka principal of their own (`User:<service>`); `cli` is the operator's (DLQ re-drive),
 * `external` the one given to outside producers of CloudEvents (they may write that one topic, nothing else).
 */
export const KAFKA_PRINCIPALS = [
  'scheduler',
  'orchestrator',
  'detector',
  'infra-deployer',
  'db-migrator',
  'dco-runner',
  'cli',
  'external',
] as const;
export type KafkaPrincipal = (typeof KAFKA_PRINCIPALS)[number];

type Worker = 'detector' | 'infra-deployer' | 'db-migrator' | 'dco-runner';

/**
 * The one service that writes each message type. The orchestrator writes every command and run event (the saga) and
 * the operator's decisions (its API); each worker writes the outcomes of the commands it handles.
 */
export const WRITER_OF: Readonly<Record<MessageType, Exclude<KafkaPrincipal, 'cli' | 'external'>>> = {
  DailyTick: 'scheduler',
  RunRequested: 'orchestrator',
  DetectChanges: 'orchestrator',
  ChangesDetected: 'detector',
  DetectionFailed: 'detector',
  ExternalChangeReported: 'detector',
  ApplyToStaging: 'orchestrator',
  StagingSoaked: 'infra-deployer',
  StagingFailed: 'infra-deployer',
  ApplyInfra: 'orchestrator',
  InfraApprovalRequired: 'infra-deployer',
  InfraApplied: 'infra-deployer',
  InfraApplyFailed: 'infra-deployer',
  RollbackInfra: 'orchestrator',
  InfraRolledBack: 'infra-deployer',
  InfraRollbackFailed: 'infra-deployer',
  MigrateDb: 'orchestrator',
  DbMigrationProgress: 'db-migrator',
  DbMigrated: 'db-migrator',
  DbMigrationFailed: 'db-migrator',
  RollbackDb: 'orchestrator',
  DbRolledBack: 'db-migrator',
  DbRollbackFailed: 'db-migrator',
  RunDco: 'orchestrator',
  DcoCompleted: 'dco-runner',
  DcoFailed: 'dco-runner',
  StepTimedOut: 'orchestrator',
  ApprovalRequested: 'orchestrator',
  ApprovalGranted: 'orchestrator',
  ApprovalRejected: 'orchestrator',
  RunResumeRequested: 'orchestrator',
  RunStarted: 'orchestrator',
  RunCompleted: 'orchestrator',
  RunCompletedAfterRollback: 'orchestrator',
  RunFailed: 'orchestrator',
  AlertRaised: 'orchestrator',
  AuditRecorded: 'orchestrator',
  // A drill's figures: `dco drill` writes them, run by the scheduler on DR_DRILL_CRON (its principal) or by an operator
  // (`cli`, which writes every topic anyway); the orchestrator reads them for the dashboard.
  DrDrillCompleted: 'scheduler',
};

/** What each worker consumes (its commands; the detector also its external inbox). The orchestrator reads every type. */
export const WORKER_INPUTS: Readonly<Record<Worker, readonly MessageType[]>> = {
  detector: ['DetectChanges', 'ExternalChangeReported'],
  'infra-deployer': ['ApplyToStaging', 'ApplyInfra', 'RollbackInfra'],
  'db-migrator': ['MigrateDb', 'RollbackDb'],
  'dco-runner': ['RunDco'],
};

/** Where outside producers write CloudEvents for the detector (apps/detector, EXTERNAL_CLOUD_EVENTS_TOPIC). */
export const EXTERNAL_CLOUD_EVENTS_TOPIC_NAME = 'ExternalChangeCloudEvents';

/** The saga's compacted snapshot topic (apps/orchestrator, SAGA_STATE_TOPIC): only the orchestrator reads or writes it. */
export const SAGA_STATE_TOPIC_NAME = 'SagaState';

/** The orchestrators' lease topic (apps/orchestrator, ORCHESTRATOR_LEASE_TOPIC): joined, never written (ADR 0004). */
export const ORCHESTRATOR_LEASE_TOPIC_NAME = 'OrchestratorLease';

export type AclOperation = 'READ' | 'WRITE' | 'CREATE' | 'DESCRIBE' | 'DESCRIBE_CONFIGS' | 'DELETE';

/** One ALLOW rule: `principal` may `operation` on the resource (a literal name, or every name with this prefix). */
export interface AclRule {
  principal: string;
  resourceType: 'TOPIC' | 'GROUP' | 'TRANSACTIONAL_ID';
  pattern: 'LITERAL' | 'PREFIXED';
  name: string;
  operation: AclOperation;
}

export interface AclTableOptions {
  /** DCO_NAMESPACE of the deployment (default `dco`). */
  namespace?: string;
  /** DCO_TOPIC_PREFIX of the deployment (default none). */
  topicPrefix?: string;
  /** Principal of a service (default `User:<service>`); with MSK IAM the ACLs are IAM policies instead (docs/deployment.md). */
  principalOf?: (service: KafkaPrincipal) => string;
}

/**
 * Every ALLOW rule of the bus. Consumer groups and transactional ids follow how the code forms them:
 * - a bus subscription's group is `<namespace>.<group>`, and the services name their groups `<namespace>.<service>...`
 *   (command workers `<ns>.<service>`, the orchestrator `<ns>.orchestrator`, `-dashboard.<instance>`, `-alerts`, the
 *   external inbox `<ns>.detector.external-inbox`), so on Kafka they start with `<ns>.<ns>.<service>`;
 * - its transactional producers are `<groupId>.<topicPrefix><instanceId>.<n>`: the same prefix;
 * - two plain kafkajs consumers have one namespace only: the saga-state loader `<ns>.orchestrator-state-loader.<uuid>`
 *   and the detector's CloudEvents consumer `<ns>.detector.external-inbox.cloudevents`;
 * - the operator's DLQ reader uses `dco-dlq-reader-<uuid>`.
 * A service may create (on first use) and describe the topics it reads or writes; it writes the `.dlq` of each topic it
 * reads (a rejected record is dead-lettered by its consumer).
 */
export function kafkaAclTable(options: AclTableOptions = {}): AclRule[] {
  const ns = options.namespace ?? 'dco';
  const principalOf = options.principalOf ?? ((service: KafkaPrincipal) => `User:${service}`);
  const topic = (type: string) => topicFor(type, options.topicPrefix ?? '');
  const rules: AclRule[] = [];
  const allow = (
    service: KafkaPrincipal,
    resourceType: AclRule['resourceType'],
    pattern: AclRule['pattern'],
    name: string,
    operations: readonly AclOperation[],
  ) => {
    for (const operation of operations)
      rules.push({ principal: principalOf(service), resourceType, pattern, name, operation });
  };
  const writes = (service: KafkaPrincipal, name: string) =>
    allow(service, 'TOPIC', 'LITERAL', name, ['WRITE', 'CREATE']);
  const reads = (service: KafkaPrincipal, type: string) => {
    allow(service, 'TOPIC', 'LITERAL', topic(type), ['READ', 'CREATE']);
    writes(service, dlqTopicOf(topic(type)));
  };

  for (const type of ALL_MESSAGE_TYPES) writes(WRITER_OF[type], topic(type));

  // The orchestrator: every type (saga inputs, the dashboard and alert feeds), its snapshots, its loader's groups.
  for (const type of ALL_MESSAGE_TYPES) reads('orchestrator', type);
  allow('orchestrator', 'TOPIC', 'LITERAL', topic(SAGA_STATE_TOPIC_NAME), [
    'READ',
    'WRITE',
    'CREATE',
    'DESCRIBE_CONFIGS',
  ]);
  allow('orchestrator', 'GROUP', 'PREFIXED', `${ns}.${ns}.orchestrator`, ['READ']);
  allow('orchestrator', 'TRANSACTIONAL_ID', 'PREFIXED', `${ns}.${ns}.orchestrator`, ['WRITE']);
  allow('orchestrator', 'GROUP', 'PREFIXED', `${ns}.orchestrator-state-loader.`, ['READ', 'DELETE']);
  // High availability (ADR 0004): the lease group and topic, the saga's own group `<ns>.orchestrator` (its subscription
  // is exclusive to the lease holder), the one transactional id every pod fences with, and the standbys' followers.
  allow('orchestrator', 'TOPIC', 'LITERAL', topic(ORCHESTRATOR_LEASE_TOPIC_NAME), ['READ', 'DESCRIBE', 'CREATE']);
  allow('orchestrator', 'GROUP', 'LITERAL', `${ns}.orchestrator-lease`, ['READ', 'DESCRIBE']);
  allow('orchestrator', 'GROUP', 'LITERAL', `${ns}.orchestrator`, ['READ']);
  allow('orchestrator', 'TRANSACTIONAL_ID', 'LITERAL', `${ns}.orchestrator.${options.topicPrefix ?? ''}exclusive`, [
    'WRITE',
    'DESCRIBE',
  ]);
  allow('orchestrator', 'GROUP', 'PREFIXED', `${ns}.orchestrator-follower.`, ['READ', 'DELETE']);
  // The audit reader (ADR 0028): a throw-away group per query of the retained AuditRecorded topic.
  allow('orchestrator', 'GROUP', 'PREFIXED', `${ns}.orchestrator-audit-reader.`, ['READ', 'DELETE']);
  // The dashboard's last DR drills: a throw-away group reads the retained DrDrillCompleted topic at start.
  allow('orchestrator', 'GROUP', 'PREFIXED', `${ns}.orchestrator-drill-reader.`, ['READ', 'DELETE']);
  // The healer (ADR 0033): re-drives dead letters of the commands it writes (read with a throw-away DLQ reader group,
  // written to a topic it writes anyway) and reads the services' groups' committed offsets.
  for (const type of ALL_MESSAGE_TYPES)
    if (WRITER_OF[type] === 'orchestrator')
      allow('orchestrator', 'TOPIC', 'LITERAL', dlqTopicOf(topic(type)), ['READ']);
  allow('orchestrator', 'GROUP', 'PREFIXED', 'dco-dlq-reader-', ['READ', 'DELETE']);
  allow('orchestrator', 'GROUP', 'PREFIXED', `${ns}.${ns}.`, ['DESCRIBE']);

  for (const [worker, inputs] of Object.entries(WORKER_INPUTS) as [Worker, readonly MessageType[]][]) {
    for (const type of inputs) reads(worker, type);
    allow(worker, 'GROUP', 'PREFIXED', `${ns}.${ns}.${worker}`, ['READ']);
    allow(worker, 'TRANSACTIONAL_ID', 'PREFIXED', `${ns}.${ns}.${worker}`, ['WRITE']);
  }
  reads('detector', EXTERNAL_CLOUD_EVENTS_TOPIC_NAME);
  allow('detector', 'GROUP', 'LITERAL', `${ns}.detector.external-inbox.cloudevents`, ['READ']);
  allow('external', 'TOPIC', 'LITERAL', topic(EXTERNAL_CLOUD_EVENTS_TOPIC_NAME), ['WRITE']);

  // The operator: reads dead letters (a throw-away group each time) and re-drives them to their original topic.
  for (const type of ALL_MESSAGE_TYPES) {
    allow('cli', 'TOPIC', 'LITERAL', dlqTopicOf(topic(type)), ['READ']);
    allow('cli', 'TOPIC', 'LITERAL', topic(type), ['WRITE']);
  }
  allow('cli', 'GROUP', 'PREFIXED', 'dco-dlq-reader-', ['READ', 'DELETE']);
  return rules;
}

/** The services allowed to write a topic of the table (its writer; for a `.dlq`, its readers). */
export function writersOf(rules: readonly AclRule[], topicName: string): string[] {
  return [
    ...new Set(
      rules
        .filter((r) => r.resourceType === 'TOPIC' && r.operation === 'WRITE' && r.name === topicName)
        .map((r) => r.principal),
    ),
  ].sort();
}

/** The rules as kafkajs' admin.createAcls takes them (host `*`, ALLOW). */
export function toKafkajsAcls(rules: readonly AclRule[]) {
  return rules.map((rule) => ({
    resourceType: AclResourceTypes[rule.resourceType],
    resourceName: rule.name,
    resourcePatternType: ResourcePatternTypes[rule.pattern],
    principal: rule.principal,
    host: '*',
    operation: AclOperationTypes[rule.operation],
    permissionType: AclPermissionTypes.ALLOW,
  }));
}
