// three-days-down (issue 17, item 3; ADR 0023): after three days without a run, the late tick of the fourth day runs
// each missed day in order, one after the other, each with exactly one DCO, then its own day. Each app its own process on
// the real Kafka; the dco-runner runs the real offering on the shared Neo4j (small days, no migration), where each day's
// Offering is counted from outside. The orchestrator is killed and restarted during the catch-up, which goes on from
// the saga store.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { AnyMessage, runIdOf, systemClock } from '@dco/contracts';
import {
  DCO_SCHEMA_MIGRATIONS,
  DEFAULT_NEO4J_URI,
  Neo4jDcoLedger,
  applySchemaMigrations,
  createNeo4jDriver,
  generateDemoAccounts,
  generateDemoContributions,
} from '@dco/dco';
import { addDays } from '@dco/saga';
import { stackNeo4jCredentials, stackNeo4jEnv, waitFor } from '@dco/testing';
import { uniqueTestDay } from '../libs/dco/src/ledger/dco-ledger.contract';
import { deleteLedgerTestData } from '../libs/dco/src/neo4j/neo4j-ledger-test-data';
import { SagaE2eEnvironment, finished, startWorkers, waitForRun } from './support/saga-e2e.harness';

jest.setTimeout(600_000);

const NEO4J_URI = process.env.NEO4J_URI ?? DEFAULT_NEO4J_URI;
const driver = createNeo4jDriver({ uri: NEO4J_URI, ...stackNeo4jCredentials() });
const created = { days: [] as string[], accountIds: [] as string[] };

/** A small day of contributions for each day, as the ledger holds them before the offering. */
async function seedDays(days: string[]): Promise<void> {
  await applySchemaMigrations(driver, DCO_SCHEMA_MIGRATIONS, { clock: systemClock });
  const ledger = new Neo4jDcoLedger(driver);
  const accountPrefix = `md-${randomUUID().slice(0, 8)}-`;
  for (const day of days) {
    created.days.push(day);
    const generator = { day, accounts: 20, contributions: 60, seed: 7, accountPrefix };
    const accounts = generateDemoAccounts(generator);
    created.accountIds.push(...accounts.map((account) => account.accountId));
    await ledger.upsertAccounts(accounts);
    await ledger.addContributions(day, generateDemoContributions(generator));
  }
}

/** Every Offering of a day on the shared Neo4j, with its status and when it started. */
async function offeringsOf(day: string): Promise<{ status: string; startedAt: string }[]> {
  const session = driver.session();
  try {
    const result = await session.run(
      'MATCH (o:Offering {day: $day}) RETURN o.status AS status, o.startedAt AS startedAt',
      { day },
    );
    return result.records.map((record) => ({
      status: record.get('status'),
      startedAt: String(record.get('startedAt')),
    }));
  } finally {
    await session.close();
  }
}

describe('three-days-down (each app its own process, real Kafka, the real offering on Neo4j)', () => {
  let env: SagaE2eEnvironment;
  let stateDir: string;

  beforeEach(async () => {
    env = await new SagaE2eEnvironment().open();
    stateDir = mkdtempSync(join(tmpdir(), 'missed-days-'));
  });
  afterEach(async () => {
    await env.close();
    rmSync(stateDir, { recursive: true, force: true });
  });
  afterAll(async () => {
    await deleteLedgerTestData(driver, created);
    await driver.close();
  });

  it('runs each missed day once, in day order, one after the other, across an orchestrator restart', async () => {
    const before = uniqueTestDay();
    const missed = [1, 2, 3].map((n) => addDays(before, n));
    const today = addDays(before, 4);
    await seedDays([before, ...missed, today]);
    const [orchestrator] = await Promise.all([
      env.start('orchestrator', { DCO_CATCH_UP: 'all', DCO_CATCH_UP_MAX_DAYS: '7' }),
      startWorkers(env, {
        detector: { DCO_SIMULATED_CHANGES: 'none' },
        'dco-runner': {
          DCO_STAGE_ENGINE: 'real',
          DCO_LEDGER: 'neo4j',
          DCO_EXECUTOR: 'reference',
          DCO_DAILY_AMOUNT: '1000000',
          NEO4J_URI,
          ...stackNeo4jEnv(),
          DCO_STATE_DIR: stateDir,
        },
      }),
    ]);
    await env.tick(before);
    await waitForRun(orchestrator, runIdOf(before), finished);

    // Three days down; the scheduler's start publishes the late tick of the fourth day (two replicas: twice).
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
      await env.waitForEach(runIdOf(day), ['RunDco', 'DcoCompleted']);
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
    // On Neo4j, from outside: exactly one completed Offering per day, started in day order.
    const offerings = await Promise.all([before, ...days].map(offeringsOf));
    expect(offerings.map((list) => list.map((offering) => offering.status))).toEqual(
      [before, ...days].map(() => ['COMPLETED']),
    );
    const startedAt = offerings.map((list) => Date.parse(list[0].startedAt));
    expect(startedAt).toEqual([...startedAt].sort((a, b) => a - b));
  });
});
