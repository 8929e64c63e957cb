// Runs the ledger contract against the real Neo4j (blue) of the local stack, plus the schema migrations.
import { systemClock } from '@dco/contracts';
import { stackNeo4jCredentials } from '@dco/testing';
import { randomUUID } from 'node:crypto';
import { Driver } from 'neo4j-driver';
import { AccountDayContributions } from '../domain';
import { describeDcoLedgerContract, uniqueTestDay } from '../ledger/dco-ledger.contract';
import { DCO_SCHEMA_MIGRATIONS } from './dco-schema.migrations';
import { createNeo4jDriver, DEFAULT_NEO4J_URI } from './neo4j-connection';
import { DAY_PAGE_STATEMENTS, Neo4jDcoLedger } from './neo4j-dco-ledger.adapter';
import { deleteLedgerTestData } from './neo4j-ledger-test-data';
import { applySchemaMigrations } from './schema-migration-runner';

const driver: Driver = createNeo4jDriver({
  uri: process.env.NEO4J_URI ?? DEFAULT_NEO4J_URI,
  ...stackNeo4jCredentials(),
});
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

describe('DCO schema migration 4 (allocations in pages, ADR 0035)', () => {
  const pages = DCO_SCHEMA_MIGRATIONS.find((migration) => migration.version === 4);
  const day = uniqueTestDay();
  const accountIds = Array.from({ length: 12_345 }, (_, i) => `legacy-${day}-${String(i).padStart(5, '0')}`);
  afterAll(() => deleteLedgerTestData(driver, { days: [day], accountIds }));

  it('moves an offering written one Allocation node per account into pages, in account order, exactly', async () => {
    const offeringId = `legacy-${randomUUID()}`;
    await ledger.upsertAccounts(accountIds.map((accountId) => ({ accountId })));
    await ledger.beginOffering({ day, offeringId, offered: 10n ** 30n, startedAt: '2026-12-07T00:00:00.000Z' });
    // The model before this migration: one Allocation node per account, linked to its Offering and its Account.
    const amounts = accountIds.map((_, i) => (10n ** 25n + BigInt(i) * 7919n).toString());
    const session = driver.session();
    try {
      await session.run(
        `MATCH (o:Offering {offeringId: $offeringId})
         UNWIND range(0, size($ids) - 1) AS i
         CREATE (o)<-[:OF]-(al:Allocation {offeringId: $offeringId, accountId: $ids[i], amount: $amounts[i]})
         WITH al, i MATCH (acc:Account {accountId: $ids[i]}) CREATE (al)-[:TO]->(acc)`,
        { offeringId, ids: [...accountIds].reverse(), amounts: [...amounts].reverse() },
      );
      // Not one the ledger wrote (no account id): stays as it is, and does not stop the migration.
      await session.run(
        "MATCH (o:Offering {offeringId: $offeringId}) CREATE (:Allocation {offeringId: $offeringId, amount: '1'})-[:OF]->(o)",
        { offeringId },
      );
      for (const statement of pages?.statements ?? []) await session.run(statement);
      // Applied again (a migration stopped half-way and resumed): nothing left to move, nothing moved twice.
      for (const statement of pages?.statements ?? []) await session.run(statement);
      const shape = await session.run(
        `MATCH (p:AllocationPage {offeringId: $offeringId})
         RETURN count(p) AS pages, sum(p.count) AS stored, min(p.count) AS smallest, max(p.count) AS largest,
                COUNT { (al:Allocation) WHERE al.offeringId = $offeringId AND al.accountId IS NOT NULL } AS legacy,
                COUNT { (al:Allocation) WHERE al.offeringId = $offeringId AND al.accountId IS NULL } AS odd`,
        { offeringId },
      );
      expect(shape.records[0].toObject()).toEqual({
        pages: 3n,
        stored: 12_345n,
        smallest: 2_345n,
        largest: 5_000n,
        legacy: 0n,
        odd: 1n,
      });
    } finally {
      await session.close();
    }
    expect(await ledger.readAllocations(day)).toEqual(
      accountIds.map((accountId, i) => ({ accountId, amount: BigInt(amounts[i]) })),
    );
  });
});

describeDcoLedgerContract('neo4j', () => ({
  ledger: () => ledger,
  cleanup: (created) => deleteLedgerTestData(driver, created),
}));

describe('Neo4jDcoLedger.readDayPages', () => {
  interface Plan {
    operatorType: string;
    arguments: Record<string, unknown>;
    children: Plan[];
  }
  const chain = (plan: Plan): Plan[] => [plan, ...plan.children.flatMap(chain)];

  it.each(Object.entries(DAY_PAGE_STATEMENTS))(
    '%s reads the composite index in its order and stops at the page (a page costs its rows, not the day)',
    async (_name, statement) => {
      const params = { day: '2026-01-01', after: '', accountId: 'a', skip: 0n, rows: 10n };
      const { summary } = await driver.executeQuery(`EXPLAIN ${statement}`, params);
      const operators = chain(summary.plan as unknown as Plan);
      const seek = operators.find((operator) => operator.operatorType.startsWith('NodeIndexSeek'));
      expect(String(seek?.arguments.Details)).toContain('Contribution(day, accountId, amount)');
      const limit = operators.find((operator) => operator.operatorType.startsWith('Limit'));
      expect(limit?.children.map((child) => child.operatorType)).toEqual([seek?.operatorType]);
      expect(operators.map((operator) => operator.operatorType.split('@')[0])).not.toContain('Top');
    },
  );

  it('asks for the next page before the caller is done with this one, and a caller that stops leaves nothing behind', async () => {
    const day = uniqueTestDay();
    const prefix = `pre-${randomUUID().slice(0, 8)}`;
    const ids = ['a', 'b', 'c'].map((name) => `${prefix}-${name}`);
    // The real driver, except that the second page's read fails: a page asked for ahead, which nobody will await.
    let sessions = 0;
    const failingSecondPage = new Proxy(driver, {
      get(target, key) {
        if (key !== 'session') return Reflect.get(target, key, target) as unknown;
        return (...args: Parameters<Driver['session']>) => {
          sessions += 1;
          if (sessions !== 2) return target.session(...args);
          return { executeRead: () => Promise.reject(new Error('the next page failed')), close: async () => {} };
        };
      },
    });
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', record);
    try {
      await ledger.upsertAccounts(ids.map((accountId) => ({ accountId })));
      await ledger.addContributions(
        day,
        ids.map((accountId) => ({ contributionId: `${accountId}-c`, accountId, amount: '1' })),
      );
      const pages = new Neo4jDcoLedger(failingSecondPage).readDayPages(day, 2);
      const first = await pages.next();
      expect(first.value).toEqual([{ accountId: ids[0], known: true, amounts: ['1'] }]);
      expect(sessions).toBe(2);
      await pages.return(undefined);
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', record);
      await deleteLedgerTestData(driver, { days: [day], accountIds: ids });
    }
  });

  it('leaves out a contribution that lacks its amount (outside the index it pages), which the count and the rows show', async () => {
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
      const pages: AccountDayContributions[][] = [];
      for await (const page of ledger.readDayPages(day, 100)) pages.push(page);
      expect(pages).toEqual([[{ accountId: bob, known: true, amounts: ['4'] }]]);
      expect(await ledger.countDayContributions(day)).toBe(2);
      expect((await ledger.readDayRowsOf(day, [])).contributions).toEqual([
        { contributionId: `${bob}-c2`, accountId: bob, amount: null },
      ]);
    } finally {
      await deleteLedgerTestData(driver, { days: [day], accountIds: [bob] });
    }
  });
});
