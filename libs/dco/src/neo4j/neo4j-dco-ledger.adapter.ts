// The ledger in Neo4j: amounts as decimal strings (they outgrow int64), batched UNWIND writes, idempotent MERGEs, an
// offering's allocations in pages (ADR 0035).
import { setTimeout as delay } from 'node:timers/promises';
import { Driver, ManagedTransaction, Neo4jError, Transaction } from 'neo4j-driver';
import {
  AccountDayContributions,
  AccountRecord,
  Allocation,
  compareIds,
  ContributionRecord,
  OfferingCompletion,
  OfferingRecord,
  OfferingStatus,
  RawAmount,
} from '../domain';
import { DayInput, DcoLedger, OfferingStart } from '../ledger/dco-ledger.port';
import {
  allocationCountMismatch,
  duplicateContributions,
  offeringNotFound,
  offeringNotPending,
  writeFenceClosed,
} from '../ledger/ledger-errors';

export interface Neo4jDcoLedgerOptions {
  database?: string;
  /** Rows per write transaction for accounts and contributions (bulk seeding). */
  writeBatchSize?: number;
  /**
   * Called before every write transaction begins (each retry too); throws to refuse it. The dco-runner checks the
   * blue-green write freeze here (ADR 0006), so a freeze stops a run's writes between two transactions, not only at its start.
   */
  beforeWrite?: () => void;
}

const DEFAULT_WRITE_BATCH = 10_000;
/** Allocations per write transaction until the server's transaction memory limit says less (see writeAllocations). */
const DEFAULT_ALLOCATION_ROWS = 5_000;
const WRITE_ATTEMPTS = 6;
const RETRY_BASE_MS = 100;

const UPSERT_ACCOUNTS = `
UNWIND $rows AS row
MERGE (a:Account {accountId: row.accountId})
SET a.cap = row.cap
WITH a
CALL {
  WITH a
  MATCH (c:Contribution {accountId: a.accountId})
  WHERE NOT (c)-[:BY]->(:Account)
  CREATE (c)-[:BY]->(a)
}`;

const EXISTING_CONTRIBUTIONS = `
UNWIND $ids AS id
MATCH (c:Contribution {contributionId: id})
RETURN id`;

const CREATE_CONTRIBUTIONS = `
UNWIND $rows AS row
CREATE (c:Contribution {contributionId: row.contributionId, day: $day, accountId: row.accountId, amount: row.amount})
WITH c, row
OPTIONAL MATCH (a:Account {accountId: row.accountId})
FOREACH (_ IN CASE WHEN a IS NULL THEN [] ELSE [1] END | CREATE (c)-[:BY]->(a))`;

// A plain row stream: bounded server memory (no aggregation of a million rows under the transaction memory limit),
// measured as fast as a server-side group-by-account at a million contributions.
const READ_CONTRIBUTIONS = `
MATCH (c:Contribution {day: $day})
RETURN c.contributionId AS contributionId, c.accountId AS accountId, c.amount AS amount`;

// The offering's read, one page at a time (ADR 0020): keyset pages in account order straight from the composite
// (day, accountId, amount) index (schema migration 3, which serves both the range and the order, so a page costs its own
// rows, not the day's), grouped by account within the page and joined to the account by its unique index. Server memory
// is bounded by the page, whatever the day. The index holds only contributions having all three properties (and a
// string account id answers the range): COUNT_DAY tells whether any lacks one, READ_INCOMPLETE_ROWS names them.
const COUNT_DAY = 'MATCH (c:Contribution {day: $day}) RETURN count(c) AS total';

// The hint and the ORDER BY on the index's leading properties make the planner read the composite index in its order and
// stop after $rows (Limit, no Top); without them it seeks the `day` index and sorts the rest of the day for every page.
const dayPage = (from: '>=' | '>') => `
MATCH (c:Contribution)
USING INDEX c:Contribution(day, accountId, amount)
WHERE c.day = $day AND c.accountId ${from} $after AND c.amount IS NOT NULL
WITH c.day AS day, c.accountId AS accountId, c.amount AS amount
ORDER BY day, accountId
LIMIT $rows
WITH accountId, collect(amount) AS amounts
OPTIONAL MATCH (a:Account {accountId: accountId})
RETURN accountId, a IS NOT NULL AS known, a.cap AS cap, amounts
ORDER BY accountId`;
const FIRST_DAY_PAGE = dayPage('>=');
const NEXT_DAY_PAGE = dayPage('>');

// One account with more contributions than a page: its amounts in pages of their own (index order, skipped by offset:
// only for such an account, so the offset's cost stays within it).
const ACCOUNT_PAGE = `
MATCH (c:Contribution)
USING INDEX c:Contribution(day, accountId, amount)
WHERE c.day = $day AND c.accountId = $accountId AND c.amount IS NOT NULL
WITH c.day AS day, c.accountId AS accountId, c.amount AS amount
ORDER BY day, accountId, amount
SKIP $skip
LIMIT $rows
RETURN collect(amount) AS amounts`;

/** The paged reads, for the spec that holds their plans to an ordered index read cut short by LIMIT. */
export const DAY_PAGE_STATEMENTS = { FIRST_DAY_PAGE, NEXT_DAY_PAGE, ACCOUNT_PAGE } as const;

const READ_ROWS_OF = `
MATCH (c:Contribution)
WHERE c.day = $day AND c.accountId IN $ids
RETURN c.contributionId AS contributionId, c.accountId AS accountId, c.amount AS amount`;

const READ_INCOMPLETE_ROWS = `
MATCH (c:Contribution {day: $day})
WHERE c.amount IS NULL OR NOT coalesce(c.accountId >= '', false)
RETURN c.contributionId AS contributionId, c.accountId AS accountId, c.amount AS amount
LIMIT 50`;

const READ_ACCOUNTS = `
UNWIND $ids AS id
MATCH (a:Account {accountId: id})
RETURN a.accountId AS accountId, a.cap AS cap`;

const ACCOUNT_LOOKUP_BATCH = 20_000;

const FIND_OFFERING = 'MATCH (o:Offering {day: $day}) RETURN o {.*} AS offering';

const BEGIN_OFFERING = `
MERGE (o:Offering {day: $day})
ON CREATE SET o.offeringId = $offeringId, o.status = 'PENDING', o.offered = $offered, o.startedAt = $startedAt
RETURN o {.*} AS offering`;

// Allocations are stored in pages (ADR 0035): one AllocationPage node per written batch, holding its account ids and
// amounts as two parallel lists, with the least and greatest account id of the page (by the server's own string order)
// and its size. A page costs one node and one index entry for thousands of allocations, where a node per allocation
// with its OF and TO links capped the write at the server's UNWIND CREATE rate.
//
// Invariant: the pages of an offering hold disjoint sets of accounts. A batch first takes the Offering's write lock (so
// writers of one offering go one at a time), then looks for pages whose [first, last] range meets its own: none (every
// batch of a first run), and it is stored as a new page in the same statement; some (a resumed run, a racing runner, a
// rewritten account), and the caller merges them with the batch (the batch wins per account) in the same transaction.
// Any page holding one of the batch's accounts has a range containing it, so it is always found, whatever order the
// client sorted the batch in.
const pageBound = (pick: '<' | '>', ids: string) =>
  `reduce(bound = head(${ids}), id IN ${ids} | CASE WHEN id ${pick} bound THEN id ELSE bound END)`;

const WRITE_ALLOCATION_PAGE = `
MATCH (o:Offering {offeringId: $offeringId})
SET o.status = o.status
WITH o, ${pageBound('<', '$ids')} AS first, ${pageBound('>', '$ids')} AS last
OPTIONAL MATCH (p:AllocationPage)
WHERE p.offeringId = $offeringId AND p.first <= last AND p.last >= first
WITH o, first, last, collect(p) AS overlapping
CALL {
  WITH o, first, last, overlapping
  WITH o, first, last WHERE o.status = 'PENDING' AND size(overlapping) = 0
  CREATE (o)<-[:OF]-(:AllocationPage {offeringId: $offeringId, first: first, last: last, accountIds: $ids, amounts: $amounts, count: size($ids)})
}
RETURN o.status AS status, [p IN overlapping | [elementId(p), p.accountIds, p.amounts]] AS overlapping`;

const REPLACE_ALLOCATION_PAGES = `
MATCH (o:Offering {offeringId: $offeringId})
CALL {
  WITH o
  MATCH (old:AllocationPage) WHERE elementId(old) IN $replaced
  DETACH DELETE old
}
WITH o
UNWIND $pages AS page
CREATE (o)<-[:OF]-(:AllocationPage {offeringId: $offeringId, first: ${pageBound('<', 'page.ids')},
  last: ${pageBound('>', 'page.ids')}, accountIds: page.ids, amounts: page.amounts, count: size(page.ids)})`;

// Setting a property takes the Offering's write lock, so two completions of one day run one after the other.
const LOCK_OFFERING = `
MATCH (o:Offering {day: $day})
SET o.status = o.status
WITH o
OPTIONAL MATCH (o)<-[:OF]-(p:AllocationPage)
RETURN o {.*} AS offering, sum(p.count) AS stored`;

const COMPLETE_OFFERING = `
MATCH (o:Offering {day: $day})
SET o.status = 'COMPLETED', o.allocated = $allocated, o.undistributed = $undistributed, o.resultHash = $resultHash,
    o.allocationCount = $allocationCount, o.contributionCount = $contributionCount, o.completedAt = $completedAt
RETURN o {.*} AS offering`;

const READ_ALLOCATIONS = `
MATCH (:Offering {day: $day})<-[:OF]-(p:AllocationPage)
RETURN p.accountIds AS ids, p.amounts AS amounts`;

// The write fence (ADR 0006, schema migration 5): each write transaction first takes the fence's write lock and counts
// itself, so that a migrator closing the fence waits for the writes in flight and every later one sees it closed, and
// the migrator can tell from the count whether blue took a ledger write after its copy. No fence (a ledger not migrated
// to version 5 yet) is an open one.
const PASS_WRITE_FENCE = `
OPTIONAL MATCH (f:DcoWriteFence {name: 'ledger'})
SET f.writes = coalesce(f.writes, 0) + 1
RETURN coalesce(f.closed, false) AS closed, f.closedBy AS closedBy, f.closedAt AS closedAt`;

// The statements of a day's offering, each with parameters of the types it runs with: the server caches a plan per
// statement and parameter types, so planning them once (prepare) plans them for every later day.
const OFFERING_STATEMENTS: readonly (readonly [string, Record<string, unknown>])[] = [
  [PASS_WRITE_FENCE, {}],
  [COUNT_DAY, { day: '' }],
  [FIRST_DAY_PAGE, { day: '', after: '', rows: 1n }],
  [NEXT_DAY_PAGE, { day: '', after: '', rows: 1n }],
  [FIND_OFFERING, { day: '' }],
  [BEGIN_OFFERING, { day: '', offeringId: '', offered: '', startedAt: '' }],
  [WRITE_ALLOCATION_PAGE, { offeringId: '', ids: [''], amounts: [''] }],
  [LOCK_OFFERING, { day: '' }],
  [
    COMPLETE_OFFERING,
    {
      day: '',
      allocated: '',
      undistributed: '',
      resultHash: '',
      allocationCount: 0n,
      contributionCount: 0n,
      completedAt: '',
    },
  ],
];

export class Neo4jDcoLedger implements DcoLedger {
  private readonly writeBatchSize: number;
  private allocationRowsPerTransaction = DEFAULT_ALLOCATION_ROWS;

  constructor(
    private readonly driver: Driver,
    private readonly options: Neo4jDcoLedgerOptions = {},
  ) {
    this.writeBatchSize = options.writeBatchSize ?? DEFAULT_WRITE_BATCH;
  }

  async upsertAccounts(accounts: readonly AccountRecord[]): Promise<void> {
    for (const rows of chunks(accounts, this.writeBatchSize)) {
      const params = rows.map(({ accountId, cap }) => ({
        accountId,
        cap: cap === undefined || cap === null ? null : String(cap),
      }));
      await this.write((tx) => tx.run(UPSERT_ACCOUNTS, { rows: params }));
    }
  }

  async addContributions(day: string, contributions: readonly ContributionRecord[]): Promise<void> {
    const batchIds = new Set<string>();
    const duplicates: string[] = [];
    for (const { contributionId } of contributions) {
      if (batchIds.has(contributionId)) duplicates.push(contributionId);
      batchIds.add(contributionId);
    }
    for (const ids of chunks([...batchIds], this.writeBatchSize)) {
      const existing = await this.read((tx) => tx.run(EXISTING_CONTRIBUTIONS, { ids }));
      for (const record of existing.records) duplicates.push(String(record.get('id')));
    }
    if (duplicates.length > 0) throw duplicateContributions(duplicates);
    for (const rows of chunks(contributions, this.writeBatchSize)) {
      const params = rows.map(({ contributionId, accountId, amount }) => ({
        contributionId,
        accountId,
        amount: String(amount),
      }));
      try {
        await this.write((tx) => tx.run(CREATE_CONTRIBUTIONS, { rows: params, day }));
      } catch (error) {
        // Someone recorded one of these ids between the check and this batch.
        if (isConstraintViolation(error))
          throw duplicateContributions([constrainedValue(error) ?? rows[0].contributionId]);
        throw error;
      }
    }
  }

  async readDayInput(day: string): Promise<DayInput> {
    return this.read(async (tx) => {
      // Fresh arrays per attempt: the driver re-runs this function on a transient error.
      const contributions: ContributionRecord[] = [];
      const accountIds = new Set<string>();
      await new Promise<void>((resolve, reject) => {
        tx.run(READ_CONTRIBUTIONS, { day }).subscribe({
          onNext: (record) => {
            const accountId = record.get(1) as string;
            contributions.push({
              contributionId: record.get(0) as string,
              accountId,
              amount: record.get(2) as RawAmount,
            });
            accountIds.add(accountId);
          },
          onCompleted: () => resolve(),
          onError: reject,
        });
      });
      const accounts: AccountRecord[] = [];
      for (const ids of chunks([...accountIds], ACCOUNT_LOOKUP_BATCH)) {
        for (const record of (await tx.run(READ_ACCOUNTS, { ids })).records) {
          const cap = record.get('cap') as RawAmount | null;
          const accountId = record.get('accountId') as string;
          accounts.push(cap === null ? { accountId } : { accountId, cap });
        }
      }
      return { accounts, contributions };
    });
  }

  async *readDayPages(day: string, pageRows: number): AsyncGenerator<AccountDayContributions[]> {
    if (!Number.isSafeInteger(pageRows) || pageRows < 1)
      throw new RangeError(`pageRows must be positive, got ${pageRows}`);
    // The next page is asked for as soon as its first key is known, before the caller folds this one: the server reads
    // a page while the runner folds the previous one, two pages in memory at most.
    let next = this.prefetchPage(day, undefined, pageRows);
    for (;;) {
      const groups = await next;
      const rows = groups.reduce((sum, group) => sum + group.amounts.length, 0);
      // A short page is the day's last; a full one may have cut its last account short, which the next page reads again.
      if (rows < pageRows) {
        if (groups.length > 0) yield groups;
        return;
      }
      if (groups.length > 1) {
        groups.pop();
        next = this.prefetchPage(day, groups[groups.length - 1].accountId, pageRows);
        yield groups;
        continue;
      }
      const [only] = groups;
      yield* this.readLargeAccount(day, only, pageRows);
      next = this.prefetchPage(day, only.accountId, pageRows);
    }
  }

  /** readPage, started now; a caller that stops iterating before awaiting it leaves no unhandled rejection behind. */
  private prefetchPage(day: string, after: string | undefined, rows: number): Promise<AccountDayContributions[]> {
    const page = this.readPage(day, after, rows);
    page.catch(() => undefined);
    return page;
  }

  async countDayContributions(day: string): Promise<number> {
    const result = await this.read((tx) => tx.run(COUNT_DAY, { day }));
    return Number(result.records[0].get('total'));
  }

  async readDayRowsOf(day: string, accountIds: readonly string[]): Promise<DayInput> {
    return this.read(async (tx) => {
      const contributions: ContributionRecord[] = [];
      for (const statement of [READ_ROWS_OF, READ_INCOMPLETE_ROWS]) {
        for (const record of (await tx.run(statement, { day, ids: [...accountIds] })).records) {
          contributions.push({
            contributionId: record.get('contributionId') as string,
            accountId: record.get('accountId') as string,
            amount: record.get('amount') as RawAmount,
          });
        }
      }
      const ids = [...new Set(contributions.map((row) => row.accountId).filter((id) => typeof id === 'string'))];
      const accounts: AccountRecord[] = [];
      for (const record of (await tx.run(READ_ACCOUNTS, { ids })).records) {
        const cap = record.get('cap') as RawAmount | null;
        const accountId = record.get('accountId') as string;
        accounts.push(cap === null ? { accountId } : { accountId, cap });
      }
      return { accounts, contributions };
    });
  }

  /** One keyset page: the accounts after `after` (from the first when undefined) with up to `rows` amounts in all. */
  private async readPage(day: string, after: string | undefined, rows: number): Promise<AccountDayContributions[]> {
    const statement = after === undefined ? FIRST_DAY_PAGE : NEXT_DAY_PAGE;
    const result = await this.read((tx) => tx.run(statement, { day, after: after ?? '', rows: BigInt(rows) }));
    return result.records.map((record) => {
      const accountId = record.get('accountId') as string;
      const known = record.get('known') as boolean;
      const cap = record.get('cap') as RawAmount | null;
      const amounts = record.get('amounts') as RawAmount[];
      return cap === null ? { accountId, known, amounts } : { accountId, known, cap, amounts };
    });
  }

  /** Every amount of one account that fills a page alone, page by page, the later pages marked `continued`. */
  private async *readLargeAccount(
    day: string,
    account: AccountDayContributions,
    rows: number,
  ): AsyncGenerator<AccountDayContributions[]> {
    const { amounts: _first, ...group } = account;
    for (let skip = 0; ; skip += rows) {
      const result = await this.read((tx) =>
        tx.run(ACCOUNT_PAGE, { day, accountId: account.accountId, skip: BigInt(skip), rows: BigInt(rows) }),
      );
      const amounts = result.records[0].get('amounts') as RawAmount[];
      if (amounts.length > 0) yield [skip === 0 ? { ...group, amounts } : { ...group, amounts, continued: true }];
      if (amounts.length < rows) return;
    }
  }

  /**
   * Plans the statements of a day's offering on the server (EXPLAIN: nothing is read or written), so that the first
   * offering after the server starts (a green just switched to, a restart) does not spend its first second planning.
   * The dco-runner calls it when it opens the ledger, long before the day's command.
   */
  async prepare(): Promise<void> {
    const session = this.driver.session({ database: this.options.database });
    try {
      for (const [statement, params] of OFFERING_STATEMENTS) await session.run(`EXPLAIN ${statement}`, params);
    } finally {
      await session.close();
    }
  }

  async findOffering(day: string): Promise<OfferingRecord | null> {
    const result = await this.read((tx) => tx.run(FIND_OFFERING, { day }));
    return result.records.length === 0 ? null : toOffering(result.records[0].get('offering'));
  }

  async beginOffering(start: OfferingStart): Promise<OfferingRecord> {
    const params = {
      day: start.day,
      offeringId: start.offeringId,
      offered: start.offered.toString(),
      startedAt: start.startedAt,
    };
    try {
      const result = await this.write((tx) => tx.run(BEGIN_OFFERING, params));
      return toOffering(result.records[0].get('offering'));
    } catch (error) {
      // A concurrent MERGE may lose the race on the unique day; the winner's Offering is there now.
      if (!isConstraintViolation(error)) throw error;
      const existing = await this.findOffering(start.day);
      if (!existing) throw error;
      return existing;
    }
  }

  async writeAllocations(offeringId: string, allocations: readonly Allocation[]): Promise<void> {
    for (const batch of chunks(allocations, this.allocationRowsPerTransaction)) {
      await this.writeAllocationBatch(offeringId, batch);
    }
  }

  /**
   * One transaction per batch; a batch the server's transaction memory limit refuses (db.memory.transaction.max, or
   * every transaction together above dbms.memory.transaction.total.max) is split in halves, and later batches of this
   * ledger start at the size that fitted. Each half commits on its own: harmless, since allocations are idempotent.
   */
  private async writeAllocationBatch(offeringId: string, batch: readonly Allocation[]): Promise<void> {
    try {
      await this.writeAllocationsOnce(offeringId, batch);
    } catch (error) {
      if (!isOutOfMemory(error) || batch.length === 1) throw error;
      const half = Math.ceil(batch.length / 2);
      this.allocationRowsPerTransaction = Math.min(this.allocationRowsPerTransaction, half);
      await this.writeAllocationBatch(offeringId, batch.slice(0, half));
      await this.writeAllocationBatch(offeringId, batch.slice(half));
    }
  }

  private async writeAllocationsOnce(offeringId: string, allocations: readonly Allocation[]): Promise<void> {
    if (allocations.length === 0) return;
    // One entry per account, the last one winning, as a rewrite of that account would.
    const unique = new Map(allocations.map(({ accountId, amount }) => [accountId, amount.toString()]));
    const ids = [...unique.keys()];
    const amounts = [...unique.values()];
    await this.writeUnlessOutOfMemory(async (tx) => {
      const written = await tx.run(WRITE_ALLOCATION_PAGE, { offeringId, ids, amounts });
      if (written.records.length === 0) throw offeringNotFound(`with id ${offeringId}`);
      const status = written.records[0].get('status') as string;
      if (status !== 'PENDING') throw offeringNotPending(offeringId, status);
      const overlapping = written.records[0].get('overlapping') as [string, string[], string[]][];
      if (overlapping.length === 0) return;
      const merged = new Map<string, string>();
      for (const [, pageIds, pageAmounts] of overlapping) pageIds.forEach((id, i) => merged.set(id, pageAmounts[i]));
      ids.forEach((id, i) => merged.set(id, amounts[i]));
      const sorted = [...merged.keys()].sort(compareIds);
      const pageSize = Math.max(ids.length, DEFAULT_ALLOCATION_ROWS);
      const pages = [...chunks(sorted, pageSize)].map((page) => ({
        ids: page,
        amounts: page.map((id) => merged.get(id) as string),
      }));
      await tx.run(REPLACE_ALLOCATION_PAGES, { offeringId, replaced: overlapping.map(([id]) => id), pages });
    });
  }

  async completeOffering(day: string, completion: OfferingCompletion): Promise<OfferingRecord> {
    return this.write(async (tx) => {
      const locked = await tx.run(LOCK_OFFERING, { day });
      if (locked.records.length === 0) throw offeringNotFound(`for ${day}`);
      const offering = toOffering(locked.records[0].get('offering'));
      if (offering.status === 'COMPLETED') return offering;
      const stored = Number(locked.records[0].get('stored'));
      if (stored !== completion.allocationCount) throw allocationCountMismatch(day, stored, completion.allocationCount);
      const completed = await tx.run(COMPLETE_OFFERING, {
        day,
        allocated: completion.allocated.toString(),
        undistributed: completion.undistributed.toString(),
        resultHash: completion.resultHash,
        allocationCount: BigInt(completion.allocationCount),
        contributionCount: BigInt(completion.contributionCount),
        completedAt: completion.completedAt,
      });
      return toOffering(completed.records[0].get('offering'));
    });
  }

  async readAllocations(day: string): Promise<Allocation[]> {
    const result = await this.read((tx) => tx.run(READ_ALLOCATIONS, { day }));
    const allocations: Allocation[] = [];
    for (const record of result.records) {
      const amounts = record.get('amounts') as string[];
      (record.get('ids') as string[]).forEach((accountId, i) =>
        allocations.push({ accountId, amount: BigInt(amounts[i]) }),
      );
    }
    return allocations.sort((a, b) => compareIds(a.accountId, b.accountId));
  }

  async close(): Promise<void> {
    // The driver belongs to whoever created it (it may be shared); closing the ledger leaves it open.
  }

  private async read<T>(work: (tx: ManagedTransaction) => Promise<T>): Promise<T> {
    const session = this.driver.session({ database: this.options.database, defaultAccessMode: 'READ' });
    try {
      return await session.executeRead(work);
    } finally {
      await session.close();
    }
  }

  /**
   * A write in an explicit transaction, retried on transient errors (a deadlock on the dense Offering node) like the
   * driver's managed ones, except on running out of memory: the driver would retry that for its whole retry time, when
   * the caller can answer it at once with a smaller batch.
   */
  private async writeUnlessOutOfMemory(work: (tx: Transaction) => Promise<void>): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      this.options.beforeWrite?.();
      const session = this.driver.session({ database: this.options.database });
      const tx = session.beginTransaction();
      try {
        await this.passWriteFence(tx);
        await work(tx);
        await tx.commit();
        return;
      } catch (error) {
        if (tx.isOpen()) await tx.rollback().catch(() => undefined);
        const retriable = error instanceof Neo4jError && error.retriable && !isOutOfMemory(error);
        if (!retriable || attempt >= WRITE_ATTEMPTS) throw error;
        await delay(RETRY_BASE_MS * 2 ** attempt * (0.5 + Math.random()));
      } finally {
        await session.close();
      }
    }
  }

  /** Refuses the transaction (DB.WRITES_FROZEN, transient: the bus retries, following the pointer) once the fence is closed. */
  private async passWriteFence(tx: ManagedTransaction | Transaction): Promise<void> {
    const [fence] = (await tx.run(PASS_WRITE_FENCE)).records;
    if (fence?.get('closed') === true) throw writeFenceClosed(fence.get('closedBy'), fence.get('closedAt'));
  }

  private async write<T>(work: (tx: ManagedTransaction) => Promise<T>): Promise<T> {
    const session = this.driver.session({ database: this.options.database });
    try {
      return await session.executeWrite(async (tx) => {
        // Checked in the transaction function: each of the driver's retries is a new transaction and is checked again.
        this.options.beforeWrite?.();
        await this.passWriteFence(tx);
        return work(tx);
      });
    } finally {
      await session.close();
    }
  }
}

type OfferingProperties = Record<string, unknown>;

function toOffering(properties: OfferingProperties): OfferingRecord {
  const offering: OfferingRecord = {
    day: String(properties.day),
    offeringId: String(properties.offeringId),
    status: String(properties.status) as OfferingStatus,
    offered: BigInt(String(properties.offered)),
    startedAt: String(properties.startedAt),
  };
  if (offering.status === 'COMPLETED') {
    offering.completion = {
      allocated: BigInt(String(properties.allocated)),
      undistributed: BigInt(String(properties.undistributed)),
      resultHash: String(properties.resultHash),
      allocationCount: Number(properties.allocationCount),
      contributionCount: Number(properties.contributionCount),
      completedAt: String(properties.completedAt),
    };
  }
  return offering;
}

function* chunks<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let from = 0; from < items.length; from += size) yield items.slice(from, from + size);
}

function isConstraintViolation(error: unknown): error is Neo4jError {
  return error instanceof Neo4jError && error.code === 'Neo.ClientError.Schema.ConstraintValidationFailed';
}

/** Neo4j refused the query for lack of transaction memory (the per-transaction or the global limit) or heap. */
function isOutOfMemory(error: unknown): boolean {
  return (
    error instanceof Neo4jError && error.code.startsWith('Neo.TransientError.General.') && /Memory/i.test(error.code)
  );
}

/** The offending value from Neo4j's message ("... property `contributionId` = 'c-1'"), when it names one. */
function constrainedValue(error: Neo4jError): string | undefined {
  return /= '([^']*)'/.exec(error.message)?.[1];
}
