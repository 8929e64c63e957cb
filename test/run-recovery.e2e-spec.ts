// Recovering runs across processes on the real Kafka: a run parked in Failed by a failed database rollback is resumed with
// `dco resume` once the db-migrator can roll back again; a run that overruns its maximum run time is rolled back and the
// DCO still runs.
import { runCli } from '../apps/cli/src/main';
import { EXIT } from '../apps/cli/src/cli-error';
import {
  RunViewJson,
  E2E_TOKENS,
  SagaE2eEnvironment,
  finished,
  futureDay,
  startWorkers,
  stepsOf,
  waitForRun,
} from './support/saga-e2e.harness';

jest.setTimeout(600_000);

describe('run recovery (each app its own process, real Kafka)', () => {
  let env: SagaE2eEnvironment;

  beforeEach(async () => {
    env = await new SagaE2eEnvironment().open();
  });
  afterEach(async () => {
    await env.close();
  });

  it('a run parked by a failed RollbackDb is resumed: RollbackDb again (a new command), RollbackInfra, the DCO, RunCompletedAfterRollback', async () => {
    const [orchestrator, workers] = await Promise.all([
      env.start('orchestrator'),
      startWorkers(env, {
        'db-migrator': {
          DCO_SIMULATE_MIGRATE_DB: 'fail:DB.VALIDATION_MISMATCH',
          DCO_SIMULATE_ROLLBACK_DB: 'fail:DB.ROLLBACK_FAILED',
        },
      }),
    ]);
    const day = futureDay();
    const runId = `dco-${day}`;
    await env.tick(day);
    const parked = await waitForRun(orchestrator, runId, finished);
    expect(parked).toMatchObject({ status: 'Failed', pendingCompensations: ['rollback-db', 'rollback-infra'] });
    await env.waitForMessage(runId, 'RunFailed');

    process.env.DCO_API_TOKEN = E2E_TOKENS.alice;
    try {
      // A bad request is refused before anything is sent.
      expect(await runCli(['resume', runId, '--reason', ' ', '--api', orchestrator.url])).toBe(EXIT.USAGE);
      // The operator fixes the cause: here, a db-migrator whose rollback works again.
      await workers['db-migrator'].stop();
      await env.start('db-migrator', {
        DCO_SIMULATE_MIGRATE_DB: 'fail:DB.VALIDATION_MISMATCH',
        DCO_SIMULATE_ROLLBACK_DB: 'ok',
      });
      expect(await runCli(['resume', runId, '--reason', 'db-migrator fixed', '--api', orchestrator.url])).toBe(EXIT.OK);
      // A second resume while the first is being carried out is a conflict (API) or rejected (saga), never a third RollbackDb.
      const again = await runCli(['resume', runId, '--reason', 'again', '--api', orchestrator.url]);
      expect([EXIT.OK, EXIT.CONFLICT]).toContain(again);
    } finally {
      delete process.env.DCO_API_TOKEN;
    }

    const done = (await waitForRun(
      orchestrator,
      runId,
      (run) => run.status === 'CompletedAfterRollback',
    )) as RunViewJson & { resumes: { by: string; step: string }[] };
    expect(done).toMatchObject({
      failure: { code: 'DB.VALIDATION_MISMATCH' },
      rolledBack: ['rollback-db', 'rollback-infra'],
      pendingCompensations: [],
    });
    expect(done.resumes).toEqual([expect.objectContaining({ by: 'alice', step: 'rollback-db' })]);
    expect(stepsOf(done)).toEqual([
      'detect:succeeded',
      'apply-infra:succeeded',
      'migrate-db:failed',
      'rollback-db:failed',
      'rollback-db:succeeded',
      'rollback-infra:succeeded',
      'run-dco:succeeded',
    ]);
    await env.waitForMessage(runId, 'RunCompletedAfterRollback');
    await env.waitForEach(runId, ['RunResumeRequested', 'RunDco']);
    await env.waitForCount(runId, 'RollbackDb', 2);
    const rollbacks = env.distinct(runId, 'RollbackDb');
    expect(rollbacks).toHaveLength(2);
    const resumed = env.distinct(runId, 'RunResumeRequested');
    expect(resumed.length).toBeGreaterThanOrEqual(1);
    expect(rollbacks[1].causationId).toBe(resumed[0].eventId);
    expect(env.distinct(runId, 'RunDco').map((m) => m.type === 'RunDco' && m.data.afterRollback)).toEqual([true]);
  });

  it('a run past its maximum run time stops its updates, rolls back and still runs the DCO', async () => {
    const [orchestrator] = await Promise.all([
      env.start('orchestrator', { SAGA_MAX_RUN_MS: '8000' }),
      startWorkers(env, { 'db-migrator': { DCO_SIMULATE_MIGRATE_DB: 'hang' } }),
    ]);
    const day = futureDay();
    const runId = `dco-${day}`;
    await env.tick(day);
    const run = await waitForRun(orchestrator, runId, finished);
    expect(run).toMatchObject({ status: 'CompletedAfterRollback', failure: { code: 'SAGA.RUN_TIME_EXCEEDED' } });
    // Whichever update stage was in flight at the limit is timed out; what it touched is rolled back, database first.
    const timedOut = run.steps.find((s) => s.outcome === 'timed-out');
    expect(timedOut?.failure?.code).toBe('SAGA.RUN_TIME_EXCEEDED');
    expect(stepsOf(run).at(-1)).toBe('run-dco:succeeded');
    await env.waitForEach(runId, ['AlertRaised', 'RunDco']);
    const alerts = env.distinct(runId, 'AlertRaised').map((m) => (m.type === 'AlertRaised' ? m.data.cause : ''));
    expect(alerts).toContain('RUN_TIME_EXCEEDED');
    expect(env.distinct(runId, 'RunDco').map((m) => m.type === 'RunDco' && m.data.afterRollback)).toEqual([true]);
  });
});
