// As deployed, as tested (issue 13, ADR 0014): every app runs with the replicas its k8s/ Deployment gives it, on the real
// local stack with the real engines, while a seeded fault injector kills -9 random replicas (the active orchestrator
// first) and the broker restarts once, in the middle of the first day's migration. Three days run: today by the
// scheduler's tick, with a newer Neo4j AMI and a Terraform change (blue-green migration and a tofu apply), then the next
// two days through POST /api/runs on whichever orchestrator replica is active.
//
// Asserted from the outside: every run completes; each day has exactly one Offering on the serving Neo4j; no side
// effect twice (one task-definition revision for the service the Terraform change adds, two Neo4j instances in the
// fleet: blue and one green); nothing dead-lettered; the fleet serves the new version. The report (runs, kills,
// takeovers, duplicates, losses) goes to test-artifacts/topology/report.json for the closing note.
//
// The broker is a private one (libs/testing's startPrivateKafka): its restart disturbs nobody else.
// Time: about 4-6 min on the 2-core machine (a blue and a green Neo4j JVM, a baseline tofu apply, 8+ Node processes).
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { Kafka, logLevel } from 'kafkajs';
import { localEmulatorOptions } from '@dco/aws';
import { AnyMessage, runIdOf } from '@dco/contracts';
import { FileConnectionPointerStore } from '@dco/neo4j';
import { AppProcess, PrivateKafka, startPrivateKafka, waitFor } from '@dco/testing';
import { Chaos, KillRecord } from '../tools/day/chaos';
import { fetchRun, offeringsOn } from '../tools/day/day-outcome';
import { DayWorkspace, createWorkspace, dayNeo4jLogin, localEndpoints } from '../tools/day/day-workspace';
import { Topology, deployedTopology } from '../tools/day/deployed-topology';
import { RunFollower } from '../tools/day/run-follower';
import { DayScenario, NEW_NEO4J_VERSION } from '../tools/day/scenario-catalogue';
import { DayServices } from '../tools/day/service-launcher';
import { PreparedScenario, prepareScenario, seedGraph, serverVersion } from '../tools/day/stack-preparation';

jest.setTimeout(20 * 60_000);

const ARTIFACTS = join(__dirname, '..', 'test-artifacts', 'topology');
const SEED = Number(process.env.DCO_CHAOS_SEED ?? 20261205);
// A day under chaos ends within about a minute; a run that never ends (no active orchestrator) fails in 6 minutes.
const RUN_TIMEOUT_MS = 360_000;
const GRAPH = { accounts: 40, contributions: 200 };

const SCENARIO: DayScenario = {
  name: 'topology',
  summary: 'the deployed topology, three days, replicas killed at random and the broker restarted once',
  changes: { neo4jAmi: true, terraform: 'add-service' },
  graph: GRAPH,
  expect: {
    status: 'Completed',
    steps: [],
    rolledBack: [],
    serving: { server: 'green', version: NEW_NEO4J_VERSION },
    ecsRevision: 'unchanged',
    terraformState: 'changed',
    dcoAfterRollback: false,
    deferredChanges: 0,
    alerts: [],
  },
};

const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

interface HealthJson {
  checks?: Record<string, { detail?: { role?: string } }>;
}

/** The active orchestrator says so on /health (checks.saga.detail.role); a lone replica without roles is active. */
async function isActive(replica: AppProcess, replicas: number): Promise<boolean> {
  const response = await fetch(`${replica.url}/health`, { signal: AbortSignal.timeout(3_000) });
  const role = ((await response.json()) as HealthJson).checks?.saga?.detail?.role;
  return role === undefined ? replicas === 1 : role === 'active';
}

/** POST /api/runs for a day, to each orchestrator replica in turn until the active one accepts it. */
async function requestRun(ws: DayWorkspace, services: DayServices, day: string): Promise<void> {
  await waitFor(
    async () => {
      for (const replica of services.replicas('orchestrator')) {
        const response = await fetch(`${replica.url}/api/runs`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${ws.apiToken}` },
          body: JSON.stringify({ day, reason: 'topology spec: the next day' }),
          signal: AbortSignal.timeout(10_000),
        }).catch(() => undefined);
        if (response?.status === 202) return true;
      }
      return false;
    },
    { description: `an orchestrator replica to accept the run of ${day}`, timeoutMs: 120_000, intervalMs: 1_000 },
  );
}

/** Records ever written to the namespace's dead-letter topics. */
async function deadLetters(ws: DayWorkspace): Promise<Record<string, number>> {
  const admin = new Kafka({
    clientId: `${ws.namespace}-dlq-count`,
    brokers: ws.endpoints.kafkaBrokers.split(','),
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(ws.topicPrefix) && t.endsWith('.dlq'));
    const counts: Record<string, number> = {};
    for (const topic of topics) {
      const offsets = await admin.fetchTopicOffsets(topic);
      const written = offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
      if (written > 0) counts[topic] = written;
    }
    return counts;
  } finally {
    await admin.disconnect();
  }
}

/** Every Neo4j instance the scenario's fleet ever launched (any state): RunInstances made once per colour or not. */
async function fleetInstances(ws: DayWorkspace): Promise<Array<{ id: string; state: string }>> {
  const ec2 = new EC2Client(localEmulatorOptions({ DCO_AWS_ENDPOINT: ws.endpoints.awsEndpoint }));
  try {
    const result = await ec2.send(
      new DescribeInstancesCommand({
        Filters: [
          { Name: 'tag:dco:role', Values: ['neo4j'] },
          { Name: 'tag:dco:env', Values: [ws.envTag] },
        ],
      }),
    );
    return (result.Reservations ?? [])
      .flatMap((reservation) => reservation.Instances ?? [])
      .map((instance) => ({ id: instance.InstanceId ?? '?', state: instance.State?.Name ?? '?' }));
  } finally {
    ec2.destroy();
  }
}

describe('the deployed topology under chaos', () => {
  let kafka: PrivateKafka | undefined;
  let ws: DayWorkspace;
  let prepared: PreparedScenario | undefined;
  let follower: RunFollower | undefined;
  let services: DayServices | undefined;
  let chaos: Chaos | undefined;
  let topology: Topology;
  const logFile = join(ARTIFACTS, 'topology.log');
  const print = (line: string) => appendFileSync(logFile, `${new Date().toISOString()} ${line}\n`);

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(logFile, '');
    topology = deployedTopology();
    print(`topology from k8s/: ${JSON.stringify(topology)}; chaos seed ${SEED}`);
    kafka = await startPrivateKafka();
    ws = createWorkspace(SCENARIO, new Date(), { ...localEndpoints(), kafkaBrokers: kafka.brokers.join(',') });
    prepared = await prepareScenario(ws, (line) => print(`prepare: ${line}`));
    // The next two days' contributions, on blue before anything runs: the migration carries them to green.
    for (const offset of [1, 2])
      await seedGraph(prepared.blue.boltUri, dayNeo4jLogin(ws), addDays(ws.day, offset), GRAPH);
    follower = await RunFollower.start(ws, print);
    services = await DayServices.launch(ws, prepared, print, topology);
  });

  afterAll(async () => {
    await chaos?.stop();
    await services?.stop().catch((error: Error) => print(`stopping the services failed: ${error.message}`));
    await follower?.stop();
    if (ws) await RunFollower.deleteTopics(ws).catch(() => undefined);
    await prepared?.teardown({ keepFiles: true }).catch((error: Error) => print(`teardown: ${error.message}`));
    await kafka?.close();
  });

  it('runs three days to completion, one Offering each, no side effect twice, nothing dead-lettered', async () => {
    const run = services as DayServices;
    const seen = follower as RunFollower;
    const days = [ws.day, addDays(ws.day, 1), addDays(ws.day, 2)];
    const orchestrators = run.replicas('orchestrator').length;
    await chaos?.stop(); // a retry's chaos replaces the failed attempt's
    chaos = Chaos.start(run, {
      seed: SEED,
      apps: ['orchestrator', 'detector', 'infra-deployer', 'db-migrator', 'dco-runner'],
      kills: 6,
      minGapMs: 10_000,
      maxGapMs: 25_000,
      isActive: (replica) => isActive(replica, orchestrators),
      log: print,
    });

    // Day 1 (the scheduler's tick): the active orchestrator is killed once the infra step has started (a takeover
    // whatever the seed's timing; CI once saw the timed loop's first kill miss the active one), and the broker restarts
    // once the migration has started.
    await seen.waitForType(runIdOf(days[0]), 'ApplyInfra', RUN_TIMEOUT_MS);
    await chaos.killActiveOrchestrator(120_000);
    await seen.waitForType(runIdOf(days[0]), 'MigrateDb', RUN_TIMEOUT_MS);
    print('FAULT restarting the private Kafka broker');
    const restartStarted = Date.now();
    await (kafka as PrivateKafka).restart();
    const brokerRestart_s = Math.round((Date.now() - restartStarted) / 100) / 10;
    print(`Kafka back after ${brokerRestart_s} s`);
    const finals: AnyMessage[] = [await seen.waitForFinal(runIdOf(days[0]), RUN_TIMEOUT_MS)];
    // Days 2 and 3, one after the other, through the runs API, each with a kill on its own path as it starts.
    for (const day of days.slice(1)) {
      await requestRun(ws, run, day);
      const kill = chaos.killNext(['orchestrator', 'detector', 'dco-runner']);
      finals.push(await seen.waitForFinal(runIdOf(day), RUN_TIMEOUT_MS));
      // The last day's kill is waited for by stop(), which first drops a planned kill still queued behind it; a kill
      // that fails is in chaos.failures either way.
      if (day === days[days.length - 1]) kill.catch(() => undefined);
      else await kill;
    }
    const kills: KillRecord[] = await chaos.stop();
    print(`chaos stopped after ${kills.length} kills; reading the outcome`);

    const runs = await Promise.all(
      days.map((day) =>
        waitFor(
          async () => {
            for (const replica of run.replicas('orchestrator')) {
              const view = await fetchRun(replica.url, runIdOf(day), ws.apiToken).catch(() => undefined);
              if (view?.finished) return view;
            }
            return undefined;
          },
          { description: `the read model to show ${runIdOf(day)} finished`, timeoutMs: 60_000, intervalMs: 500 },
        ),
      ),
    );
    print('every run finished in the read model');
    const pointer = await new FileConnectionPointerStore(join(ws.stateDir, 'neo4j-pointer.json')).read();
    const serving = pointer?.current ?? (prepared as PreparedScenario).blue;
    const offerings = await Promise.all(days.map((day) => offeringsOn(serving.boltUri, dayNeo4jLogin(ws), day)));
    const version = await serverVersion(serving.boltUri, dayNeo4jLogin(ws));
    const reporter = await (prepared as PreparedScenario).ecs.describeService(ws.cluster, 'dco-reporter');
    const reporterRevision = reporter
      ? (await (prepared as PreparedScenario).ecs.describeTaskDefinition(reporter.taskDefinition))?.revision
      : undefined;
    const instances = await fleetInstances(ws);
    print('offerings, versions and instances read; counting dead letters');
    const dlq = await deadLetters(ws);
    const commands = (type: 'ApplyInfra' | 'MigrateDb' | 'RunDco') =>
      days.map((day) => seen.distinct(runIdOf(day), type).length);

    const report = {
      seed: SEED,
      topology,
      runs: runs.map((view) => ({ runId: view.runId, status: view.status, steps: view.steps.map((s) => s.step) })),
      finals: finals.map((message) => message.type),
      kills: kills.length,
      takeovers: kills.filter((kill) => kill.activeOrchestrator).length,
      replicasThatDidNotComeBack: chaos.failures.length,
      killed: kills.map((kill) => `${kill.app}-${kill.index} back in ${kill.back_s} s`),
      brokerRestart_s,
      offeringsPerDay: offerings.map((offering) => offering.count),
      duplicates: {
        reporterTaskDefinitionRevision: reporterRevision,
        neo4jInstances: instances.length,
        distinctCommands: {
          ApplyInfra: commands('ApplyInfra'),
          MigrateDb: commands('MigrateDb'),
          RunDco: commands('RunDco'),
        },
      },
      losses: { deadLetters: dlq, offeringsMissing: offerings.filter((offering) => offering.count === 0).length },
      serving: { instanceId: serving.instanceId, version },
    };
    writeFileSync(join(ARTIFACTS, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
    print(`report: ${JSON.stringify(report)}`);

    expect(runs.map((view) => view.status)).toEqual(['Completed', 'Completed', 'Completed']);
    expect(report.offeringsPerDay).toEqual([1, 1, 1]);
    expect(new Set(offerings.map((offering) => offering.resultHash)).size).toBe(3);
    // The Terraform change's service was created by exactly one apply; a second apply would register revision 2.
    expect(reporterRevision).toBe(1);
    // Blue and one green: the migration launched green once, and no later day migrated again.
    expect(instances).toHaveLength(2);
    expect(commands('MigrateDb').slice(1)).toEqual([0, 0]);
    expect(dlq).toEqual({});
    expect(version).toBe(NEW_NEO4J_VERSION);
    expect(serving.instanceId).not.toBe((prepared as PreparedScenario).blue.instanceId);
    expect(kills.length).toBeGreaterThanOrEqual(3);
    expect(chaos.failures).toEqual([]);
    if (orchestrators > 1) expect(report.takeovers).toBeGreaterThan(0);
  });
});
