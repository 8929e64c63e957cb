// three-days-down (issue 17, item 3; ADR 0023): after three days without a run, the late tick of the fourth day runs
// each missed day in order, one after the other, each with exactly one DCO, then its own day. Each app its own process on
// the real Kafka; the orchestrator is killed and restarted during the catch-up, which goes on from the saga store.
import { AnyMessage, runIdOf } from '@dco/contracts';
import { addDays } from '@dco/saga';
import { waitFor } from '@dco/testing';
import { SagaE2eEnvironment, finished, futureDay, startWorkers, waitForRun } from './support/saga-e2e.harness';

jest.setTimeout(600_000);

describe('three-days-down (each app its own process, real Kafka)', () => {
  let env: SagaE2eEnvironment;

  beforeEach(async () => {
    env = await new SagaE2eEnvironment().open();
  });
  afterEach(async () => {
    await env.close();
  });

  it('runs each missed day once, in day order, one after the other, across an orchestrator restart', async () => {
    const [orchestrator] = await Promise.all([
      env.start('orchestrator', { DCO_CATCH_UP: 'all', DCO_CATCH_UP_MAX_DAYS: '7' }),
      startWorkers(env, { detector: { DCO_SIMULATED_CHANGES: 'none' } }),
    ]);
    const before = futureDay();
    await env.tick(before);
    await waitForRun(orchestrator, runIdOf(before), finished);

    // Three days down; the scheduler's start publishes the late tick of the fourth day (two replicas: twice).
    const missed = [1, 2, 3].map((n) => addDays(before, n));
    const today = addDays(before, 4);
    const late = { day: today, trigger: 'catch-up' as const, scheduledAt: new Date().toISOString() };
    await env.publish('DailyTick', late, runIdOf(today));
    await env.publish('DailyTick', late, runIdOf(today));

    // The orchestrator dies once the second missed day has started; its replacement carries on from the saga store.
    await env.waitForMessage(runIdOf(missed[1]), 'RunStarted', 180_000);
    await env.restart(orchestrator);

    const last = await waitForRun(orchestrator, runIdOf(today), finished, 300_000);
    expect(last.status).toBe('Completed');
    const days = [...missed, today];
    for (const day of days) {
      const run = await waitForRun(orchestrator, runIdOf(day), finished);
      expect([day, run.status]).toEqual([day, 'Completed']);
      // Exactly one DCO per day, from outside: one RunDco asked, one DcoCompleted for it (redeliveries share an eventId).
      expect([day, env.distinct(runIdOf(day), 'RunDco').length]).toEqual([day, 1]);
      expect([day, env.distinct(runIdOf(day), 'DcoCompleted').length]).toEqual([day, 1]);
    }
    // No rerun of any day: only the runs dco-<day> exist.
    const runIds = new Set(env.seen.filter((m) => m.type === 'RunStarted').map((m) => m.runId));
    expect([...runIds].sort()).toEqual([before, ...days].map((day) => runIdOf(day)));
    // One after the other, in day order: each day's run starts after the previous day's run has ended.
    const at = (runId: string, type: 'RunStarted' | 'RunCompleted') =>
      Date.parse((env.distinct(runId, type)[0] as AnyMessage).occurredAt);
    const chain = [before, ...days].map((day) => runIdOf(day));
    await waitFor(() => chain.every((runId) => env.distinct(runId, 'RunCompleted').length === 1), {
      description: 'every RunCompleted seen by the tap',
      timeoutMs: 30_000,
      intervalMs: 200,
    });
    for (let i = 1; i < chain.length; i += 1) {
      expect([chain[i], at(chain[i], 'RunStarted') >= at(chain[i - 1], 'RunCompleted')]).toEqual([chain[i], true]);
    }
  });
});
