// The healer on the real stack (ADR 0033): each known fault injected from outside on real Kafka, ECS on the AWS emulator,
// real Neo4j and EventBridge, and the heal (or, during a run's DCO, the refusal) it leads to, with its audit entry.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ECSClient } from '@aws-sdk/client-ecs';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DeleteQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { Admin } from 'kafkajs';
import { AnyMessage, Clock, FIXTURE_DATA, createMessage, parseMessage, serializeMessage } from '@dco/contracts';
import { SdkEcsServices, SdkEventBus, localEmulatorOptions } from '@dco/aws';
import { HEADERS, KafkaConsumerGroupOffsets, KafkaDeadLetterQueue, KafkaMessageBus } from '@dco/messaging';
import { FileConnectionPointerStore } from '@dco/neo4j';
import { AlertRouting, EventBridgeAlertPublisher, ensureAlertRouting } from '@dco/observability';
import { uuidGenerator } from '@dco/platform';
import { RunState } from '@dco/saga';
import { freePort, stackEndpoints, waitFor } from '@dco/testing';
import { KafkaTestNamespace, testBrokers } from '../../../../libs/messaging/src/testing/kafka-test-cluster';
import { BoltNeo4jReachability } from './bolt-neo4j-reachability.adapter';
import { HealApprovals } from './heal-approvals';
import { HealConfig, healSettingsOf } from './heal.config';
import { Healer } from './healer.use-case';
import { TcpBrokerReachability } from './tcp-broker-reachability.adapter';

jest.setTimeout(60_000);

class StepClock implements Clock {
  private at = new Date();
  now(): Date {
    return new Date(this.at);
  }
  advance(ms: number): void {
    this.at = new Date(this.at.getTime() + ms);
  }
}

const run = Date.now().toString(36);
const cluster = `heal-${run}`;
const aws = localEmulatorOptions();
const ecsClient = new ECSClient(aws);
const ecs = new SdkEcsServices(ecsClient);
const eventBridge = new EventBridgeClient(aws);
const sqs = new SQSClient(aws);
let namespace: KafkaTestNamespace;
let bus: KafkaMessageBus;
let admin: Admin;
let groups: KafkaConsumerGroupOffsets;
let deadLetters: KafkaDeadLetterQueue;
let routing: AlertRouting;
let stateDir: string;
const brokers = testBrokers().join(',');

beforeAll(async () => {
  namespace = await new KafkaTestNamespace(['RunDco', 'AuditRecorded', 'AlertRaised']).open();
  bus = namespace.bus();
  admin = namespace.kafka.admin();
  await admin.connect();
  groups = new KafkaConsumerGroupOffsets({ brokers: testBrokers(), topicPrefix: namespace.prefix });
  deadLetters = new KafkaDeadLetterQueue({ brokers: testBrokers(), topicPrefix: namespace.prefix, timeoutMs: 20_000 });
  await ecs.ensureCluster(cluster);
  routing = await ensureAlertRouting({
    eventBridge,
    sqs,
    eventBusName: `heal-alerts-${run}`,
    ruleName: `heal-alerts-${run}`,
    queueName: `heal-alerts-${run}`,
  });
  stateDir = await mkdtemp(join(tmpdir(), 'healer-it-'));
});

afterAll(async () => {
  await Promise.allSettled([groups?.close(), deadLetters?.close(), bus?.close()]);
  await admin?.deleteGroups([`${namespace.prefix}stuck`, `${namespace.prefix}runner`]).catch(() => undefined);
  await admin?.disconnect();
  for (const name of [`runner-${run}`, `stuck-${run}`]) await ecs.deleteService(cluster, name).catch(() => undefined);
  await namespace?.close();
  await sqs.send(new DeleteQueueCommand({ QueueUrl: routing.queueUrl })).catch(() => undefined);
  await rm(stateDir, { recursive: true, force: true });
  ecsClient.destroy();
  eventBridge.destroy();
  sqs.destroy();
});

/** A service on the emulator; desired above the emulator's 10 running tasks (MOTO_ECS_SERVICE_RUNNING) is unhealthy. */
async function service(name: string, desiredCount: number): Promise<() => Promise<string | undefined>> {
  const definition = await ecs.registerTaskDefinition({ family: name, image: `${name}:1`, environment: {} });
  await ecs.createService({ cluster, serviceName: name, taskDefinition: definition.arn, desiredCount });
  return async () => (await ecs.describeService(cluster, name))?.deployments[0]?.id;
}

function healer(env: Partial<HealConfig>, extra: { runs?: RunState[]; brokers?: string; pointer?: string } = {}) {
  const clock = new StepClock();
  const settings = healSettingsOf(
    Object.assign(new HealConfig(), { DCO_HEALER: 'on', DCO_HEAL_GRACE_MS: 0, DCO_HEAL_COOLDOWN_MS: 0, ...env }),
  );
  const instance = new Healer({
    settings,
    ecs,
    cluster,
    groups,
    deadLetters,
    ...(extra.pointer ? { pointer: new FileConnectionPointerStore(extra.pointer) } : {}),
    neo4j: new BoltNeo4jReachability(1_000),
    broker: new TcpBrokerReachability(1_000),
    brokers: extra.brokers ?? brokers,
    bus,
    alerts: new EventBridgeAlertPublisher(new SdkEventBus(eventBridge), `heal-alerts-${run}`),
    runs: () => extra.runs ?? [],
    approvals: new HealApprovals(),
    clock,
    ids: uuidGenerator,
  });
  return { healer: instance, clock };
}

/** The AuditRecorded (or AlertRaised) messages the namespace's read-committed tap has seen that match. */
async function published(type: 'AuditRecorded' | 'AlertRaised', match: (message: AnyMessage) => boolean) {
  let found: AnyMessage[] = [];
  await waitFor(
    () => {
      found = namespace
        .records(type)
        .map((record) => parseMessage(record.value))
        .flatMap((parsed) => (parsed.ok ? [parsed.message] : []))
        .filter(match);
      return found.length > 0;
    },
    { timeoutMs: 15_000, description: `${type} from the healer` },
  );
  return found;
}

const auditOf = (cause: string, target: string) => (message: AnyMessage) =>
  message.type === 'AuditRecorded' && message.data.cause === cause && message.data.summary.includes(target);

describe('the healer on the real stack', () => {
  it('refuses to redeploy an unhealthy ECS service during the DCO, then redeploys it once the DCO ended', async () => {
    const name = `runner-${run}`;
    const deployment = await service(name, 12);
    const before = await deployment();
    const runs = [{ runId: 'dco-2026-11-26', status: 'RunningDco', version: 7 } as RunState];
    const { healer: h } = healer({ DCO_HEAL_SERVICES: name }, { runs });

    expect(await h.check()).toEqual([
      expect.objectContaining({ fault: 'ecs-unhealthy', decision: 'refuse', code: 'HEAL.DCO_RUNNING' }),
    ]);
    expect(await deployment()).toBe(before);
    const [refused] = await published('AuditRecorded', auditOf('ecs-unhealthy', name));
    expect(refused).toMatchObject({
      runId: 'dco-2026-11-26',
      data: { kind: 'heal-refused', code: 'HEAL.DCO_RUNNING' },
    });
    const [alert] = await published('AlertRaised', (m) => m.type === 'AlertRaised' && m.data.summary.includes(name));
    expect(alert).toMatchObject({ data: { cause: 'HEAL_REFUSED', severity: 'critical' } });

    runs[0] = { ...runs[0], status: 'Completed' };
    expect(await h.check()).toEqual([expect.objectContaining({ fault: 'ecs-unhealthy', decision: 'act' })]);
    expect(await deployment()).not.toBe(before);
    const entries = await published(
      'AuditRecorded',
      (m) => auditOf('ecs-unhealthy', name)(m) && m.type === 'AuditRecorded' && m.data.kind === 'heal',
    );
    expect(entries[0]).toMatchObject({
      data: { summary: expect.stringMatching(/^redeploy: new deployment ecs-svc\//) },
    });
  });

  it('restarts the service of a consumer group that commits nothing while its lag grows', async () => {
    const name = `stuck-${run}`;
    const deployment = await service(name, 1);
    const before = await deployment();
    const group = `${namespace.prefix}stuck`;
    const { healer: h, clock } = healer({
      DCO_HEAL_STUCK_MS: 30_000,
      DCO_HEAL_CONSUMER_GROUPS: `${group}=${name}:RunDco`,
    });
    const produce = (count: number) =>
      Promise.all(Array.from({ length: count }, () => namespace.produceRaw('RunDco', Buffer.from('{}'), 'k-stuck')));
    await produce(2);
    const [partition] = (await groups.offsets(group, ['RunDco'])).filter((p) => p.end > 0);
    await admin.setOffsets({
      groupId: group,
      topic: `${namespace.prefix}RunDco`,
      partitions: [{ partition: partition.partition, offset: '1' }],
    });

    expect(await h.check()).toEqual([]);
    clock.advance(31_000);
    await produce(1);
    expect(await h.check()).toEqual([
      expect.objectContaining({ fault: 'consumer-stuck', target: group, decision: 'act' }),
    ]);
    expect(await deployment()).not.toBe(before);
    await published('AuditRecorded', auditOf('consumer-stuck', name));
  });

  it('re-drives a dead letter of a failing handler once the group handled a later record, and only once', async () => {
    const group = `${namespace.prefix}runner`;
    const command = createMessage(
      'RunDco',
      FIXTURE_DATA.RunDco,
      { runId: 'dco-2026-11-26', producer: 'orchestrator' },
      { clock: { now: () => new Date() }, ids: uuidGenerator },
    );
    const { healer: h } = healer({ DCO_HEAL_DEAD_LETTER_TYPES: `RunDco=${group}` });
    // Three records on one partition; the second was dead-lettered by its handler, the group committed past the third.
    const ends = async () => new Map((await groups.offsets(group, ['RunDco'])).map((p) => [p.partition, p.end]));
    const endsBefore = await ends();
    for (let index = 0; index < 3; index += 1)
      await namespace.produceRaw('RunDco', Buffer.from(`{"n":${index}}`), 'k-dlq');
    const [partition] = [...(await ends())]
      .filter(([p, end]) => end - (endsBefore.get(p) ?? 0) === 3)
      .map(([p, end]) => ({ partition: p, end }));
    const original = partition.end - 2;
    await namespace.produceRaw('RunDco.dlq', serializeMessage(command), 'k-dlq', {
      [HEADERS.dlqCode]: 'MSG.HANDLER_FAILED',
      [HEADERS.dlqReason]: 'Neo4j unavailable',
      [HEADERS.dlqOriginalTopic]: `${namespace.prefix}RunDco`,
      [HEADERS.dlqOriginalPartition]: String(partition.partition),
      [HEADERS.dlqOriginalOffset]: String(original),
    });
    await admin.setOffsets({
      groupId: group,
      topic: `${namespace.prefix}RunDco`,
      partitions: [{ partition: partition.partition, offset: String(original + 1) }],
    });
    expect(await h.check()).toEqual([]);

    await admin.setOffsets({
      groupId: group,
      topic: `${namespace.prefix}RunDco`,
      partitions: [{ partition: partition.partition, offset: String(original + 2) }],
    });
    expect(await h.check()).toEqual([expect.objectContaining({ fault: 'dead-letters', decision: 'act' })]);
    await waitFor(() => namespace.records('RunDco').some((r) => r.headers['dco-redriven-from']), {
      timeoutMs: 15_000,
      description: 'the re-driven RunDco',
    });
    expect(namespace.records('RunDco').filter((r) => r.headers['dco-redriven-from'])).toEqual([
      expect.objectContaining({ value: serializeMessage(command) }),
    ]);
    expect(await h.check()).toEqual([]);
  });

  it('fails the pointer back to the previous server when the current one does not answer Bolt, and alerts', async () => {
    const live = Object.values(stackEndpoints().neo4j)[0];
    const location = join(stateDir, 'neo4j-pointer.json');
    const store = new FileConnectionPointerStore(location);
    await store.write({
      current: { instanceId: 'i-lost', boltUri: `bolt://127.0.0.1:${await freePort()}`, version: live.version },
      previous: { instanceId: 'i-previous', ...live, retireAfter: '2026-12-31T00:00:00.000Z' },
      writes: 'open',
      generation: 3,
      updatedAt: new Date().toISOString(),
    });
    const { healer: h } = healer({}, { pointer: location });
    expect(await h.check()).toEqual([expect.objectContaining({ fault: 'neo4j-pointer', decision: 'act' })]);
    expect(await store.read()).toMatchObject({
      current: { instanceId: 'i-previous', boltUri: live.boltUri },
      previous: { instanceId: 'i-lost' },
      generation: 4,
    });
    const [alert] = await published(
      'AlertRaised',
      (m) => m.type === 'AlertRaised' && m.data.summary.includes('i-previous'),
    );
    expect(alert).toMatchObject({ data: { cause: 'HEAL_ACTED', severity: 'critical' } });
    expect(await h.check()).toEqual([]);
  });

  it('backs off while the broker is unreachable and alerts through EventBridge, not the bus', async () => {
    const lost = `127.0.0.1:${await freePort()}`;
    const { healer: h, clock } = healer({ DCO_HEAL_INTERVAL_MS: 1_000 }, { brokers: lost });
    expect(await h.check()).toEqual([expect.objectContaining({ fault: 'broker-unreachable', decision: 'act' })]);
    clock.advance(500);
    expect(await h.check()).toEqual([]);
    const bodies: string[] = [];
    await waitFor(
      async () => {
        const received = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl: routing.queueUrl, MaxNumberOfMessages: 10 }),
        );
        bodies.push(...(received.Messages ?? []).map((m) => m.Body ?? ''));
        return bodies.some((body) => body.includes(lost));
      },
      { timeoutMs: 15_000, description: 'the HEAL_ACTED alert on the SQS queue' },
    );
    expect(JSON.parse(bodies.find((body) => body.includes(lost)) ?? '{}')).toMatchObject({
      'detail-type': 'HEAL_ACTED',
      detail: { severity: 'critical', cause: 'HEAL_ACTED' },
    });
    expect(namespace.records('AuditRecorded').some((r) => r.value?.toString().includes(lost))).toBe(false);
  });
});
