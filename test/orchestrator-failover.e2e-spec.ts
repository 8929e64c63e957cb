// Orchestrator high availability on the real Kafka (ADR 0004): two orchestrator processes, one active through the lease,
// one standby that follows SagaState and serves reads. kill -9 of the active mid-run: the standby fences it, reloads,
// and finishes the run with every command sent exactly once. A standby answers API.NOT_ACTIVE to a change.
import { MessageType } from '@dco/contracts';
import { PrivateKafka, startPrivateKafka, waitFor } from '@dco/testing';
import {
  E2E_AUTHORIZATION,
  SagaE2eEnvironment,
  finished,
  futureDay,
  getRun,
  roleOf,
  startWorkers,
  stepsOf,
  waitForActive,
  waitForRun,
} from './support/saga-e2e.harness';

jest.setTimeout(600_000);

describe('orchestrator failover (two orchestrator processes, real Kafka)', () => {
  let env: SagaE2eEnvironment;

  beforeEach(async () => {
    env = await new SagaE2eEnvironment().open();
  });
  afterEach(async () => {
    await env.close();
  });

  it('kill -9 of the active mid-run: the standby takes over and the run completes with no duplicate command', async () => {
    // The migration takes a while, so the active is killed with a step in flight.
    const workers = await startWorkers(env, { 'db-migrator': { DCO_SIMULATE_MIGRATE_DB: 'ok:3000' } });
    const first = await env.start('orchestrator');
    await waitForActive(first);
    const second = await env.start('orchestrator');
    // Healthy as a standby: it follows the committed states and keeps out of the saga.
    expect(await roleOf(second)).toBe('standby');

    // A change sent to the standby is refused, naming the active one.
    const refused = await fetch(`${second.url}/api/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...E2E_AUTHORIZATION },
      body: JSON.stringify({ day: futureDay(), reason: 'sent to the standby' }),
    });
    const body = (await refused.json()) as { code: string; message: string };
    expect([refused.status, body.code]).toEqual([503, 'API.NOT_ACTIVE']);
    expect(body.message).toContain(`orchestrator-${first.port}`);

    const day = futureDay();
    const runId = `dco-${day}`;
    await env.tick(day);
    await env.waitForMessage(runId, 'MigrateDb');
    // The standby serves the run from SagaState before it ever ran the saga.
    const seen = await waitForRun(second, runId, (run) => run.status === 'MigratingDb', 30_000);
    expect(seen.finished).toBe(false);
    expect(await roleOf(second)).toBe('standby');

    await first.kill();
    await waitForActive(second, 60_000);
    const metrics = await (await fetch(`${second.url}/metrics`, { headers: E2E_AUTHORIZATION })).text();
    expect(metrics).toMatch(/^dco_orchestrator_active\{[^}]*\} 1$/m);

    const run = await waitForRun(second, runId, finished);
    expect(run.status).toBe('Completed');
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
    expect(await workers['db-migrator'].handled()).toEqual({ MigrateDb: 1 });
    expect(await workers['dco-runner'].handled()).toEqual({ RunDco: 1 });

    // The killed one comes back as a standby (the lease stays with the new active) and follows the finished run.
    first.start();
    await first.waitHealthy();
    expect(await roleOf(first)).toBe('standby');
    await waitFor(async () => (await getRun(first, runId))?.finished, {
      description: 'the restarted orchestrator to follow the finished run',
      timeoutMs: 30_000,
    });
    expect(await roleOf(second)).toBe('active');
  });

  describe('on a private broker', () => {
    let kafka: PrivateKafka;
    let privateEnv: SagaE2eEnvironment;

    beforeAll(async () => {
      kafka = await startPrivateKafka();
    });
    afterAll(async () => {
      await privateEnv?.close();
      await kafka?.close();
    });

    it('a broker restart mid-run: an orchestrator holds the lease again and the run completes with every command once', async () => {
      // The level's retry runs this test again: the failed attempt's processes are stopped first, not orphaned.
      await privateEnv?.close();
      privateEnv = await new SagaE2eEnvironment(kafka.brokers).open();
      await startWorkers(privateEnv, { 'infra-deployer': { DCO_SIMULATE_APPLY_INFRA: 'ok:3000' } });
      const first = await privateEnv.start('orchestrator');
      await waitForActive(first);
      const second = await privateEnv.start('orchestrator');
      const day = futureDay();
      const runId = `dco-${day}`;
      await privateEnv.tick(day);
      await privateEnv.waitForMessage(runId, 'ApplyInfra');
      await kafka.restart();
      const run = await waitForRun(first, runId, finished, 300_000);
      expect(run.status).toBe('Completed');
      const commands: MessageType[] = ['RunStarted', 'ApplyInfra', 'MigrateDb', 'RunDco', 'RunCompleted'];
      await privateEnv.waitForEach(runId, commands);
      for (const type of commands) expect([type, privateEnv.distinct(runId, type).length]).toEqual([type, 1]);
      // Exactly one of the two is active afterwards.
      const roles = [await roleOf(first), await roleOf(second)].sort();
      expect(roles).toEqual(['active', 'standby']);
    });
  });
});
