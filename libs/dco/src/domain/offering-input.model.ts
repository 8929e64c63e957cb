// The offering's input and result shapes: raw records as stored, and the validated, BigInt form the allocation works on.

/** An amount as it may come out of storage or a CLI: validated before use, never trusted. */
export type RawAmount = string | number | bigint;

export interface AccountRecord {
  accountId: string;
  /** Most base units this account may receive in one offering; absent means uncapped. */
  cap?: RawAmount | null;
}

export interface ContributionRecord {
  contributionId: string;
  accountId: string;
  amount: RawAmount;
}

export interface OfferingInput {
  day: string;
  /** The fixed daily amount to allocate, in base units. */
  offered: RawAmount;
  /** The accounts the day's contributions refer to (others may be present and are ignored). */
  accounts: readonly AccountRecord[];
  contributions: readonly ContributionRecord[];
}

/**
 * One account's contributions of a day as a store can group them: the amounts only (the store's own unique constraint
 * keeps contribution ids unique), whether the account exists, and its cap.
 */
export interface AccountDayContributions {
  accountId: string;
  /** False when the contributions refer to an account that does not exist. */
  known: boolean;
  cap?: RawAmount | null;
  amounts: readonly RawAmount[];
  /**
   * More amounts of the account of the group just before (a page holds at most so many rows, and one account may have
   * more contributions than a page): folded into the same weight instead of counting as an account met twice.
   */
  continued?: boolean;
}

/** Input after validation: per-account contribution totals (weights) and caps, all BigInt. */
export interface ValidOfferingInput {
  day: string;
  offered: bigint;
  weights: ReadonlyMap<string, bigint>;
  caps: ReadonlyMap<string, bigint>;
  contributionCount: number;
}

export interface Allocation {
  accountId: string;
  amount: bigint;
}

export interface AllocationResult {
  /** One entry per contributing account, sorted by account id (code-unit order); amounts may be zero. */
  allocations: Allocation[];
  allocated: bigint;
  /** What could not be given because every contributing account reached its cap (or nobody contributed). */
  undistributed: bigint;
  /** How many accounts ended at their cap. */
  cappedCount: number;
}
