// Where the offering's accounts, contributions, Offering and allocations live (Neo4j in production, memory when embedded).
import {
  AccountDayContributions,
  AccountRecord,
  Allocation,
  ContributionRecord,
  OfferingCompletion,
  OfferingRecord,
} from '../domain';

export interface DayInput {
  /** The accounts the day's contributions refer to that exist (an unknown account is simply absent). */
  accounts: AccountRecord[];
  contributions: ContributionRecord[];
}

export interface OfferingStart {
  day: string;
  offeringId: string;
  offered: bigint;
  startedAt: string;
}

export interface DcoLedger {
  /** Creates accounts or updates their cap (null or absent removes it). */
  upsertAccounts(accounts: readonly AccountRecord[]): Promise<void>;
  /** Records contributions of a day; a contribution id that already exists fails the whole call with DCO.INVALID_INPUT. */
  addContributions(day: string, contributions: readonly ContributionRecord[]): Promise<void>;
  /** The day's contributions and the existing accounts they refer to, all at once: for small days (tests, the demo). */
  readDayInput(day: string): Promise<DayInput>;
  /**
   * The day's contribution amounts grouped by account, with whether each account exists and its cap, in pages of at
   * most `pageRows` contributions, in the store's account order: what the offering needs, one bounded page in memory at
   * a time. An account is in one page, unless it alone has more than a page: then its later groups are `continued`.
   * Amounts come as stored, unvalidated. Contributions lacking a string account id or an amount are in no page
   * (countDayContributions counts them; readDayRowsOf returns them).
   */
  readDayPages(day: string, pageRows: number): AsyncIterable<AccountDayContributions[]>;
  /** How many contributions the day has, whatever their properties. */
  countDayContributions(day: string): Promise<number>;
  /**
   * The day's contributions of these accounts, with the accounts that exist, plus up to 50 contributions lacking a
   * string account id or an amount: the rows that name the problems the paged read found.
   */
  readDayRowsOf(day: string, accountIds: readonly string[]): Promise<DayInput>;
  findOffering(day: string): Promise<OfferingRecord | null>;
  /** Creates the day's Offering as PENDING, or returns the one that exists: exactly one per day, even when runners race. */
  beginOffering(start: OfferingStart): Promise<OfferingRecord>;
  /** Writes allocations of a PENDING offering; idempotent per offering and account (a rewrite replaces the amount). */
  writeAllocations(offeringId: string, allocations: readonly Allocation[]): Promise<void>;
  /**
   * Marks the day's offering COMPLETED with its totals once the ledger holds exactly `allocationCount` allocations;
   * returns the stored record (the first completion wins if two runners complete at once).
   */
  completeOffering(day: string, completion: OfferingCompletion): Promise<OfferingRecord>;
  /** The day's stored allocations, sorted by account id. */
  readAllocations(day: string): Promise<Allocation[]>;
  close(): Promise<void>;
}
