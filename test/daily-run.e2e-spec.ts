// A daily run across processes on the real Kafka: the happy path, infra and database failures with compensation, a step
// timeout, and approval (approve and reject) through the dco CLI.
import { runCli } from '../apps/cli/src/main';
import { EXIT } from '../apps/cli/src/cli-error';
import { dailyUtcCron } from '../apps/scheduler/src';
import {
  HAPPY_PATH_CHAIN,
  E2E_TOKENS,
  SagaE2eEnvironment,
  finished,
  futureDay,
  startWorkers,
  stepsOf,
  waitForRun,
} from './support/saga-e2e.harness';

jest.setTimeout(600_000);

describe('daily run (each app its own process, real Kafka)', () => {
  let env: SagaE2eEnvironment;

  beforeEach(async () => {
    env = await new SagaE2eEnvironment().open();
  });
  afterEach(async () => {
    await env.close();
  });

  it('happy path: one runId, every stage once, RunCompleted with a causation chain back to the tick', async () => {
    // The scheduler runs too; without catch-up it publishes nothing until its next cron time, which is half a day away
    // (its default, 06:00 UTC, would tick today's run into this test when it runs across 06:00).
    const halfADayAway = new Date(Date.now() + 12 * 3_600_000);
    const [orchestrator] = await Promise.all([
      env.start('orchestrator'),
      env.start('scheduler', {
        SCHEDULE_CATCH_UP: 'none',
        SCHEDULE_CRON: dailyUtcCron(halfADayAway),
        SCHEDULE_TIME_ZONE: 'UTC',
      }),
      startWorkers(env),
    ]);
    const day = futureDay();
    const runId = `dco-${day}`;
    await env.tick(day);
    await env.tick(day); // a second tick for the day is ignored

    const run = await waitForRun(orchestrator, runId, finished);
    expect(run.status).toBe('Completed');
    expect(stepsOf(run)).toEqual([
      'detect:succeeded',
      'apply-infra:succeeded',
      'migrate-db:succeeded',
      'run-dco:succeeded',
    ]);
    const completed = await env.waitForMessage(runId, 'RunCompleted');
    expect(env.causationChain(completed)).toEqual(HAPPY_PATH_CHAIN);
    const commands = ['DetectChanges', 'ApplyInfra', 'MigrateDb', 'RunDco', 'RunStarted'] as const;
    await env.waitForEach(runId, commands);
    for (const type of commands) expect(env.distinct(runId, type)).toHaveLength(1);
    expect(new Set(env.seen.filter((m) => m.type !== 'DailyTick').map((m) => m.runId))).toEqual(new Set([runId]));
  });

  it('infra failure: RollbackInfra, then the DCO on the old infrastructure, RunCompletedAfterRollback', async () => {
    const [orchestrator] = await Promise.all([
      env.start('orchestrator'),
      startWorkers(env, { 'infra-deployer': { DCO_SIMULATE_APPLY_INFRA: 'fail:INFRA.APPLY_FAILED' } }),
    ]);
    const day = futureDay();
    await env.tick(day);
    const run = await waitForRun(orchestrator, `dco-${day}`, finished);
    expect(run).toMatchObject({
      status: 'CompletedAfterRollback',
      failure: { code: 'INFRA.APPLY_FAILED' },
      rolledBack: ['rollback-infra'],
    });
    expect(stepsOf(run)).toEqual([
      'detect:succeeded',
      'apply-infra:failed',
      'rollback-infra:succeeded',
      'run-dco:succeeded',
    ]);
    await env.waitForMessage(`dco-${day}`, 'RunCompletedAfterRollback');
    const dco = env.distinct(`dco-${day}`, 'RunDco');
    expect(dco.map((m) => m.type === 'RunDco' && m.data.afterRollback)).toEqual([true]);
    expect(env.distinct(`dco-${day}`, 'MigrateDb')).toHaveLength(0);
  });

  it('database failure: RollbackDb, then RollbackInfra, then the DCO', async () => {
    const [orchestrator] = await Promise.all([
      env.start('orchestrator'),
      startWorkers(env, { 'db-migrator': { DCO_SIMULATE_MIGRATE_DB: 'fail:DB.VALIDATION_MISMATCH' } }),
    ]);
    const day = futureDay();
    await env.tick(day);
    const run = await waitForRun(orchestrator, `dco-${day}`, finished);
    expect(run).toMatchObject({
      status: 'CompletedAfterRollback',
      failure: { code: 'DB.VALIDATION_MISMATCH' },
      rolledBack: ['rollback-db', 'rollback-infra'],
    });
    await env.waitForMessage(`dco-${day}`, 'RunCompletedAfterRollback');
    // In the order the orchestrator issued them: they are on three topics, and when one fetch of the tap (lagging on a
    // loaded host) brings several, kafkajs hands them over in the order of its assigned topics, not as they were written.
    const commands = env
      .messagesOf(`dco-${day}`)
      .filter((m) => ['RollbackDb', 'RollbackInfra', 'RunDco'].includes(m.type))
      .sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt))
      .map((m) => m.type);
    expect(commands).toEqual(['RollbackDb', 'RollbackInfra', 'RunDco']);
  });

  it('a step that never answers times out into compensation', async () => {
    const [orchestrator] = await Promise.all([
      env.start('orchestrator', { SAGA_STEP_TIMEOUTS: 'migrate-db=4000' }),
      startWorkers(env, { 'db-migrator': { DCO_SIMULATE_MIGRATE_DB: 'hang' } }),
    ]);
    const day = futureDay();
    await env.tick(day);
    const run = await waitForRun(orchestrator, `dco-${day}`, finished);
    expect(run).toMatchObject({ status: 'CompletedAfterRollback', failure: { code: 'SAGA.STEP_TIMED_OUT' } });
    expect(stepsOf(run)).toEqual([
      'detect:succeeded',
      'apply-infra:succeeded',
      'migrate-db:timed-out',
      'rollback-db:succeeded',
      'rollback-infra:succeeded',
      'run-dco:succeeded',
    ]);
    expect(env.distinct(`dco-${day}`, 'StepTimedOut').length).toBeGreaterThanOrEqual(1);
  });

  it('an approval-gated run waits, continues on approve, and skips its updates on reject', async () => {
    const [orchestrator] = await Promise.all([
      // The simulated Neo4j AMI change is medium risk: make medium need approval.
      env.start('orchestrator', { SAGA_APPROVAL_RISKS: 'medium,high' }),
      startWorkers(env),
    ]);
    const approved = futureDay();
    let rejected = futureDay();
    while (rejected === approved) rejected = futureDay();
    await env.tick(approved);
    await env.tick(rejected);
    await waitForRun(orchestrator, `dco-${approved}`, (run) => run.status === 'AwaitingApproval');
    await waitForRun(orchestrator, `dco-${rejected}`, (run) => run.status === 'AwaitingApproval');
    // Waiting means waiting: no update command left the orchestrator.
    expect(env.distinct(`dco-${approved}`, 'ApplyInfra')).toHaveLength(0);

    try {
      process.env.DCO_API_TOKEN = E2E_TOKENS.alice;
      expect(await runCli(['approve', `dco-${approved}`, '--reason', 'plan reviewed', '--api', orchestrator.url])).toBe(
        EXIT.OK,
      );
      process.env.DCO_API_TOKEN = E2E_TOKENS.bob;
      expect(await runCli(['reject', `dco-${rejected}`, '--reason', 'change freeze', '--api', orchestrator.url])).toBe(
        EXIT.OK,
      );
    } finally {
      delete process.env.DCO_API_TOKEN;
    }

    const done = await waitForRun(orchestrator, `dco-${approved}`, finished);
    expect(done.status).toBe('Completed');
    expect(done.approvals[0].decision).toMatchObject({ granted: true, by: 'alice' });
    expect(stepsOf(done)).toEqual([
      'detect:succeeded',
      'approval:succeeded',
      'apply-infra:succeeded',
      'migrate-db:succeeded',
      'run-dco:succeeded',
    ]);

    const skipped = await waitForRun(orchestrator, `dco-${rejected}`, finished);
    expect(skipped).toMatchObject({
      status: 'CompletedAfterRollback',
      failure: { code: 'SAGA.REJECTED' },
      rolledBack: [],
    });
    expect(stepsOf(skipped)).toEqual(['detect:succeeded', 'approval:rejected', 'run-dco:succeeded']);
    expect(env.distinct(`dco-${rejected}`, 'ApplyInfra')).toHaveLength(0);
  });
});
