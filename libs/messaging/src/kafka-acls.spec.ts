// The ACL table (ADR 0019) against the run plan: only the orchestrator writes commands and decisions, each outcome is
// written by the worker that handles its command, and the groups and transactional ids match how the code forms them.
import { ALL_MESSAGE_TYPES, dlqTopicOf } from '@dco/contracts';
import { RUN_PLAN, SAGA_OUTPUT_TYPES } from '@dco/saga';
import { AclResourceTypes, AclOperationTypes, ResourcePatternTypes } from 'kafkajs';
import { WORKER_INPUTS, WRITER_OF, kafkaAclTable, toKafkajsAcls, writersOf } from './kafka-acls';

const rules = kafkaAclTable({ namespace: 'dco' });
const allowed = (principal: string, resourceType: string, name: string, operation: string) =>
  rules.some(
    (r) =>
      r.principal === principal &&
      r.resourceType === resourceType &&
      r.operation === operation &&
      (r.pattern === 'LITERAL' ? r.name === name : name.startsWith(r.name)),
  );

describe('kafkaAclTable', () => {
  it('gives every message topic exactly one writer besides the operator, and the saga its commands and run events', () => {
    for (const type of ALL_MESSAGE_TYPES)
      expect(writersOf(rules, type)).toEqual([`User:${WRITER_OF[type]}`, 'User:cli'].sort());
    for (const type of SAGA_OUTPUT_TYPES) expect(WRITER_OF[type]).toBe('orchestrator');
    expect(writersOf(rules, 'ChangesDetected')).toEqual(['User:cli', 'User:detector']);
    expect(writersOf(rules, 'ApprovalGranted')).toEqual(['User:cli', 'User:orchestrator']);
  });

  it("lets each step's outcomes be written by the worker that reads its command, and by no one else", () => {
    for (const step of Object.values(RUN_PLAN)) {
      const worker = Object.entries(WORKER_INPUTS).find(([, inputs]) => inputs.includes(step.command.type))?.[0];
      const writer = worker ?? 'orchestrator'; // the approval step is answered by the operator, through the orchestrator
      for (const outcome of Object.values(step.outcomes)) expect(WRITER_OF[outcome]).toBe(writer);
    }
  });

  it('lets a consumer write the .dlq of what it reads, and no worker read another worker’s commands', () => {
    expect(writersOf(rules, dlqTopicOf('ApplyInfra'))).toEqual(['User:infra-deployer', 'User:orchestrator']);
    expect(allowed('User:detector', 'TOPIC', 'ApplyInfra', 'READ')).toBe(false);
    expect(allowed('User:infra-deployer', 'TOPIC', 'ApplyInfra', 'READ')).toBe(true);
    expect(allowed('User:external', 'TOPIC', 'ExternalChangeCloudEvents', 'WRITE')).toBe(true);
    expect(rules.filter((r) => r.principal === 'User:external')).toHaveLength(1);
  });

  it('matches the group and transactional ids the code forms (bus groups and txn ids carry the namespace twice)', () => {
    // startCommandWorkers: group `<ns>.<service>`, the bus prefixes `<ns>.`; txn ids `<groupId>.<prefix><instance>.<n>`.
    expect(allowed('User:infra-deployer', 'GROUP', 'dco.dco.infra-deployer', 'READ')).toBe(true);
    expect(allowed('User:infra-deployer', 'TRANSACTIONAL_ID', 'dco.dco.infra-deployer.pod-1.1', 'WRITE')).toBe(true);
    expect(allowed('User:infra-deployer', 'TRANSACTIONAL_ID', 'dco.dco.orchestrator.pod-1.1', 'WRITE')).toBe(false);
    expect(allowed('User:orchestrator', 'GROUP', 'dco.dco.orchestrator-dashboard.pod-1', 'READ')).toBe(true);
    expect(allowed('User:orchestrator', 'GROUP', 'dco.dco.orchestrator-alerts', 'READ')).toBe(true);
    expect(allowed('User:orchestrator', 'GROUP', 'dco.orchestrator-state-loader.4f1c', 'DELETE')).toBe(true);
    expect(allowed('User:detector', 'GROUP', 'dco.dco.detector.external-inbox', 'READ')).toBe(true);
    expect(allowed('User:detector', 'GROUP', 'dco.detector.external-inbox.cloudevents', 'READ')).toBe(true);
    expect(allowed('User:cli', 'GROUP', 'dco-dlq-reader-1234', 'READ')).toBe(true);
  });

  it('lets the orchestrators hold their lease, fence through the one exclusive transactional id and follow SagaState', () => {
    // orchestrator.module / saga-consumer.service: lease group `<ns>.orchestrator-lease`, saga group `orchestrator`
    // (the bus prefixes `<ns>.`), its exclusive txn id `<groupId>.<prefix>exclusive`, followers `<ns>.orchestrator-follower.<uuid>`.
    expect(allowed('User:orchestrator', 'TOPIC', 'OrchestratorLease', 'READ')).toBe(true);
    expect(allowed('User:orchestrator', 'GROUP', 'dco.orchestrator-lease', 'DESCRIBE')).toBe(true);
    expect(allowed('User:orchestrator', 'GROUP', 'dco.orchestrator', 'READ')).toBe(true);
    expect(allowed('User:orchestrator', 'TRANSACTIONAL_ID', 'dco.orchestrator.exclusive', 'WRITE')).toBe(true);
    expect(allowed('User:orchestrator', 'GROUP', 'dco.orchestrator-follower.9a2b', 'DELETE')).toBe(true);
    expect(allowed('User:dco-runner', 'TRANSACTIONAL_ID', 'dco.orchestrator.exclusive', 'WRITE')).toBe(false);
    expect(allowed('User:detector', 'GROUP', 'dco.orchestrator-lease', 'READ')).toBe(false);
    expect(writersOf(rules, 'OrchestratorLease')).toEqual([]);
  });

  it('lets only the orchestrator write the audit trail and read it back with its throw-away groups (ADR 0028)', () => {
    expect(writersOf(rules, 'AuditRecorded')).toEqual(['User:cli', 'User:orchestrator']);
    expect(allowed('User:orchestrator', 'TOPIC', 'AuditRecorded', 'READ')).toBe(true);
    expect(allowed('User:orchestrator', 'GROUP', 'dco.orchestrator-audit-reader.9a2b', 'READ')).toBe(true);
    expect(allowed('User:orchestrator', 'GROUP', 'dco.orchestrator-audit-reader.9a2b', 'DELETE')).toBe(true);
    expect(allowed('User:infra-deployer', 'TOPIC', 'AuditRecorded', 'WRITE')).toBe(false);
    expect(allowed('User:detector', 'GROUP', 'dco.orchestrator-audit-reader.9a2b', 'READ')).toBe(false);
  });

  it("lets the scheduler's drill (and the operator's) write the drill figures, and the orchestrator read them back", () => {
    expect(writersOf(rules, 'DrDrillCompleted')).toEqual(['User:cli', 'User:scheduler']);
    expect(allowed('User:scheduler', 'TOPIC', 'AlertRaised', 'WRITE')).toBe(false);
    expect(allowed('User:orchestrator', 'TOPIC', 'DrDrillCompleted', 'READ')).toBe(true);
    expect(allowed('User:orchestrator', 'GROUP', 'dco.orchestrator-drill-reader.9a2b', 'DELETE')).toBe(true);
    expect(allowed('User:db-migrator', 'TOPIC', 'DrDrillCompleted', 'WRITE')).toBe(false);
  });

  it("lets the healer read its commands' dead letters and the services' group offsets, and write nothing more (ADR 0033)", () => {
    expect(allowed('User:orchestrator', 'TOPIC', 'RunDco.dlq', 'READ')).toBe(true);
    expect(allowed('User:orchestrator', 'GROUP', 'dco-dlq-reader-9a2b', 'READ')).toBe(true);
    expect(allowed('User:orchestrator', 'GROUP', 'dco.dco.dco-runner', 'DESCRIBE')).toBe(true);
    expect(allowed('User:orchestrator', 'TOPIC', 'DcoCompleted.dlq', 'READ')).toBe(false);
    expect(allowed('User:orchestrator', 'GROUP', 'dco.dco.dco-runner', 'READ')).toBe(false);
    expect(writersOf(rules, 'DcoCompleted')).toEqual(['User:cli', 'User:dco-runner']);
  });

  it('namespaces topics with the topic prefix, and converts to kafkajs createAcls entries', () => {
    const prefixed = kafkaAclTable({ namespace: 'stg', topicPrefix: 'stg.' });
    expect(writersOf(prefixed, 'stg.ApplyInfra')).toEqual(['User:cli', 'User:orchestrator']);
    expect(writersOf(prefixed, 'ApplyInfra')).toEqual([]);
    const [first] = toKafkajsAcls([rules[0]]);
    expect(first).toEqual({
      resourceType: AclResourceTypes.TOPIC,
      resourceName: rules[0].name,
      resourcePatternType: ResourcePatternTypes.LITERAL,
      principal: rules[0].principal,
      host: '*',
      operation: AclOperationTypes[rules[0].operation],
      permissionType: 3,
    });
  });
});
