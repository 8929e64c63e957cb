// Runs the ledger contract against the real Neo4j (blue) of the local stack, plus the schema migrations.
import { systemClock } from '@dco/contracts';
import { randomUUID } from 'node:crypto';
import { Driver, Neo4jError, Session, Transaction } from 'neo4j-driver';
import { describeDcoLedgerContract, uniqueTestDay } from '../ledger/dco-ledger.contract';
import { DCO_SCHEMA_MIGRATIONS } from './dco-schema.migrations';
import { createNeo4jDriver, DEFAULT_NEO4J_URI } from './neo4j-connection';
import { Neo4jDcoLedger } from './neo4j-dco-ledger.adapter';
import { deleteLedgerTestData } from './neo4j-ledger-test-data';
import { applySchemaMigrations } from './schema-migration-runner';

const driver: Driver = createNeo4jDriver({ uri: process.env.NEO4J_URI ?? DEFAULT_NEO4J_URI });
const ledger = new Neo4jDcoLedger(driver);

beforeAll(async () => {
  await applySchemaMigrations(driver, DCO_SCHEMA_MIGRATIONS, { clock: systemClock });
});
afterAll(async () => {
  await driver.close();
});

describe('DCO schema migrations', () => {
  it('are recorded once each and are idempotent when applied again', async () => {
    const again = await applySchemaMigrations(driver, DCO_SCHEMA_MIGRATIONS, { clock: systemClock });
    expect(again).toEqual({ applied: [], alreadyApplied: DCO_SCHEMA_MIGRATIONS.map((migration) => migration.version) });
    const session = driver.session();
    try {
      const constraints = await session.run('SHOW CONSTRAINTS YIELD name RETURN collect(name) AS names');
      expect(constraints.records[0].get('names')).toEqual(
        expect.arrayContaining([
          'dco_account_id',
          'dco_contribution_id',
          'dco_offering_day',
          'dco_allocation_offering_account',
        ]),
      );
      const recorded = await session.run(
        'MATCH (m:SchemaMigration) WHERE m.version IN [1, 2] RETURN count(m) AS count',
      );
      expect(Number(recorded.records[0].get('count'))).toBe(2);
    } finally {
      await session.close();
    }
  });

  it('refuses a database migrated by a release that named a version differently', async () => {
    const renamed = DCO_SCHEMA_MIGRATIONS.map((migration, index) =>
      index === 0 ? { ...migration, name: 'something else' } : migration,
    );
    await expect(applySchemaMigrations(driver, renamed, { clock: systemClock })).rejects.toThrow(
      'schema migration 1 is recorded as "dco ledger constraints" but this release calls it "something else"',
    );
  });
});

describeDcoLedgerContract('neo4j', () => ({
  ledger: () => ledger,
  cleanup: (created) => deleteLedgerTestData(driver, created),
}));

describe('Neo4jDcoLedger.readDayByAccount', () => {
  it('groups the rows in the client when the server has no transaction memory left to group the day', async () => {
    const day = uniqueTestDay();
    // One run prefix for both, so that sorting by id puts alice before ghost in every run.
    const run = `oom-${randomUUID().slice(0, 8)}`;
    const [alice, ghost] = [`${run}-alice`, `${run}-ghost`];
    const groupings: string[] = [];
    // The same driver, except that the server-side grouping fails the way Neo4j fails a query over the memory limit.
    const starved = Object.assign(Object.create(driver) as Driver, {
      session: (config: Parameters<Driver['session']>[0]) => {
        const session = driver.session(config);
        return Object.assign(Object.create(session) as Session, {
          beginTransaction: () => {
            const tx = session.beginTransaction();
            return Object.assign(Object.create(tx) as Transaction, {
              run: (query: string, params: Record<string, unknown>) => {
                if (!query.includes('collect(c.amount)')) return tx.run(query, params);
                groupings.push(query);
                const refused = new Neo4jError(
                  'memory pool exhausted',
                  'Neo.TransientError.General.MemoryPoolOutOfMemoryError',
                  '50N42',
                  'error: general processing exception',
                );
                return { subscribe: (observer: { onError?: (error: Error) => void }) => observer.onError?.(refused) };
              },
            });
          },
        });
      },
    });
    try {
      await ledger.upsertAccounts([{ accountId: alice, cap: '10' }]);
      await ledger.addContributions(day, [
        { contributionId: `${alice}-c1`, accountId: alice, amount: '4' },
        { contributionId: `${alice}-c2`, accountId: alice, amount: (2n ** 64n).toString() },
        { contributionId: `${ghost}-c3`, accountId: ghost, amount: '1' },
      ]);
      const groups = (await new Neo4jDcoLedger(starved).readDayByAccount(day))
        .map((group) => ({ ...group, amounts: [...group.amounts].sort() }))
        .sort((a, b) => (a.accountId < b.accountId ? -1 : 1));
      expect(groupings).toHaveLength(1);
      expect(groups).toEqual([
        { accountId: alice, known: true, cap: '10', amounts: ['18446744073709551616', '4'] },
        { accountId: ghost, known: false, amounts: ['1'] },
      ]);
    } finally {
      await deleteLedgerTestData(driver, { days: [day], accountIds: [alice] });
    }
  });

  it('keeps a contribution that lacks its amount (outside the index it reads from), for validation to report', async () => {
    const day = uniqueTestDay();
    const bob = `nul-${randomUUID().slice(0, 8)}-bob`;
    try {
      await ledger.upsertAccounts([{ accountId: bob }]);
      await ledger.addContributions(day, [{ contributionId: `${bob}-c1`, accountId: bob, amount: '4' }]);
      const session = driver.session();
      try {
        await session.run('CREATE (:Contribution {contributionId: $id, day: $day, accountId: $bob})', {
          id: `${bob}-c2`,
          day,
          bob,
        });
      } finally {
        await session.close();
      }
      const groups = await ledger.readDayByAccount(day);
      expect(groups).toHaveLength(1);
      expect(groups[0]).toMatchObject({ accountId: bob, known: true });
      expect([...groups[0].amounts].sort()).toEqual(['4', null]);
    } finally {
      await deleteLedgerTestData(driver, { days: [day], accountIds: [bob] });
    }
  });
});
