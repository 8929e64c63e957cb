// Faults across processes on the real Kafka: kill -9 the orchestrator after each step, kill -9 a worker mid-command, and
// bad input (unknown runs, out-of-order events, malformed requests, bad CLI arguments). A broker restart mid-run is
// orchestrator-failover's (a private broker, every command once, one active orchestrator afterwards) and topology's (in
// the middle of a migration, every replica running): restarting the shared broker here disturbed every other client.
import { MessageType } from '@dco/contracts';
import { EXIT } from '../apps/cli/src/cli-error';
import { runCli } from '../apps/cli/src/main';
import { AppProcess, waitFor } from '@dco/testing';
import {
  E2E_AUTHORIZATION,
  SagaE2eEnvironment,
  finished,
  futureDay,
  getRun,
  startWorkers,
  stepsOf,
  waitForRun,
} from './support/saga-e2e.harness';

jest.setTimeout(900_000);

describe('orchestrator faults (each app its own process, real Kafka)', () => {
  let env: SagaE2eEnvironment;

  beforeEach(async () => {
    env = await new SagaE2eEnvironment().open();
  });
  afterEach(async () => {
    await env.close();
  });

  it('kill -9 of the orchestrator after each step: the run completes and every command is handled exactly once', async () => {
    const [orchestrator, workers] = await Promise.all([env.start('orchestrator'), startWorkers(env)]);
    const day = futureDay();
    const runId = `dco-${day}`;
    await env.tick(day);
    let current: AppProcess = orchestrator;
    for (const command of ['DetectChanges', 'ApplyInfra', 'MigrateDb', 'RunDco'] as MessageType[]) {
      await env.waitForMessage(runId, command);
      current = await env.restart(current);
    }
    const run = await waitForRun(current, runId, finished);
    expect(run.status).toBe('Completed');
    // The API shows a state as soon as it is decided; the tap reads only committed messages.
    await env.waitForMessage(runId, 'RunCompleted');
    expect(stepsOf(run)).toEqual([
      'detect:succeeded',
      'apply-infra:succeeded',
      'migrate-db:succeeded',
      'run-dco:succeeded',
    ]);
    const commands: MessageType[] = [
      'RunStarted',
      'DetectChanges',
      'ApplyInfra',
      'MigrateDb',
      'RunDco',
      'RunCompleted',
    ];
    await env.waitForEach(runId, commands);
    for (const type of commands) expect([type, env.distinct(runId, type).length]).toEqual([type, 1]);
    // The audit trail commits with the states (ADR 0028): after four crashes, each entry of each transition once.
    type Entry = { kind: string; version: number; seq: number; to?: string };
    const audit = await waitFor(
      () => {
        const entries = env.distinct(runId, 'AuditRecorded').map((m) => m.data as Entry);
        return entries.some((e) => e.kind === 'transition' && e.to === 'Completed') && entries;
      },
      { description: `the audit trail of ${runId} up to Completed`, timeoutMs: 30_000, intervalMs: 100 },
    );
    const positions = audit.map((e) => `${e.version}.${e.seq}`);
    expect(new Set(positions).size).toBe(positions.length);
    expect(audit.filter((e) => e.kind === 'transition').map((e) => e.to)).toEqual([
      'Detecting',
      'ApplyingInfra',
      'MigratingDb',
      'RunningDco',
      'Completed',
    ]);
    expect(await workers.detector.handled()).toEqual({ DetectChanges: 1 });
    expect(await workers['infra-deployer'].handled()).toEqual({ ApplyInfra: 1 });
    expect(await workers['db-migrator'].handled()).toEqual({ MigrateDb: 1 });
    expect(await workers['dco-runner'].handled()).toEqual({ RunDco: 1 });
  });

  it('kill -9 of a worker mid-command: the command is delivered again and completed once', async () => {
    const [orchestrator, workers] = await Promise.all([
      env.start('orchestrator'),
      startWorkers(env, { 'db-migrator': { DCO_SIMULATE_MIGRATE_DB: 'ok:6000' } }),
    ]);
    const day = futureDay();
    const runId = `dco-${day}`;
    await env.tick(day);
    await env.waitForMessage(runId, 'MigrateDb');
    // Killed while its use case runs (6 s simulated): started, not finished, nothing committed.
    await waitFor(async () => (await workers['db-migrator'].inFlight()).MigrateDb === 1, {
      description: 'the db-migrator to be busy with MigrateDb',
      timeoutMs: 30_000,
    });
    expect(await workers['db-migrator'].handled()).toEqual({});
    const migrator = await env.restart(workers['db-migrator']);
    const run = await waitForRun(orchestrator, runId, finished);
    expect(run.status).toBe('Completed');
    await env.waitForEach(runId, ['RunCompleted', 'DbMigrated', 'MigrateDb']);
    expect(await migrator.handled()).toEqual({ MigrateDb: 1 });
    expect(env.distinct(runId, 'DbMigrated')).toHaveLength(1);
    expect(env.distinct(runId, 'MigrateDb')).toHaveLength(1);
  });

  it('bad input is rejected with a code, changes nothing and crashes nothing', async () => {
    const [orchestrator, workers] = await Promise.all([
      env.start('orchestrator', { SAGA_APPROVAL_RISKS: 'medium,high' }),
      startWorkers(env),
    ]);
    const day = futureDay();
    const runId = `dco-${day}`;
    const tick = await env.tick(day);
    const waiting = await waitForRun(orchestrator, runId, (run) => run.status === 'AwaitingApproval');
    const accepted = async () => (await orchestrator.health()).checks.saga.detail?.accepted as number;
    const acceptedBefore = await accepted();

    let unknown = futureDay();
    while (unknown === day) unknown = futureDay();
    await env.publish(
      'InfraApplied',
      { plan: { planId: 'p', adds: 0, changes: 0, destroys: 0, replaced: [] }, services: [], configHash: 'x' },
      `dco-${unknown}`,
    );
    await env.publish(
      'DcoCompleted',
      {
        day,
        offeringId: 'o',
        offered: '0',
        allocated: '0',
        undistributed: '0',
        allocationCount: 0,
        contributionCount: 0,
        resultHash: 'a'.repeat(64),
        reused: false,
      },
      runId,
      tick,
    );
    await env.tick(day);
    const rejected = await waitFor(
      async () => {
        const counts = (await orchestrator.health()).checks.saga.detail?.rejected as Record<string, number>;
        const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
        return total >= 3 ? counts : undefined;
      },
      { description: 'three rejections', timeoutMs: 60_000 },
    );
    expect(rejected).toEqual({ 'SAGA.UNKNOWN_RUN': 1, 'SAGA.OUT_OF_ORDER': 1, 'SAGA.DUPLICATE_START': 1 });

    const malformed = await fetch(`${orchestrator.url}/api/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...E2E_AUTHORIZATION },
      body: '{"day":',
    });
    expect([malformed.status, ((await malformed.json()) as { code: string }).code]).toEqual([
      400,
      'API.VALIDATION_FAILED',
    ]);
    // The service keeps its connections longer than fetch does: a request on one it was closing failed here once.
    expect(malformed.headers.get('keep-alive')).toBe('timeout=65');
    const noReason = await fetch(`${orchestrator.url}/api/runs/${runId}/approve`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...E2E_AUTHORIZATION },
      body: JSON.stringify({}),
    });
    expect([noReason.status, ((await noReason.json()) as { code: string }).code]).toEqual([
      400,
      'API.VALIDATION_FAILED',
    ]);
    const errors: string[] = [];
    const spy = jest
      .spyOn(console, 'error')
      .mockImplementation((...args: unknown[]) => void errors.push(args.join(' ')));
    try {
      expect(await runCli(['approve', 'not-a-run', '--reason', 'x', '--api', orchestrator.url])).toBe(EXIT.USAGE);
      expect(await runCli(['run', '--day', 'tomorrow', '--api', orchestrator.url])).toBe(EXIT.USAGE);
    } finally {
      spy.mockRestore();
    }
    expect(errors.join('\n')).toMatch(/CLI.INVALID_RUN_ID[\s\S]*CLI.INVALID_DAY/);

    // Nothing changed: the run still waits exactly as before, no command left, everything is healthy.
    expect(await getRun(orchestrator, runId)).toEqual(waiting);
    expect(await accepted()).toBe(acceptedBefore);
    expect(env.distinct(runId, 'ApplyInfra')).toHaveLength(0);
    for (const app of [orchestrator, ...Object.values(workers)]) expect((await app.health()).status).toBe('ok');
  });
});
