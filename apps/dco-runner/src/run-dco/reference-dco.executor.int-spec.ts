// The reference runner on the real Neo4j: idempotent rerun, a runner SIGKILLed mid-write then rerun, racing runners, bad data.
import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { CodedError, systemClock } from '@dco/contracts';
import { Driver } from 'neo4j-driver';
import { abortWaiting, waitFor } from '@dco/probes';
import { stackNeo4jCredentials } from '@dco/testing';
import {
  applySchemaMigrations,
  createNeo4jDriver,
  DCO_SCHEMA_MIGRATIONS,
  DEFAULT_NEO4J_URI,
  demoAccountId,
  generateDemoAccounts,
  generateDemoContributions,
  Neo4jDcoLedger,
} from '@dco/dco';
import { uniqueTestDay } from '../../../../libs/dco/src/ledger/dco-ledger.contract';
import { deleteLedgerTestData } from '../../../../libs/dco/src/neo4j/neo4j-ledger-test-data';
import { ReferenceDcoExecutor } from './reference-dco.executor';
import { verifyStoredOffering } from './verify-stored-offering';

const ROOT = join(__dirname, '../../../..');
const NEO4J_URI = process.env.NEO4J_URI ?? DEFAULT_NEO4J_URI;
const AMOUNT = '1000000000000000000000000'; // 10^24 base units, beyond int64
const driver: Driver = createNeo4jDriver({ uri: NEO4J_URI, ...stackNeo4jCredentials() });
const ledger = new Neo4jDcoLedger(driver);
const created = { days: [] as string[], accountIds: [] as string[] };
const children: ChildProcess[] = [];

let idCounter = 0;
const executor = (batchSize = 1000) =>
  new ReferenceDcoExecutor(
    ledger,
    { clock: systemClock, ids: { next: () => `spec-offering-${randomUUID()}-${++idCounter}` } },
    { dailyAmount: AMOUNT, batchSize },
  );

async function seedDay(accounts: number, contributions: number, options: { capEvery?: number } = {}) {
  const day = uniqueTestDay();
  created.days.push(day);
  const accountPrefix = `rt-${randomUUID().slice(0, 8)}-`;
  const generator = {
    day,
    accounts,
    contributions,
    seed: 11,
    accountPrefix,
    ...(options.capEvery ? { capEvery: options.capEvery, cap: 10n ** 21n } : {}),
  };
  const accountRecords = generateDemoAccounts(generator);
  created.accountIds.push(...accountRecords.map((account) => account.accountId));
  await ledger.upsertAccounts(accountRecords);
  await ledger.addContributions(day, generateDemoContributions(generator));
  return { day, accountPrefix };
}

async function query<T>(
  cypher: string,
  params: Record<string, unknown>,
  read: (row: Record<string, unknown>) => T,
): Promise<T[]> {
  const session = driver.session();
  try {
    return (await session.run(cypher, params)).records.map((record) => read(record.toObject()));
  } finally {
    await session.close();
  }
}

/**
 * The day's allocations as stored in pages (ADR 0035): how many, over how many distinct accounts, and the pages that
 * break the model (not linked to the offering, lists of unequal size, ranges meeting another page's), plus any Allocation
 * node of the older model.
 */
async function allocationShape(day: string): Promise<Record<string, number>> {
  const [shape] = await query(
    `MATCH (o:Offering {day: $day})
     OPTIONAL MATCH (p:AllocationPage {offeringId: o.offeringId})
     WITH o, collect(p) AS pages
     RETURN reduce(n = 0, p IN pages | n + size(p.accountIds)) AS allocations,
            COUNT { UNWIND pages AS page UNWIND page.accountIds AS id WITH DISTINCT id RETURN id } AS accounts,
            size([p IN pages WHERE NOT (p)-[:OF]->(o)]) AS unlinkedPages,
            size([p IN pages WHERE p.count <> size(p.accountIds) OR size(p.amounts) <> size(p.accountIds)]) AS inconsistentPages,
            size([p IN pages WHERE any(q IN pages WHERE q <> p AND q.first <= p.last AND q.last >= p.first)]) AS overlappingPages,
            COUNT { (x:Allocation) WHERE x.offeringId = o.offeringId } AS legacyNodes`,
    { day },
    (values) => values,
  );
  return Object.fromEntries(Object.entries(shape).map(([key, value]) => [key, Number(value)]));
}

/** What a complete day looks like: `accounts` allocations, one per account, in well-formed pages. */
const wellFormed = (accounts: number) => ({
  allocations: accounts,
  accounts,
  unlinkedPages: 0,
  inconsistentPages: 0,
  overlappingPages: 0,
  legacyNodes: 0,
});

/** The pages of an offering as written (element ids and sizes): equal before and after a run that writes nothing. */
const writtenPages = (offeringId: string) =>
  query(
    'MATCH (p:AllocationPage {offeringId: $id}) RETURN elementId(p) AS page, p.count AS count ORDER BY page',
    { id: offeringId },
    (row) => row,
  );

function cli(args: string[]): ChildProcess {
  const child = spawn(
    process.execPath,
    ['-r', './tools/register.js', 'apps/cli/src/main.ts', ...args, '--neo4j', NEO4J_URI],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  return child;
}

function finished(
  child: ChildProcess,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

beforeAll(async () => {
  await applySchemaMigrations(driver, DCO_SCHEMA_MIGRATIONS, { clock: systemClock });
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await deleteLedgerTestData(driver, created);
  await driver.close();
});

/** The driver, recording the text of every statement run through it (sessions, managed and explicit transactions). */
function recording<T extends object>(target: T, statements: Set<string>): T {
  return new Proxy(target, {
    get(object, key) {
      const value: unknown = Reflect.get(object, key, object);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      if (key === 'run')
        return (statement: string, ...rest: unknown[]) => {
          statements.add(statement);
          return method.call(object, statement, ...rest);
        };
      if (key === 'session' || key === 'beginTransaction')
        return (...args: unknown[]) => recording(method.apply(object, args) as object, statements);
      if (key === 'executeRead' || key === 'executeWrite')
        return (work: (tx: object) => unknown, ...rest: unknown[]) =>
          method.call(object, (tx: object) => work(recording(tx, statements)), ...rest);
      return method.bind(object);
    },
  });
}

describe('ReferenceDcoExecutor on Neo4j', () => {
  it('completes a day and returns the stored result on a rerun without writing', async () => {
    const { day } = await seedDay(300, 3000, { capEvery: 7 });
    const first = await executor(64).execute({ day, runId: `dco-${day}`, afterRollback: false });
    expect(first).toEqual(
      expect.objectContaining({ day, offered: AMOUNT, allocationCount: 300, contributionCount: 3000, reused: false }),
    );
    expect(BigInt(first.allocated) + BigInt(first.undistributed)).toBe(BigInt(AMOUNT));
    const writtenBefore = await writtenPages(first.offeringId);

    const second = await executor(64).execute({ day, runId: `dco-${day}-r1`, afterRollback: false });
    expect(second).toEqual({ ...first, reused: true });
    expect(await allocationShape(day)).toEqual(wellFormed(300));
    expect(await writtenPages(first.offeringId)).toEqual(writtenBefore);
    expect((await verifyStoredOffering(ledger, day)).violations).toEqual([]);
  });

  it('runs only statements that prepare() planned, so a runner opened at start plans nothing during the day', async () => {
    const { day } = await seedDay(40, 400, { capEvery: 7 });
    const prepared = new Set<string>();
    await new Neo4jDcoLedger(recording(driver, prepared)).prepare();
    const ran = new Set<string>();
    const recorded = new ReferenceDcoExecutor(
      new Neo4jDcoLedger(recording(driver, ran)),
      { clock: systemClock, ids: { next: () => `spec-offering-${randomUUID()}` } },
      { dailyAmount: AMOUNT, batchSize: 16, readPageRows: 100 },
    );
    await recorded.execute({ day, runId: `dco-${day}`, afterRollback: false });
    const planned = new Set([...prepared].map((statement) => statement.replace(/^EXPLAIN /, '')));
    expect([...prepared].every((statement) => statement.startsWith('EXPLAIN '))).toBe(true);
    expect(ran.size).toBeGreaterThanOrEqual(6);
    expect([...ran].filter((statement) => !planned.has(statement))).toEqual([]);
  });

  it('resumes a runner killed mid-write: same hash, no duplicate allocation', async () => {
    const { day } = await seedDay(6_000, 12_000, { capEvery: 5 });
    const expected = await executor().plan(day);
    const accounts = expected.result.allocations.length;

    // Small batches make the write phase long enough to observe its progress and kill it half-way.
    const child = cli(['allocate', '--day', day, '--amount', AMOUNT, '--batch-size', '20']);
    const exit = finished(child);
    const progress = await waitFor(
      async () => {
        if (child.exitCode !== null)
          abortWaiting(new Error(`allocate exited (${child.exitCode}) before it could be killed mid-write`));
        const [row] = await query(
          'MATCH (o:Offering {day: $day}) OPTIONAL MATCH (o)<-[:OF]-(p:AllocationPage) RETURN sum(p.count) AS count',
          { day },
          (values) => Number(values.count),
        );
        return row >= 800 ? row : undefined;
      },
      { timeoutMs: 150_000, intervalMs: 30, description: 'the allocation run to write its first batches' },
    );
    child.kill('SIGKILL');
    expect((await exit).signal).toBe('SIGKILL');

    const killed = await allocationShape(day);
    expect(killed.allocations).toBeGreaterThanOrEqual(progress);
    expect(killed.allocations).toBeLessThan(accounts);
    expect((await ledger.findOffering(day))?.status).toBe('PENDING');

    const resumed = await executor().execute({ day, runId: `dco-${day}`, afterRollback: false });
    expect(resumed.resultHash).toBe(expected.resultHash);
    expect(resumed.reused).toBe(false);
    expect(await allocationShape(day)).toEqual(wellFormed(accounts));
    const verification = await verifyStoredOffering(ledger, day);
    expect(verification.violations).toEqual([]);
    expect(verification.storedHash).toBe(expected.resultHash);
  }, 300_000);

  it('gives two runner processes racing for one day a single Offering and one result', async () => {
    const { day } = await seedDay(2_000, 6_000);
    const contributing = (await executor().plan(day)).result.allocations.length;
    const runs = await Promise.all(
      [0, 1].map(() => finished(cli(['allocate', '--day', day, '--amount', AMOUNT, '--batch-size', '200', '--json']))),
    );
    for (const run of runs) expect(run).toEqual(expect.objectContaining({ code: 0 }));
    const results = runs.map(
      (run) => JSON.parse(run.stdout.trim().split('\n').pop() as string) as { offeringId: string; resultHash: string },
    );
    expect(results[0].offeringId).toBe(results[1].offeringId);
    expect(results[0].resultHash).toBe(results[1].resultHash);
    const offerings = await query('MATCH (o:Offering {day: $day}) RETURN count(o) AS count', { day }, (row) =>
      Number(row.count),
    );
    expect(offerings).toEqual([1]);
    expect(await allocationShape(day)).toEqual(wellFormed(contributing));
  }, 300_000);

  describe('rejects bad stored data before writing anything', () => {
    const cases: [string, string, Record<string, unknown>, RegExp][] = [
      ['a negative amount', "SET c.amount = '-3'", {}, /amount -3, which is negative/],
      ['a zero amount', "SET c.amount = '0'", {}, /amount 0, which is zero/],
      ['a fractional amount', "SET c.amount = '2.5'", {}, /amount "2.5", which is fractional/],
      ['a non-numeric amount', "SET c.amount = 'lots'", {}, /amount "lots", which is not a number/],
      [
        'an unknown account',
        "SET c.accountId = 'nobody-' + c.contributionId",
        {},
        /refers to unknown account "nobody-/,
      ],
      [
        'a cap below zero',
        "WITH c MATCH (a:Account {accountId: c.accountId}) SET a.cap = '-1'",
        {},
        /cap -1 of account .* is below zero/,
      ],
    ];
    it.each(cases)('%s', async (_label, corruption, params, message) => {
      const { day } = await seedDay(5, 10);
      await query(
        `MATCH (c:Contribution {day: $day}) WITH c ORDER BY c.contributionId LIMIT 1 ${corruption}`,
        { ...params, day },
        () => null,
      );
      const error = await executor()
        .execute({ day, runId: `dco-${day}`, afterRollback: false })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(CodedError);
      expect((error as CodedError).code).toBe('DCO.INVALID_INPUT');
      expect((error as CodedError).message).toMatch(message);
      expect(await ledger.findOffering(day)).toBeNull();
    });

    it('a malformed day', async () => {
      const error = await executor()
        .execute({ day: '2026-02-30', runId: 'dco-2026-02-30', afterRollback: false })
        .catch((caught: unknown) => caught);
      expect((error as CodedError).code).toBe('DCO.INVALID_INPUT');
      expect(await ledger.findOffering('2026-02-30')).toBeNull();
    });

    it('an offered amount of zero', async () => {
      const { day } = await seedDay(3, 3);
      const zero = new ReferenceDcoExecutor(
        ledger,
        { clock: systemClock, ids: { next: () => randomUUID() } },
        { dailyAmount: '0', batchSize: 10 },
      );
      await expect(zero.execute({ day, runId: `dco-${day}`, afterRollback: false })).rejects.toThrow(
        'offered amount 0 is zero: nothing to offer',
      );
      expect(await ledger.findOffering(day)).toBeNull();
    });

    it('a duplicated contribution id (refused when recorded)', async () => {
      const { day, accountPrefix } = await seedDay(2, 2);
      const duplicate = { contributionId: `${day}-11-0`, accountId: demoAccountId(accountPrefix, 0), amount: '5' };
      await expect(ledger.addContributions(day, [duplicate])).rejects.toThrow(`contribution ${day}-11-0 is duplicated`);
    });
  });
});
