// The ledger in Neo4j: amounts as decimal strings (they outgrow int64), batched UNWIND writes, idempotent MERGEs.
import { Driver, ManagedTransaction, Neo4jError } from 'neo4j-driver';
import {
  AccountDayContributions,
  AccountRecord,
  Allocation,
  compareIds,
  ContributionRecord,
  groupDayContributions,
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
} from '../ledger/ledger-errors';

export interface Neo4jDcoLedgerOptions {
  database?: string;
  /** Rows per write transaction for accounts and contributions (bulk seeding). */
  writeBatchSize?: number;
}

const DEFAULT_WRITE_BATCH = 10_000;

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

// The offering's read: one record per account instead of one per contribution, the account joined by its index. The
// day's account ids and amounts come from the (day, accountId, amount) index alone (schema migration 3), which holds
// only contributions that have all three: COUNT_DAY tells whether any lacks one. The amounts stay strings (Cypher
// cannot add them exactly); the grouping holds the day in transaction memory, so a day too big for it is read as rows.
const COUNT_DAY = 'MATCH (c:Contribution {day: $day}) RETURN count(c) AS total';

const READ_DAY_BY_ACCOUNT = `
MATCH (c:Contribution)
WHERE c.day = $day AND c.accountId IS NOT NULL AND c.amount IS NOT NULL
WITH c.accountId AS accountId, collect(c.amount) AS amounts
OPTIONAL MATCH (a:Account {accountId: accountId})
RETURN accountId, a IS NOT NULL AS known, a.cap AS cap, amounts`;

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

const OFFERING_STATUS = 'MATCH (o:Offering {offeringId: $offeringId}) RETURN o.status AS status';

// First write of a batch: plain CREATEs, which the composite unique constraint turns into an error (and a MERGE retry)
// if any of these allocations exists already (a resumed run, a racing runner).
const CREATE_ALLOCATIONS = `
MATCH (o:Offering {offeringId: $offeringId})
UNWIND $rows AS row
CREATE (o)<-[:OF]-(al:Allocation {offeringId: $offeringId, accountId: row.accountId, amount: row.amount})
WITH al, row
MATCH (acc:Account {accountId: row.accountId})
CREATE (al)-[:TO]->(acc)`;

const MERGE_ALLOCATIONS = `
MATCH (o:Offering {offeringId: $offeringId})
UNWIND $rows AS row
MERGE (al:Allocation {offeringId: $offeringId, accountId: row.accountId})
SET al.amount = row.amount
MERGE (al)-[:OF]->(o)
WITH al, row
MATCH (acc:Account {accountId: row.accountId})
MERGE (al)-[:TO]->(acc)`;

// Setting a property takes the Offering's write lock, so two completions of one day run one after the other.
const LOCK_OFFERING = `
MATCH (o:Offering {day: $day})
SET o.status = o.status
RETURN o {.*} AS offering, COUNT { (o)<-[:OF]-() } AS stored`;

const COMPLETE_OFFERING = `
MATCH (o:Offering {day: $day})
SET o.status = 'COMPLETED', o.allocated = $allocated, o.undistributed = $undistributed, o.resultHash = $resultHash,
    o.allocationCount = $allocationCount, o.contributionCount = $contributionCount, o.completedAt = $completedAt
RETURN o {.*} AS offering`;

const READ_ALLOCATIONS = `
MATCH (:Offering {day: $day})<-[:OF]-(al:Allocation)
RETURN al.accountId AS accountId, al.amount AS amount`;

export class Neo4jDcoLedger implements DcoLedger {
  private readonly writeBatchSize: number;

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

  async readDayByAccount(day: string): Promise<AccountDayContributions[]> {
    // An explicit transaction, so that running out of memory is not retried by the driver but answered with the rows.
    const session = this.driver.session({ database: this.options.database, defaultAccessMode: 'READ' });
    try {
      const tx = session.beginTransaction();
      try {
        const total = Number((await tx.run(COUNT_DAY, { day })).records[0].get('total'));
        const groups: AccountDayContributions[] = [];
        let grouped = 0;
        await new Promise<void>((resolve, reject) => {
          tx.run(READ_DAY_BY_ACCOUNT, { day }).subscribe({
            onNext: (record) => {
              const [accountId, known, cap, amounts] = [
                record.get(0) as string,
                record.get(1) as boolean,
                record.get(2) as RawAmount | null,
                record.get(3) as RawAmount[],
              ];
              groups.push(cap === null ? { accountId, known, amounts } : { accountId, known, cap, amounts });
              grouped += amounts.length;
            },
            onCompleted: () => resolve(),
            onError: reject,
          });
        });
        await tx.commit();
        // Otherwise a contribution lacks its account id or amount: the rows below keep it, for validation to report.
        if (grouped === total) return groups;
      } catch (error) {
        if (tx.isOpen()) await tx.rollback();
        if (!isOutOfMemory(error)) throw error;
      }
    } finally {
      await session.close();
    }
    const { accounts, contributions } = await this.readDayInput(day);
    return groupDayContributions(accounts, contributions);
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
    const rows = allocations.map(({ accountId, amount }) => ({ accountId, amount: amount.toString() }));
    const write = (statement: string) =>
      this.write(async (tx) => {
        const status = await tx.run(OFFERING_STATUS, { offeringId });
        if (status.records.length === 0) throw offeringNotFound(`with id ${offeringId}`);
        const current = status.records[0].get('status') as string;
        if (current !== 'PENDING') throw offeringNotPending(offeringId, current);
        await tx.run(statement, { offeringId, rows });
      });
    try {
      await write(CREATE_ALLOCATIONS);
    } catch (error) {
      if (!isConstraintViolation(error)) throw error;
      await write(MERGE_ALLOCATIONS);
    }
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
    return result.records
      .map((record) => ({
        accountId: record.get('accountId') as string,
        amount: BigInt(record.get('amount') as string),
      }))
      .sort((a, b) => compareIds(a.accountId, b.accountId));
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

  private async write<T>(work: (tx: ManagedTransaction) => Promise<T>): Promise<T> {
    const session = this.driver.session({ database: this.options.database });
    try {
      return await session.executeWrite(work);
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
