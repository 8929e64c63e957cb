// The ledger in Neo4j: amounts as decimal strings (they outgrow int64), batched UNWIND writes, idempotent MERGEs.
import { Driver, ManagedTransaction, Neo4jError } from 'neo4j-driver';
import { AccountRecord, Allocation, compareIds, ContributionRecord, OfferingCompletion, OfferingRecord, OfferingStatus, RawAmount } from '../domain';
import { DayInput, DcoLedger, OfferingStart } from '../ledger/dco-ledger.port';
import { allocationCountMismatch, duplicateContributions, offeringNotFound, offeringNotPending } from '../ledger/ledger-errors';

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

// Grouped per account: a tenth of the records a row per contribution needs, and the account's cap in the same pass.
const READ_DAY_INPUT = `
MATCH (c:Contribution {day: $day})
WITH c.accountId AS accountId, collect(c.contributionId) AS ids, collect(c.amount) AS amounts
OPTIONAL MATCH (a:Account {accountId: accountId})
RETURN accountId, ids, amounts, a IS NOT NULL AS known, a.cap AS cap`;

const FIND_OFFERING = 'MATCH (o:Offering {day: $day}) RETURN o {.*} AS offering';

const BEGIN_OFFERING = `
MERGE (o:Offering {day: $day})
ON CREATE SET o.offeringId = $offeringId, o.status = 'PENDING', o.offered = $offered, o.startedAt = $startedAt
RETURN o {.*} AS offering`;

const OFFERING_STATUS = 'MATCH (o:Offering {offeringId: $offeringId}) RETURN o.status AS status';

const WRITE_ALLOCATIONS = `
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
      const params = rows.map(({ accountId, cap }) => ({ accountId, cap: cap === undefined || cap === null ? null : String(cap) }));
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
      const params = rows.map(({ contributionId, accountId, amount }) => ({ contributionId, accountId, amount: String(amount) }));
      try {
        await this.write((tx) => tx.run(CREATE_CONTRIBUTIONS, { rows: params, day }));
      } catch (error) {
        // Someone recorded one of these ids between the check and this batch.
        if (isConstraintViolation(error)) throw duplicateContributions([constrainedValue(error) ?? rows[0].contributionId]);
        throw error;
      }
    }
  }

  async readDayInput(day: string): Promise<DayInput> {
    const result = await this.read((tx) => tx.run(READ_DAY_INPUT, { day }));
    const contributions: ContributionRecord[] = [];
    const accounts: AccountRecord[] = [];
    for (const record of result.records) {
      const accountId = record.get(0) as string;
      const ids = record.get(1) as string[];
      const amounts = record.get(2) as RawAmount[];
      for (let index = 0; index < ids.length; index += 1) contributions.push({ contributionId: ids[index], accountId, amount: amounts[index] });
      if (record.get(3) === true) {
        const cap = record.get(4) as RawAmount | null;
        accounts.push(cap === null ? { accountId } : { accountId, cap });
      }
    }
    return { accounts, contributions };
  }

  async findOffering(day: string): Promise<OfferingRecord | null> {
    const result = await this.read((tx) => tx.run(FIND_OFFERING, { day }));
    return result.records.length === 0 ? null : toOffering(result.records[0].get('offering'));
  }

  async beginOffering(start: OfferingStart): Promise<OfferingRecord> {
    const params = { day: start.day, offeringId: start.offeringId, offered: start.offered.toString(), startedAt: start.startedAt };
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
    await this.write(async (tx) => {
      const status = await tx.run(OFFERING_STATUS, { offeringId });
      if (status.records.length === 0) throw offeringNotFound(`with id ${offeringId}`);
      const current = status.records[0].get('status') as string;
      if (current !== 'PENDING') throw offeringNotPending(offeringId, current);
      await tx.run(WRITE_ALLOCATIONS, { offeringId, rows });
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
    return result.records
      .map((record) => ({ accountId: record.get('accountId') as string, amount: BigInt(record.get('amount') as string) }))
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

/** The offending value from Neo4j's message ("... property `contributionId` = 'c-1'"), when it names one. */
function constrainedValue(error: Neo4jError): string | undefined {
  return /= '([^']*)'/.exec(error.message)?.[1];
}
