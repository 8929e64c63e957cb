// The ledger in memory for the embedded profile and unit specs: same contract as the Neo4j ledger, nothing persisted.
import {
  AccountDayContributions,
  AccountRecord,
  Allocation,
  compareIds,
  ContributionRecord,
  groupDayContributions,
  OfferingCompletion,
  OfferingRecord,
} from '../domain';
import { DayInput, DcoLedger, OfferingStart } from './dco-ledger.port';
import { allocationCountMismatch, duplicateContributions, offeringNotFound, offeringNotPending } from './ledger-errors';

interface StoredContribution extends ContributionRecord {
  day: string;
}

export class InMemoryDcoLedger implements DcoLedger {
  private readonly accounts = new Map<string, AccountRecord>();
  private readonly contributions = new Map<string, StoredContribution>();
  private readonly offerings = new Map<string, OfferingRecord>();
  /** offeringId -> accountId -> amount */
  private readonly allocations = new Map<string, Map<string, bigint>>();

  async upsertAccounts(accounts: readonly AccountRecord[]): Promise<void> {
    for (const { accountId, cap } of accounts) {
      this.accounts.set(accountId, cap === undefined || cap === null ? { accountId } : { accountId, cap: String(cap) });
    }
  }

  async addContributions(day: string, contributions: readonly ContributionRecord[]): Promise<void> {
    const batchIds = new Set<string>();
    const duplicates: string[] = [];
    for (const { contributionId } of contributions) {
      if (this.contributions.has(contributionId) || batchIds.has(contributionId)) duplicates.push(contributionId);
      batchIds.add(contributionId);
    }
    if (duplicates.length > 0) throw duplicateContributions(duplicates);
    for (const contribution of contributions) {
      this.contributions.set(contribution.contributionId, {
        ...contribution,
        amount: String(contribution.amount),
        day,
      });
    }
  }

  async readDayInput(day: string): Promise<DayInput> {
    const contributions: ContributionRecord[] = [];
    const accounts = new Map<string, AccountRecord>();
    for (const { day: contributionDay, contributionId, accountId, amount } of this.contributions.values()) {
      if (contributionDay !== day) continue;
      contributions.push({ contributionId, accountId, amount });
      const account = this.accounts.get(accountId);
      if (account) accounts.set(accountId, { ...account });
    }
    return { accounts: [...accounts.values()], contributions };
  }

  async *readDayPages(day: string, pageRows: number): AsyncGenerator<AccountDayContributions[]> {
    const { accounts, contributions } = await this.readDayInput(day);
    const complete = contributions.filter((row) => isPaged(row));
    const groups = groupDayContributions(accounts, complete).sort((a, b) => compareIds(a.accountId, b.accountId));
    // Pages as the Neo4j ledger cuts them: whole accounts up to pageRows amounts, an account larger than a page alone.
    let page: AccountDayContributions[] = [];
    let rows = 0;
    for (const group of groups) {
      if (rows > 0 && rows + group.amounts.length > pageRows) {
        yield page;
        [page, rows] = [[], 0];
      }
      if (group.amounts.length <= pageRows) {
        page.push(group);
        rows += group.amounts.length;
        continue;
      }
      for (let from = 0; from < group.amounts.length; from += pageRows) {
        yield [
          { ...group, amounts: group.amounts.slice(from, from + pageRows), ...(from > 0 ? { continued: true } : {}) },
        ];
      }
    }
    if (page.length > 0) yield page;
  }

  async countDayContributions(day: string): Promise<number> {
    return (await this.readDayInput(day)).contributions.length;
  }

  async readDayRowsOf(day: string, accountIds: readonly string[]): Promise<DayInput> {
    const wanted = new Set(accountIds);
    const { accounts, contributions } = await this.readDayInput(day);
    const incomplete = contributions.filter((row) => !isPaged(row)).slice(0, 50);
    const rows = [...contributions.filter((row) => isPaged(row) && wanted.has(row.accountId)), ...incomplete];
    const referenced = new Set(rows.map((row) => row.accountId));
    return { accounts: accounts.filter((account) => referenced.has(account.accountId)), contributions: rows };
  }

  async findOffering(day: string): Promise<OfferingRecord | null> {
    const offering = this.offerings.get(day);
    return offering ? copy(offering) : null;
  }

  async beginOffering(start: OfferingStart): Promise<OfferingRecord> {
    const existing = this.offerings.get(start.day);
    if (existing) return copy(existing);
    const created: OfferingRecord = { ...start, status: 'PENDING' };
    this.offerings.set(start.day, created);
    this.allocations.set(start.offeringId, new Map());
    return copy(created);
  }

  async writeAllocations(offeringId: string, allocations: readonly Allocation[]): Promise<void> {
    const offering = [...this.offerings.values()].find((candidate) => candidate.offeringId === offeringId);
    if (!offering) throw offeringNotFound(`with id ${offeringId}`);
    if (offering.status !== 'PENDING') throw offeringNotPending(offeringId, offering.status);
    const stored = this.allocations.get(offeringId) as Map<string, bigint>;
    for (const { accountId, amount } of allocations) stored.set(accountId, amount);
  }

  async completeOffering(day: string, completion: OfferingCompletion): Promise<OfferingRecord> {
    const offering = this.offerings.get(day);
    if (!offering) throw offeringNotFound(`for ${day}`);
    if (offering.status === 'COMPLETED') return copy(offering);
    const stored = this.allocations.get(offering.offeringId)?.size ?? 0;
    if (stored !== completion.allocationCount) throw allocationCountMismatch(day, stored, completion.allocationCount);
    offering.status = 'COMPLETED';
    offering.completion = { ...completion };
    return copy(offering);
  }

  async readAllocations(day: string): Promise<Allocation[]> {
    const offering = this.offerings.get(day);
    if (!offering) return [];
    const stored = this.allocations.get(offering.offeringId) ?? new Map<string, bigint>();
    return [...stored]
      .map(([accountId, amount]) => ({ accountId, amount }))
      .sort((a, b) => compareIds(a.accountId, b.accountId));
  }

  async close(): Promise<void> {}
}

function copy(offering: OfferingRecord): OfferingRecord {
  return { ...offering, ...(offering.completion ? { completion: { ...offering.completion } } : {}) };
}

/** What the Neo4j ledger's composite index holds, so both ledgers page the same rows. */
function isPaged(row: ContributionRecord): boolean {
  return typeof row.accountId === 'string' && row.amount !== undefined && row.amount !== null;
}
