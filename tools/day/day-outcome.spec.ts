// The day scenarios' pure parts: the catalogue is consistent, an observation is judged against its expectation, and
// each service gets the environment its config class and stage factory read.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DayObservation,
  compareWithExpectation,
  expectedAudit,
  expectedTraceServices,
  processWarningsIn,
  secretsInLogs,
  auditLinesIn,
  stepDurations,
} from './day-outcome';
import { closeDeadline, createWorkspace, justPassedCron, serviceEnvironment, workspaceSecrets } from './day-workspace';
import { BASE_IMAGE, DAY_SCENARIOS, ScenarioExpectation, findScenario } from './scenario-catalogue';
import { DailySchedule } from '../../apps/scheduler/src';

const snapshot = {
  nodes: 10,
  relationships: 5,
  labelCounts: { Account: 4, Contribution: 6 },
  typeCounts: { BY: 5 },
  checksum: 'abc',
};

/** An observation that matches `expect` exactly. */
function observed(expect: ScenarioExpectation): DayObservation {
  return {
    run: {
      runId: 'dco-2026-11-26',
      status: expect.status,
      steps: [...expect.steps],
      ...(expect.failureCode ? { failureCode: expect.failureCode } : {}),
      rolledBack: [...expect.rolledBack],
      resultHash: 'h1',
      deferred: expect.deferredChanges,
      urgentChanges: [...(expect.urgentChanges ?? [])],
    },
    stepDurations: {},
    serving: {
      server: expect.serving.server,
      instanceId: 'i-1',
      boltUri: 'bolt://127.0.0.1:1',
      version: expect.serving.version,
      fleet: expect.serving.fleet ?? 'ec2',
      ...(expect.serving.server === 'green' && expect.serving.fleet !== 'ecs'
        ? { filledBy: expect.serving.filledBy ?? 'online' }
        : {}),
    },
    data: {
      blueBefore: snapshot,
      base: { ...snapshot },
      offering: {
        nodes: 4,
        relationships: 6,
        labelCounts: { Offering: 1, AllocationPage: 1 },
        typeCounts: {},
        checksum: 'x',
        allocations: 3,
      },
    },
    offerings: { onServing: 1, elsewhere: 0, resultHash: 'h1', allocationCount: 3 },
    dco: { runDcoCommands: 1, completed: 1, afterRollback: [expect.dcoAfterRollback] },
    ecs: {
      before: 3,
      after: expect.ecsRevision === 'moved' ? 4 : 3,
      ...(expect.ecsDesiredCount !== undefined ? { desiredCount: expect.ecsDesiredCount } : {}),
    },
    terraform: { before: ['a', 'b'], after: expect.terraformState === 'changed' ? ['a', 'b', 'c'] : ['a', 'b'] },
    ...(expect.stagingRevision
      ? { staging: { image: expect.stagingRevision === 'moved' ? 'dco-autopilot/dco-runner:0.2.0' : BASE_IMAGE } }
      : {}),
    alerts: [...expect.alerts],
    trace: { traceId: 't', url: 'u', services: expectedTraceServices(expect), spans: 20 },
    processWarnings: [],
    audit: ['transition by scheduler', ...expectedAudit(expect)],
    auditLogged: ['transition by scheduler'],
    dashboardUrl: 'd',
    secretsInLogs: [],
  };
}

describe('day scenario catalogue', () => {
  it('has the scenarios the runbooks name, each with a unique name', () => {
    const names = DAY_SCENARIOS.map((scenario) => scenario.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(
      expect.arrayContaining([
        'quiet-day',
        'neo4j-upgrade',
        'full-change',
        'green-corrupt',
        'ecs-health-fail',
        'tofu-broken',
        'migrator-killed',
        'kafka-restart',
        'approval-rejected',
        'deadline-too-close',
      ]),
    );
    expect(findScenario('nope')).toBeUndefined();
  });

  it.each(DAY_SCENARIOS.map((scenario) => [scenario.name, scenario] as const))(
    '%s: its expectation is internally consistent',
    (_name, scenario) => {
      const { expect: outcome } = scenario;
      // Always ends with exactly one DCO.
      expect(outcome.steps.filter((step) => step.startsWith('run-dco:'))).toEqual(['run-dco:succeeded']);
      expect(outcome.steps[outcome.steps.length - 1]).toBe('run-dco:succeeded');
      // What was rolled back shows in the timeline, in the same order.
      expect(outcome.steps.filter((step) => step.startsWith('rollback-')).map((step) => step.split(':')[0])).toEqual(
        outcome.rolledBack,
      );
      expect(outcome.dcoAfterRollback).toBe(outcome.status === 'CompletedAfterRollback');
      expect(outcome.failureCode === undefined).toBe(outcome.status === 'Completed');
      // A database that moved means a Neo4j AMI change migrated.
      if (outcome.serving.server === 'green') expect(scenario.changes.neo4jAmi).toBe(true);
      expect([...outcome.alerts].sort()).toEqual(outcome.alerts);
    },
  );
});

describe('compareWithExpectation', () => {
  const upgrade = (findScenario('neo4j-upgrade') ?? DAY_SCENARIOS[0]).expect;
  const corrupt = (findScenario('green-corrupt') ?? DAY_SCENARIOS[0]).expect;

  it('accepts an observation that matches', () => {
    for (const scenario of DAY_SCENARIOS)
      expect(compareWithExpectation(scenario.expect, observed(scenario.expect))).toEqual([]);
  });

  it('reports green served from the EC2 fleet where the scenario runs it on ECS', () => {
    expect(upgrade.serving.fleet).toBe('ecs');
    const seen = observed(upgrade);
    expect(
      compareWithExpectation(upgrade, { ...seen, serving: { ...seen.serving, instanceId: 'i-green', fleet: 'ec2' } }),
    ).toEqual(['the serving Neo4j i-green is on the ec2 fleet, expected ecs']);
  });

  it('reports a green the scenario fills offline that was copied online', () => {
    const fullChange = DAY_SCENARIOS.find((s) => s.name === 'full-change')!;
    const seen = observed(fullChange.expect);
    expect(
      compareWithExpectation(fullChange.expect, { ...seen, serving: { ...seen.serving, filledBy: 'online' } }),
    ).toEqual(['green i-1 was filled online, expected offline-import']);
  });

  it("reads the run's audit entries from the orchestrators' info lines, and misses them when the logger was silenced", () => {
    const dir = mkdtempSync(join(tmpdir(), 'dco-day-logs-'));
    try {
      const line = (fields: object) => JSON.stringify({ time: 't', service: 'orchestrator', ...fields });
      writeFileSync(
        join(dir, 'orchestrator.log'),
        [
          'orchestrator listening on http://127.0.0.1:1 (profile local)',
          line({
            level: 'info',
            runId: 'dco-2026-12-06',
            msg: 'audit transition: x',
            audit: { kind: 'transition', actor: 'scheduler' },
          }),
          line({
            level: 'debug',
            runId: 'dco-2026-12-06',
            msg: 'audit approval: y',
            audit: { kind: 'approval', actor: 'alice' },
          }),
          line({
            level: 'info',
            runId: 'dco-2026-12-05',
            msg: 'audit transition: z',
            audit: { kind: 'transition', actor: 'scheduler' },
          }),
        ].join('\n'),
      );
      writeFileSync(
        join(dir, 'dco-runner.log'),
        line({ level: 'info', runId: 'dco-2026-12-06', audit: { kind: 'x' } }),
      );
      expect(auditLinesIn(dir, 'dco-2026-12-06')).toEqual(['transition by scheduler']);
      expect(compareWithExpectation(upgrade, { ...observed(upgrade), auditLogged: [] })).toEqual([
        "the orchestrators' logs hold none of the run's audit entries at info (ADR 0028: every entry is also a log line)",
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('finds a configured secret in any service log, naming the file and the secret but not its value', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dco-day-logs-'));
    try {
      const secrets = { 'the API token': 'tok-123456', 'the Neo4j password': 'pw-abcdef' };
      writeFileSync(join(dir, 'orchestrator.log'), '{"msg":"started"}\n');
      writeFileSync(join(dir, 'dco-runner.log'), '{"msg":"connecting","uri":"bolt://neo4j:pw-abcdef@x"}\n');
      expect(secretsInLogs(dir, secrets)).toEqual(['dco-runner.log: the Neo4j password']);
      const seen = { ...observed(upgrade), secretsInLogs: ['dco-runner.log: the Neo4j password'] };
      expect(compareWithExpectation(upgrade, seen)).toEqual([
        'secrets in the service logs: dco-runner.log: the Neo4j password',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names each way a day went wrong', () => {
    const seen = observed(upgrade);
    seen.run.status = 'CompletedAfterRollback';
    seen.serving = { ...seen.serving, server: 'blue', version: '5.20.0' };
    seen.offerings.onServing = 2;
    seen.dco.runDcoCommands = 2;
    seen.data.base = { ...snapshot, checksum: 'different' };
    seen.trace.services = ['orchestrator'];
    const problems = compareWithExpectation(upgrade, seen);
    expect(problems).toEqual([
      'run status CompletedAfterRollback, expected Completed',
      'blue serves (bolt://127.0.0.1:1), expected green',
      'the serving Neo4j is 5.20.0, expected 5.26.19',
      expect.stringContaining('the serving graph (without the offering) differs from blue before the run'),
      '2 Offering(s) for the day on the serving server, expected exactly 1',
      'RunDco sent 2 time(s), DcoCompleted 1 time(s), expected once each',
      'trace t has no spans of detector, db-migrator, dco-runner, scheduler',
    ]);
  });

  it('asks the audit trail for the changes, the decision by the credential, each stage, each rollback and the DCO', () => {
    const rejected = (findScenario('approval-rejected') ?? DAY_SCENARIOS[0]).expect;
    expect(expectedAudit(rejected)).toEqual([
      'change-detected by detector',
      'approval-rejected by day-scenario',
      'dco by dco-runner',
    ]);
    expect(expectedAudit(corrupt)).toEqual([
      'change-detected by detector',
      'apply by infra-deployer',
      'rollback by db-migrator',
      'rollback by infra-deployer',
      'dco by dco-runner',
    ]);
    const quiet = (findScenario('quiet-day') ?? DAY_SCENARIOS[0]).expect;
    expect(expectedAudit(quiet)).toEqual(['dco by dco-runner']);
    const seen = observed(rejected);
    seen.audit = seen.audit.map((entry) => entry.replace('by day-scenario', 'by mallory'));
    expect(compareWithExpectation(rejected, seen)).toEqual([
      expect.stringContaining('the audit trail lacks [approval-rejected by day-scenario]'),
    ]);
  });

  it('checks the order of compensations, the ECS revision, the Terraform state and the alerts', () => {
    const seen = observed(corrupt);
    seen.run.rolledBack = ['rollback-infra', 'rollback-db'];
    seen.ecs.after = 4;
    seen.terraform.after = ['a', 'b', 'c'];
    seen.alerts = ['STEP_FAILED'];
    expect(compareWithExpectation(corrupt, seen)).toEqual([
      'rolled back [rollback-infra, rollback-db], expected [rollback-db, rollback-infra]',
      'dco-runner runs revision 4 (before 3), expected unchanged',
      'Terraform state [a, b, c] (before [a, b]), expected baseline',
      'alerts delivered [STEP_FAILED], expected [ROLLBACK, STEP_FAILED]',
    ]);
  });

  it('checks that the advisory-driven update was urgent (ADR 0029)', () => {
    const full = findScenario('full-change')?.expect;
    expect(full?.urgentChanges).toEqual(['dependency']);
    const seen = observed(full!);
    seen.run.urgentChanges = [];
    expect(compareWithExpectation(full!, seen)).toEqual(['urgent changes [], expected [dependency]']);
  });

  it('checks the desired count a drift scenario restores', () => {
    const drift = findScenario('drift-scaled-by-hand')?.expect;
    expect(drift?.ecsDesiredCount).toBe(2);
    const seen = observed(drift!);
    seen.ecs.desiredCount = 5;
    expect(compareWithExpectation(drift!, seen)).toEqual(['dco-runner desiredCount 5, expected 2']);
  });

  it('expects spans of the workers that took part', () => {
    expect(expectedTraceServices({ steps: ['detect:succeeded', 'run-dco:succeeded'] })).toEqual([
      'orchestrator',
      'detector',
      'dco-runner',
      'scheduler',
    ]);
    expect(
      expectedTraceServices({ steps: ['detect:succeeded', 'migrate-db:deferred', 'run-dco:succeeded'] }),
    ).not.toContain('db-migrator');
    expect(expectedTraceServices(corrupt)).toHaveLength(6);
  });

  it("fails a day whose service logs carry Node's process warnings, and finds them in a log", () => {
    const log = [
      '{"level":30,"service":"detector","msg":"NodeVersionSupportWarning is only a word in a message"}',
      '(node:4242) Warning: NodeVersionSupportWarning: The AWS SDK for JavaScript (v3)',
      'versions published after the first week of January 2027',
      '(node:4242) [DEP0040] DeprecationWarning: The `punycode` module is deprecated.',
    ].join('\n');
    const warnings = processWarningsIn('detector', log);
    expect(warnings).toEqual([
      'detector: (node:4242) Warning: NodeVersionSupportWarning: The AWS SDK for JavaScript (v3)',
      'detector: (node:4242) [DEP0040] DeprecationWarning: The `punycode` module is deprecated.',
    ]);
    const seen = { ...observed(upgrade), processWarnings: warnings.slice(0, 1) };
    expect(compareWithExpectation(upgrade, seen)).toEqual([
      'Node warnings in the service logs: detector: (node:4242) Warning: NodeVersionSupportWarning: The AWS SDK for JavaScript (v3)',
    ]);
  });

  it('sums step durations over attempts', () => {
    expect(
      stepDurations({
        steps: [
          { step: 'migrate-db', outcome: 'failed', startedAt: 'x', durationMs: 1500 },
          { step: 'migrate-db', outcome: 'succeeded', startedAt: 'x', durationMs: 500 },
        ],
      }),
    ).toEqual({ 'migrate-db': 2 });
  });
});

describe('day workspace', () => {
  const now = new Date('2026-11-26T19:40:30Z');
  const scenario = findScenario('approval-rejected') ?? DAY_SCENARIOS[0];
  const ws = createWorkspace(
    scenario,
    now,
    {
      kafkaBrokers: 'k:1',
      awsEndpoint: 'http://a:2',
      otlpTracesUrl: 'http://o:3/v1/traces',
      jaegerQueryUrl: 'http://j:4',
    },
    '/tmp/day-root',
  );
  const info = { blue: { instanceId: 'i-blue', boltUri: 'bolt://127.0.0.1:7000' }, healthUrl: 'http://127.0.0.1:9000' };

  it('names everything after the scenario id and ticks today', () => {
    expect(ws.day).toBe('2026-11-26');
    expect(ws.runId).toBe('dco-2026-11-26');
    expect(ws.dir).toBe(`/tmp/day-root/approval-rejected-${ws.id}`);
    expect(ws.topicPrefix).toBe(`day-${ws.id}.`);
    expect(justPassedCron(now)).toBe('40 19 * * *');
    expect(closeDeadline(now)).toBe('19:50');
  });

  it('has the scheduler tick the workspace day, in the first minute after midnight too', () => {
    for (const at of [now, new Date('2026-11-27T00:00:30Z'), new Date('2026-11-27T23:59:59Z')]) {
      const day = createWorkspace(scenario, at, ws.endpoints, '/tmp/day-root');
      const schedule = DailySchedule.parse(String(serviceEnvironment('scheduler', day, info, 1).SCHEDULE_CRON), 'UTC');
      // The scheduler starts a little later and catches up the last scheduled time at or before its start.
      const catchUp = schedule.lastAtOrBefore(new Date(at.getTime() + 20_000));
      expect([at.toISOString(), schedule.dayOf(catchUp)]).toEqual([at.toISOString(), day.day]);
      expect(schedule.nextAfter(catchUp).getTime() - catchUp.getTime()).toBe(86_400_000);
    }
    expect(justPassedCron(new Date('2026-11-27T00:00:30Z'))).toBe('0 0 * * *');
  });

  it("ticks the workspace day when the services start after midnight (the cron is the workspace's, not the launch's)", () => {
    // CI (2026-12-07): the topology spec made its workspace at 23:59 and launched the services at 00:01 with a second
    // clock reading; the scheduler ticked the next day while the spec waited for this one.
    const late = createWorkspace(scenario, new Date('2026-12-07T23:59:10Z'), ws.endpoints, '/tmp/day-root');
    const schedule = DailySchedule.parse(String(serviceEnvironment('scheduler', late, info, 1).SCHEDULE_CRON), 'UTC');
    const launchedAt = new Date('2026-12-08T00:03:40Z');
    expect(schedule.dayOf(schedule.lastAtOrBefore(launchedAt))).toBe('2026-12-07');
    expect(late.day).toBe('2026-12-07');
  });

  it('gives each service the environment its config reads', () => {
    const orchestrator = serviceEnvironment('orchestrator', ws, info, 3001);
    expect(orchestrator).toMatchObject({
      DCO_PROFILE: 'local',
      PORT: '3001',
      SAGA_APPROVAL_RISKS: 'medium,high',
      DCO_ALERT_QUEUE: ws.alertQueue,
    });
    expect(orchestrator.DCO_API_CREDENTIALS).toMatch(/^day-scenario:admin:[0-9a-f]{64}$/);
    expect(JSON.stringify(orchestrator)).not.toContain(ws.apiToken);
    // The secrets the log scan looks for are configured where the services read them.
    const secrets = workspaceSecrets(ws);
    expect(serviceEnvironment('db-migrator', ws, info, 1).DCO_BACKUP_SIGNING_KEY).toBe(ws.backupSigningKey);
    expect(ws.backupSigningKey).toContain(secrets['the backup signing key']);
    expect(serviceEnvironment('dco-runner', ws, info, 1).NEO4J_PASSWORD).toBe(secrets['the Neo4j password']);
    for (const worker of ['detector', 'infra-deployer', 'db-migrator', 'dco-runner'] as const) {
      expect(serviceEnvironment(worker, ws, info, 1)).toMatchObject({
        DCO_STAGE_ENGINE: 'real',
        DCO_TOPIC_PREFIX: ws.topicPrefix,
        KAFKA_BROKERS: 'k:1',
      });
    }
    expect(serviceEnvironment('db-migrator', ws, info, 1)).toMatchObject({
      NEO4J_URI: 'bolt://127.0.0.1:7000',
      DCO_NEO4J_INSTANCE_ID: 'i-blue',
      DCO_STATE_DIR: ws.stateDir,
      DCO_NEO4J_FLEET_TAGS: `dco:env=${ws.envTag}`,
    });
    expect(serviceEnvironment('scheduler', ws, info, 1)).toMatchObject({
      SCHEDULE_CRON: '40 19 * * *',
      SCHEDULE_CATCH_UP: 'last',
    });
    expect(serviceEnvironment('infra-deployer', ws, info, 1).DCO_HEALTH_ENDPOINTS).toContain(
      'dco-runner-canary=http://127.0.0.1:9000/dco-runner-canary/health',
    );
  });

  it("runs green on the ECS fleet where the scenario says so, in the scenario's own cluster, and on EC2 elsewhere", () => {
    const upgrade = createWorkspace(findScenario('neo4j-upgrade') ?? scenario, now, ws.endpoints, '/tmp/day-root');
    const migrator = serviceEnvironment('db-migrator', upgrade, info, 1);
    expect(migrator).toMatchObject({ DCO_NEO4J_FLEET: 'ecs', DCO_NEO4J_ECS_CLUSTER: `dco-day-${upgrade.id}-neo4j` });
    expect(migrator.DCO_NEO4J_EFS_FILE_SYSTEM_ID).toMatch(/^fs-[0-9a-f]+$/);
    expect(serviceEnvironment('db-migrator', ws, info, 1).DCO_NEO4J_FLEET).toBeUndefined();
  });

  it('fills green by the offline import where the scenario says so, and online elsewhere', () => {
    const fullChange = createWorkspace(findScenario('full-change') ?? scenario, now, ws.endpoints, '/tmp/day-root');
    expect(serviceEnvironment('db-migrator', fullChange, info, 1).DCO_NEO4J_RESTORE_MODE).toBe('offline-import');
    expect(findScenario('full-change')?.expect.serving.filledBy).toBe('offline-import');
    expect(serviceEnvironment('db-migrator', ws, info, 1).DCO_NEO4J_RESTORE_MODE).toBeUndefined();
  });

  it('restores in small batches where a fault must land on green while it fills, in the default batches elsewhere', () => {
    const corrupt = createWorkspace(findScenario('green-corrupt') ?? scenario, now, ws.endpoints, '/tmp/day-root');
    expect(serviceEnvironment('db-migrator', corrupt, info, 1).DCO_NEO4J_BATCH_SIZE).toBe('2');
    const killed = createWorkspace(findScenario('migrator-killed') ?? scenario, now, ws.endpoints, '/tmp/day-root');
    expect(serviceEnvironment('db-migrator', killed, info, 1)).toMatchObject({
      DCO_NEO4J_BATCH_SIZE: '50',
      DCO_NEO4J_PAGE_SIZE: '500',
    });
    expect(serviceEnvironment('db-migrator', ws, info, 1).DCO_NEO4J_BATCH_SIZE).toBeUndefined();
  });

  it('sizes every Neo4j server of the scenario for a bulk graph, and keeps them small and quick to start without one', () => {
    expect(ws.neo4jServer).toEqual({ heapMb: 256, pageCacheMb: 64, quickStart: true });
    expect(serviceEnvironment('db-migrator', ws, info, 1)).toMatchObject({
      DCO_NEO4J_HEAP_MB: '256',
      DCO_NEO4J_PAGECACHE_MB: '64',
      DCO_NEO4J_QUICK_START: 'true',
    });
    const big = createWorkspace(scenario, now, ws.endpoints, '/tmp/day-root', { nodes: 1_000_000, relsPerNode: 2 });
    expect(big.bulkGraph).toEqual({ nodes: 1_000_000, relsPerNode: 2 });
    expect(serviceEnvironment('db-migrator', big, info, 1)).toMatchObject({
      DCO_NEO4J_HEAP_MB: '2048',
      DCO_NEO4J_PAGECACHE_MB: '1536',
      DCO_NEO4J_QUICK_START: 'false',
    });
  });
});

describe('compareWithExpectation: staging first (ADR 0032)', () => {
  const expected = (findScenario('staging-fails') as { expect: ScenarioExpectation }).expect;

  it('reports a staging that kept the release its canary failed on', () => {
    const seen = { ...observed(expected), staging: { image: 'dco-autopilot/dco-runner:0.2.0-broken' } };
    expect(compareWithExpectation(expected, seen)).toEqual([
      `staging's dco-runner runs dco-autopilot/dco-runner:0.2.0-broken, expected unchanged from ${BASE_IMAGE}`,
    ]);
  });

  it('reports production moved although staging failed', () => {
    const seen = observed(expected);
    const moved = { ...seen, ecs: { ...seen.ecs, after: seen.ecs.before + 1 } };
    expect(compareWithExpectation(expected, moved)).toEqual([expect.stringContaining('expected unchanged')]);
  });
});
