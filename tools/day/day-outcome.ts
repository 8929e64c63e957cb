// What a finished day looks like from the outside (REST API, Neo4j, the ECS emulator, the Terraform state, SQS,
// Jaeger), and the pure comparison of that observation with the scenario catalogue's expectation.
import { DeleteQueueCommand, GetQueueUrlCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { localEmulatorOptions } from '@dco/aws';
import { AnyMessage } from '@dco/contracts';
import { DayError } from './day-error';
import { createNeo4jDriver } from '@dco/dco';
import { FileConnectionPointerStore, Neo4jCredentials } from '@dco/neo4j';
import { runTraceIds } from '@dco/observability';
import { WaitTimeoutError, waitFor } from '@dco/probes';
import { readFile } from 'node:fs/promises';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { APP_NAMES, DayWorkspace, dayNeo4jLogin, stagingNames, workspaceSecrets } from './day-workspace';
import { GraphSnapshot, OutputSnapshot, splitSnapshot } from './graph-snapshot';
import { RunFollower } from './run-follower';
import { BASE_IMAGE, ScenarioExpectation } from './scenario-catalogue';
import { DayServices } from './service-launcher';
import { PreparedScenario, serverVersion } from './stack-preparation';

export interface RunViewJson {
  runId: string;
  status: string;
  finished: boolean;
  steps: Array<{ step: string; outcome: string; durationMs?: number; startedAt: string; endedAt?: string }>;
  failure?: { code: string; message: string };
  resultHash?: string;
  rolledBack: string[];
  deferred: unknown[];
  changes: Array<{ kind: string; urgent?: boolean }>;
}

export interface DayObservation {
  run: {
    runId: string;
    status: string;
    steps: string[];
    failureCode?: string;
    /** The run's failure as the orchestrator recorded it: what a surprising outcome is read from. */
    failureMessage?: string;
    rolledBack: string[];
    resultHash?: string;
    deferred: number;
    /** The kinds of the run's urgent changes, sorted. */
    urgentChanges: string[];
  };
  stepDurations: Record<string, number>;
  serving: {
    server: 'blue' | 'green';
    instanceId: string;
    boltUri: string;
    version: string;
    fleet: 'ec2' | 'ecs';
    /** Green on the local EC2 runtime: offline-import when neo4j-admin's import report is in its home, else online. */
    filledBy?: 'offline-import' | 'online';
  };
  data: { blueBefore: GraphSnapshot; base: GraphSnapshot; offering: OutputSnapshot };
  offerings: { onServing: number; elsewhere: number; resultHash?: string; allocationCount?: number };
  dco: { runDcoCommands: number; completed: number; afterRollback: boolean[] };
  ecs: { before: number; after: number; desiredCount?: number };
  /** Staging's dco-runner image afterwards (promotion staging-first; undefined: staging has no such service). */
  staging?: { image?: string };
  terraform: { before: string[]; after: string[] };
  alerts: string[];
  trace: { traceId: string; url: string; services: string[]; spans: number };
  /** Node process warnings in the services' logs, `<service>: <line>` (none expected: ADR 0024). */
  processWarnings: string[];
  /** The run's audit trail from `GET /api/audit` (ADR 0028), each entry as `<kind> by <actor>`, in order. */
  audit: string[];
  /** The run's audit entries the orchestrators logged at info (their log lines), as `<kind> by <actor>`. */
  auditLogged: string[];
  dashboardUrl: string;
  /** "<log file>: <secret>" for every configured secret found in a service's log (none expected). */
  secretsInLogs: string[];
}

/** Every file of `dir` searched for every secret (by value); the findings name the file and the secret, never its value. */
export function secretsInLogs(dir: string, secrets: Record<string, string>): string[] {
  const files = existsSync(dir) ? readdirSync(dir).filter((name) => statSync(join(dir, name)).isFile()) : [];
  return files.flatMap((file) => {
    const text = readFileSync(join(dir, file), 'utf8');
    return Object.entries(secrets)
      .filter(([, value]) => value.length > 0 && text.includes(value))
      .map(([name]) => `${file}: ${name}`);
  });
}

/** The audit entries of a run in the orchestrators' JSON log lines (`audit <kind>: ...` at info), as `<kind> by <actor>`. */
export function auditLinesIn(dir: string, runId: string): string[] {
  const files = existsSync(dir) ? readdirSync(dir).filter((name) => name.startsWith('orchestrator')) : [];
  return files.flatMap((file) =>
    readFileSync(join(dir, file), 'utf8')
      .split('\n')
      .flatMap((line) => {
        if (!line.startsWith('{')) return [];
        try {
          const record = JSON.parse(line) as {
            level?: string;
            runId?: string;
            audit?: { kind?: string; actor?: string };
          };
          return record.level === 'info' && record.runId === runId && record.audit?.kind
            ? [`${record.audit.kind} by ${record.audit.actor ?? '?'}`]
            : [];
        } catch {
          return [];
        }
      }),
  );
}

/**
 * The warnings Node prints for a process (`(node:PID) Warning: NodeVersionSupportWarning: ...` from the AWS SDK on a
 * Node it is about to drop, `(node:PID) [DEP0040] DeprecationWarning: ...`), one per line of a service's log.
 */
export function processWarningsIn(service: string, log: string): string[] {
  return [...log.matchAll(/^\(node:\d+\) (?:\[\w+\] )?\w*Warning: .*$/gm)].map(([line]) => `${service}: ${line}`);
}

async function serviceLogWarnings(services: DayServices): Promise<string[]> {
  const logs = await Promise.all(
    services
      .all()
      .map(async (service) =>
        service.logFile ? processWarningsIn(service.name, await readFile(service.logFile, 'utf8')) : [],
      ),
  );
  return logs.flat();
}

export async function fetchRun(
  orchestratorUrl: string,
  runId: string,
  apiToken: string,
): Promise<RunViewJson | undefined> {
  const response = await fetch(`${orchestratorUrl}/api/runs/${runId}`, {
    headers: { authorization: `Bearer ${apiToken}` },
    signal: AbortSignal.timeout(5_000),
  });
  return response.status === 200 ? ((await response.json()) as RunViewJson) : undefined;
}

/** The run's audit trail through the API, as `<kind> by <actor>` per entry. */
export async function fetchAudit(
  orchestratorUrl: string,
  day: string,
  runId: string,
  apiToken: string,
): Promise<string[]> {
  const query = new URLSearchParams({ day, runId });
  const response = await fetch(`${orchestratorUrl}/api/audit?${query.toString()}`, {
    headers: { authorization: `Bearer ${apiToken}` },
    signal: AbortSignal.timeout(20_000),
  });
  if (response.status !== 200)
    throw new DayError('DAY.UNEXPECTED', `GET /api/audit answered ${response.status}: ${await response.text()}`);
  const entries = (await response.json()) as Array<{ kind: string; actor: string }>;
  return entries.map((entry) => `${entry.kind} by ${entry.actor}`);
}

/**
 * What the run's audit trail must hold, from the steps the catalogue expects: the changes (when a stage had something
 * to do), the operator's decision under the scenario's credential, each stage's outcome by its service, each rollback.
 */
export function expectedAudit(expect: Pick<ScenarioExpectation, 'steps' | 'rolledBack' | 'deferredChanges'>): string[] {
  const has = (entry: string) => expect.steps.includes(entry);
  const changed = expect.deferredChanges > 0 || expect.steps.some((entry) => !/^(detect|run-dco):/.test(entry));
  return [
    ...(changed ? ['change-detected by detector'] : []),
    ...(has('approval:succeeded') ? ['approval-granted by day-scenario'] : []),
    ...(has('approval:rejected') ? ['approval-rejected by day-scenario'] : []),
    ...(has('apply-infra:succeeded') ? ['apply by infra-deployer'] : []),
    ...(has('migrate-db:succeeded') ? ['migration by db-migrator'] : []),
    ...expect.rolledBack.map((step) => `rollback by ${step === 'rollback-db' ? 'db-migrator' : 'infra-deployer'}`),
    'dco by dco-runner',
  ];
}

export async function offeringsOn(
  boltUri: string,
  credentials: Neo4jCredentials,
  day: string,
): Promise<{ count: number; resultHash?: string; allocationCount?: number }> {
  const driver = createNeo4jDriver({ uri: boltUri, ...credentials });
  const session = driver.session();
  try {
    const result = await session.run(
      'MATCH (o:Offering {day: $day}) RETURN o.resultHash AS hash, o.allocationCount AS allocations',
      { day },
    );
    const first = result.records[0];
    const allocations = first?.get('allocations') as bigint | number | null | undefined;
    return {
      count: result.records.length,
      ...(first?.get('hash') ? { resultHash: String(first.get('hash')) } : {}),
      ...(allocations !== null && allocations !== undefined ? { allocationCount: Number(allocations) } : {}),
    };
  } finally {
    await session.close();
    await driver.close();
  }
}

/** Alert detail-types delivered to the scenario's SQS queue (the EventBridge rule's target), waiting up to `waitMs`. */
async function deliveredAlerts(ws: DayWorkspace, expectedAtLeast: number, waitMs: number): Promise<string[]> {
  const sqs = new SQSClient(localEmulatorOptions({ DCO_AWS_ENDPOINT: ws.endpoints.awsEndpoint }));
  const received: string[] = [];
  try {
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: ws.alertQueue }));
    const deadline = Date.now() + waitMs;
    let quietRounds = 0;
    // Read until the expected number arrived and two more rounds brought nothing (a duplicate would show up then).
    while (Date.now() < deadline && (received.length < expectedAtLeast || quietRounds < 2)) {
      const batch = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      const messages = batch.Messages ?? [];
      quietRounds = messages.length === 0 ? quietRounds + 1 : 0;
      for (const message of messages)
        received.push(String((JSON.parse(message.Body ?? '{}') as { 'detail-type'?: string })['detail-type']));
    }
    return received.sort();
  } finally {
    sqs.destroy();
  }
}

export async function deleteAlertQueue(ws: DayWorkspace): Promise<void> {
  const sqs = new SQSClient(localEmulatorOptions({ DCO_AWS_ENDPOINT: ws.endpoints.awsEndpoint }));
  try {
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: ws.alertQueue }));
    await sqs.send(new DeleteQueueCommand({ QueueUrl }));
  } catch {
    // No queue: nothing to delete.
  } finally {
    sqs.destroy();
  }
}

interface JaegerTrace {
  spans: Array<{ processID: string; tags: Array<{ key: string; value: unknown }> }>;
  processes: Record<string, { serviceName: string }>;
}

/**
 * The run's trace in Jaeger, limited to spans of this scenario's messages, waiting until every service that took part
 * has reported or `waitMs` passed.
 */
async function traceOf(
  ws: DayWorkspace,
  eventIds: Set<string>,
  services: string[],
  waitMs: number,
): Promise<DayObservation['trace']> {
  // Trace ids derive from the namespace and the run id: each scenario's run is its own trace.
  const { traceId } = runTraceIds(ws.runId, ws.namespace);
  let best = { services: [] as string[], spans: 0 };
  // A failed query (Jaeger busy) is tried again until the deadline; after it, the report shows what Jaeger had.
  await waitFor(
    async () => {
      const response = await fetch(`${ws.endpoints.jaegerQueryUrl}/api/traces/${traceId}`, {
        signal: AbortSignal.timeout(15_000),
      });
      if (response.ok) {
        const trace = ((await response.json()) as { data?: JaegerTrace[] }).data?.[0];
        const mine = (trace?.spans ?? []).filter((span) =>
          span.tags.some((tag) => tag.key === 'messaging.message.id' && eventIds.has(String(tag.value))),
        );
        best = {
          services: [...new Set(mine.map((span) => trace?.processes[span.processID]?.serviceName ?? '?'))].sort(),
          spans: mine.length,
        };
      }
      return services.every((app) => best.services.includes(app));
    },
    { description: `spans of ${services.join(', ')} in trace ${traceId}`, timeoutMs: waitMs, intervalMs: 500 },
  ).catch((error: unknown) => {
    if (!(error instanceof WaitTimeoutError)) throw error;
  });
  return { traceId, url: `${ws.endpoints.jaegerQueryUrl}/trace/${traceId}`, ...best };
}

export async function observeDay(
  ws: DayWorkspace,
  prepared: PreparedScenario,
  services: DayServices,
  follower: RunFollower,
  expect: ScenarioExpectation,
): Promise<DayObservation> {
  const orchestrator = services.get('orchestrator');
  const run = await fetchRun(orchestrator.url, ws.runId, ws.apiToken);
  if (!run) throw new DayError('DAY.UNEXPECTED', `the orchestrator does not know ${ws.runId}`);
  const pointer = await new FileConnectionPointerStore(join(ws.stateDir, 'neo4j-pointer.json')).read();
  const current = pointer?.current ?? { instanceId: prepared.blue.instanceId, boltUri: prepared.blue.boltUri };
  const onBlue = current.instanceId === prepared.blue.instanceId;
  const [version, split, serving, ecsService, after, alerts] = await Promise.all([
    serverVersion(current.boltUri, dayNeo4jLogin(ws)),
    splitSnapshot(current.boltUri, dayNeo4jLogin(ws)),
    offeringsOn(current.boltUri, dayNeo4jLogin(ws), ws.day),
    prepared.ecs.describeService(ws.cluster, 'dco-runner'),
    prepared.workspace.resources(),
    deliveredAlerts(ws, expect.alerts.length, 20_000),
  ]);
  const elsewhere = onBlue ? 0 : (await offeringsOn(prepared.blue.boltUri, dayNeo4jLogin(ws), ws.day)).count;
  const onEcs = (await prepared.neo4jEcs?.describe())?.some((member) => member.instanceId === current.instanceId);
  const ecsDefinition = ecsService ? await prepared.ecs.describeTaskDefinition(ecsService.taskDefinition) : undefined;
  const stagingService = ws.scenario.promotion
    ? await prepared.ecs.describeService(stagingNames(ws).cluster, 'dco-runner')
    : undefined;
  const stagingDefinition = stagingService
    ? await prepared.ecs.describeTaskDefinition(stagingService.taskDefinition)
    : undefined;
  const trace = await traceOf(
    ws,
    new Set(follower.seen.filter((m) => m.runId === ws.runId).map((m) => m.eventId)),
    expectedTraceServices(expect),
    60_000,
  );
  const runDco = follower.distinct(ws.runId, 'RunDco');
  const processWarnings = await serviceLogWarnings(services);
  const audit = await fetchAudit(orchestrator.url, ws.day, ws.runId, ws.apiToken);
  return {
    run: {
      runId: run.runId,
      status: run.status,
      steps: run.steps.map((step) => `${step.step}:${step.outcome}`),
      ...(run.failure ? { failureCode: run.failure.code, failureMessage: run.failure.message } : {}),
      rolledBack: run.rolledBack,
      ...(run.resultHash ? { resultHash: run.resultHash } : {}),
      deferred: run.deferred.length,
      urgentChanges: run.changes
        .filter((change) => change.urgent === true)
        .map((change) => change.kind)
        .sort(),
    },
    stepDurations: stepDurations(run),
    serving: {
      server: onBlue ? 'blue' : 'green',
      instanceId: current.instanceId,
      boltUri: current.boltUri,
      version,
      fleet: onEcs ? 'ecs' : 'ec2',
      ...(onBlue || onEcs
        ? {}
        : {
            filledBy: existsSync(join(ws.stateDir, 'fleet', current.instanceId, 'import.report'))
              ? ('offline-import' as const)
              : ('online' as const),
          }),
    },
    data: { blueBefore: prepared.blueBefore, base: split.base, offering: split.offering },
    offerings: {
      onServing: serving.count,
      elsewhere,
      ...(serving.resultHash ? { resultHash: serving.resultHash } : {}),
      ...(serving.allocationCount !== undefined ? { allocationCount: serving.allocationCount } : {}),
    },
    dco: {
      runDcoCommands: runDco.length,
      completed: follower.distinct(ws.runId, 'DcoCompleted').length,
      afterRollback: runDco.map(
        (message: AnyMessage) => message.type === 'RunDco' && message.data.afterRollback === true,
      ),
    },
    ecs: {
      before: prepared.ecsBefore.revision,
      after: ecsDefinition?.revision ?? -1,
      ...(ecsService ? { desiredCount: ecsService.desiredCount } : {}),
    },
    terraform: { before: prepared.terraformBefore, after },
    ...(ws.scenario.promotion ? { staging: { image: stagingDefinition?.image } } : {}),
    alerts,
    trace,
    processWarnings,
    audit,
    auditLogged: auditLinesIn(ws.logsDir, ws.runId),
    dashboardUrl: `${orchestrator.url}/dashboard`,
    secretsInLogs: secretsInLogs(ws.logsDir, workspaceSecrets(ws)),
  };
}

/** Seconds per step (summed over attempts), from the run's timeline. */
export function stepDurations(run: Pick<RunViewJson, 'steps'>): Record<string, number> {
  const durations: Record<string, number> = {};
  for (const step of run.steps) {
    const ms = step.durationMs ?? (step.endedAt ? Date.parse(step.endedAt) - Date.parse(step.startedAt) : 0);
    durations[step.step] = (durations[step.step] ?? 0) + ms / 1000;
  }
  return durations;
}

/** Services that take part in the run and so must have spans in its trace: all six when both update stages run. */
export function expectedTraceServices(expect: Pick<ScenarioExpectation, 'steps'>): string[] {
  const ran = (step: string) =>
    expect.steps.some(
      (entry) => entry.startsWith(`${step}:`) && !entry.endsWith(':deferred') && !entry.endsWith(':rejected'),
    );
  return APP_NAMES.filter((app) => {
    if (app === 'infra-deployer') return ran('staging') || ran('apply-infra') || ran('rollback-infra');
    if (app === 'db-migrator') return ran('migrate-db') || ran('rollback-db');
    return true;
  });
}

const sameSnapshot = (a: GraphSnapshot, b: GraphSnapshot) =>
  a.checksum === b.checksum &&
  JSON.stringify(sortKeys(a.labelCounts)) === JSON.stringify(sortKeys(b.labelCounts)) &&
  JSON.stringify(sortKeys(a.typeCounts)) === JSON.stringify(sortKeys(b.typeCounts));
const sortKeys = (record: Record<string, number>) =>
  Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
const list = (values: readonly string[]) => `[${values.join(', ')}]`;

/** Every way the observation differs from the expectation; empty when the day went as the catalogue says. */
export function compareWithExpectation(expect: ScenarioExpectation, seen: DayObservation): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, text: string) => {
    if (!ok) problems.push(text);
  };
  check(seen.run.status === expect.status, `run status ${seen.run.status}, expected ${expect.status}`);
  check(list(seen.run.steps) === list(expect.steps), `steps ${list(seen.run.steps)}, expected ${list(expect.steps)}`);
  check(
    seen.run.failureCode === expect.failureCode,
    `failure ${seen.run.failureCode ?? 'none'}, expected ${expect.failureCode ?? 'none'}`,
  );
  check(
    list(seen.run.rolledBack) === list(expect.rolledBack),
    `rolled back ${list(seen.run.rolledBack)}, expected ${list(expect.rolledBack)}`,
  );
  check(
    seen.run.deferred === expect.deferredChanges,
    `${seen.run.deferred} deferred change(s), expected ${expect.deferredChanges}`,
  );
  check(
    seen.serving.server === expect.serving.server,
    `${seen.serving.server} serves (${seen.serving.boltUri}), expected ${expect.serving.server}`,
  );
  check(
    seen.serving.version === expect.serving.version,
    `the serving Neo4j is ${seen.serving.version}, expected ${expect.serving.version}`,
  );
  check(
    expect.serving.fleet === undefined || seen.serving.fleet === expect.serving.fleet,
    `the serving Neo4j ${seen.serving.instanceId} is on the ${seen.serving.fleet} fleet, expected ${expect.serving.fleet}`,
  );
  check(
    expect.serving.filledBy === undefined || seen.serving.filledBy === expect.serving.filledBy,
    `green ${seen.serving.instanceId} was filled ${seen.serving.filledBy ?? 'by nothing seen'}, expected ${expect.serving.filledBy}`,
  );
  check(
    sameSnapshot(seen.data.base, seen.data.blueBefore),
    `the serving graph (without the offering) differs from blue before the run: ${seen.data.base.nodes}/${seen.data.base.relationships} checksum ${seen.data.base.checksum.slice(0, 12)} vs ${seen.data.blueBefore.nodes}/${seen.data.blueBefore.relationships} checksum ${seen.data.blueBefore.checksum.slice(0, 12)}`,
  );
  check(seen.secretsInLogs.length === 0, `secrets in the service logs: ${seen.secretsInLogs.join('; ')}`);
  check(
    seen.auditLogged.length > 0,
    "the orchestrators' logs hold none of the run's audit entries at info (ADR 0028: every entry is also a log line)",
  );
  check(
    seen.offerings.onServing === 1,
    `${seen.offerings.onServing} Offering(s) for the day on the serving server, expected exactly 1`,
  );
  check(
    seen.offerings.elsewhere === 0,
    `${seen.offerings.elsewhere} Offering(s) for the day on the server that no longer serves`,
  );
  check(
    seen.offerings.resultHash !== undefined && seen.offerings.resultHash === seen.run.resultHash,
    `stored result hash ${seen.offerings.resultHash ?? 'none'} vs the run's ${seen.run.resultHash ?? 'none'}`,
  );
  check(
    seen.data.offering.labelCounts.Offering === 1 && seen.data.offering.allocations === seen.offerings.allocationCount,
    `the day's output on the serving server is ${JSON.stringify(seen.data.offering.labelCounts)} holding ${seen.data.offering.allocations} allocations, expected 1 Offering and ${seen.offerings.allocationCount ?? '?'} allocations`,
  );
  check(
    seen.dco.runDcoCommands === 1 && seen.dco.completed === 1,
    `RunDco sent ${seen.dco.runDcoCommands} time(s), DcoCompleted ${seen.dco.completed} time(s), expected once each`,
  );
  check(
    list(seen.dco.afterRollback.map(String)) === list([String(expect.dcoAfterRollback)]),
    `RunDco afterRollback ${list(seen.dco.afterRollback.map(String))}, expected [${expect.dcoAfterRollback}]`,
  );
  check(
    expect.ecsRevision === 'moved' ? seen.ecs.after > seen.ecs.before : seen.ecs.after === seen.ecs.before,
    `dco-runner runs revision ${seen.ecs.after} (before ${seen.ecs.before}), expected ${expect.ecsRevision}`,
  );
  if (expect.stagingRevision !== undefined)
    check(
      expect.stagingRevision === 'moved'
        ? seen.staging?.image !== undefined && seen.staging.image !== BASE_IMAGE
        : seen.staging?.image === BASE_IMAGE,
      `staging's dco-runner runs ${seen.staging?.image ?? 'nothing'}, expected ${expect.stagingRevision} from ${BASE_IMAGE}`,
    );
  if (expect.urgentChanges !== undefined)
    check(
      list(seen.run.urgentChanges) === list(expect.urgentChanges),
      `urgent changes ${list(seen.run.urgentChanges)}, expected ${list(expect.urgentChanges)}`,
    );
  if (expect.ecsDesiredCount !== undefined)
    check(
      seen.ecs.desiredCount === expect.ecsDesiredCount,
      `dco-runner desiredCount ${seen.ecs.desiredCount ?? 'none'}, expected ${expect.ecsDesiredCount}`,
    );
  const sameState = list(seen.terraform.after) === list(seen.terraform.before);
  const grew =
    seen.terraform.before.every((resource) => seen.terraform.after.includes(resource)) &&
    seen.terraform.after.length > seen.terraform.before.length;
  check(
    expect.terraformState === 'baseline' ? sameState : grew,
    `Terraform state ${list(seen.terraform.after)} (before ${list(seen.terraform.before)}), expected ${expect.terraformState}`,
  );
  check(
    list([...new Set(seen.alerts)].sort()) === list(expect.alerts),
    `alerts delivered ${list(seen.alerts)}, expected ${list(expect.alerts)}`,
  );
  const missing = expectedTraceServices(expect).filter((app) => !seen.trace.services.includes(app));
  check(missing.length === 0, `trace ${seen.trace.traceId} has no spans of ${missing.join(', ')}`);
  check(seen.processWarnings.length === 0, `Node warnings in the service logs: ${seen.processWarnings.join('; ')}`);
  const unaudited = expectedAudit(expect).filter((entry) => !seen.audit.includes(entry));
  check(unaudited.length === 0, `the audit trail lacks ${list(unaudited)} (it holds ${list(seen.audit)})`);
  return problems;
}
