// The day's Offering as the ledger keeps it: created PENDING, completed once with its totals and result hash.

export type OfferingStatus = 'PENDING' | 'COMPLETED';

export interface OfferingRecord {
  day: string;
  offeringId: string;
  status: OfferingStatus;
  offered: bigint;
  startedAt: string;
  /** Set when COMPLETED. */
  completion?: OfferingCompletion;
}

export interface OfferingCompletion {
  allocated: bigint;
  undistributed: bigint;
  resultHash: string;
  allocationCount: number;
  contributionCount: number;
  completedAt: string;
}
