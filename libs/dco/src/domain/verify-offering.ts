// Ledger invariants of a completed offering, checked against what is stored and against a fresh recomputation.
import { AllocationResult, Allocation } from './offering-input.model';
import { OfferingRecord } from './offering-record.model';
import { resultHash } from './result-hash';

export interface OfferingVerification {
  ok: boolean;
  violations: string[];
  storedHash: string;
  recomputedHash: string;
}

/** Every broken invariant as a sentence; an empty list means the stored offering is exactly what the rules give. */
export function verifyOffering(
  offering: OfferingRecord,
  stored: readonly Allocation[],
  caps: ReadonlyMap<string, bigint>,
  recomputed: AllocationResult,
): OfferingVerification {
  const violations: string[] = [];
  const completion = offering.completion;
  if (offering.status !== 'COMPLETED' || !completion)
    violations.push(`offering of ${offering.day} is ${offering.status}, not COMPLETED`);

  let sum = 0n;
  const seen = new Set<string>();
  for (const { accountId, amount } of stored) {
    if (seen.has(accountId)) violations.push(`account ${accountId} has more than one allocation`);
    seen.add(accountId);
    if (amount < 0n) violations.push(`allocation of account ${accountId} is negative (${amount})`);
    const cap = caps.get(accountId);
    if (cap !== undefined && amount > cap)
      violations.push(`allocation of account ${accountId} (${amount}) exceeds its cap ${cap}`);
    sum += amount;
  }
  const storedHash = resultHash(stored);
  const recomputedHash = resultHash(recomputed.allocations);
  if (completion) {
    if (sum !== completion.allocated)
      violations.push(`allocations sum to ${sum} but the offering records ${completion.allocated} allocated`);
    if (completion.allocated + completion.undistributed !== offering.offered) {
      violations.push(
        `allocated ${completion.allocated} + undistributed ${completion.undistributed} != offered ${offering.offered}`,
      );
    }
    if (stored.length !== completion.allocationCount) {
      violations.push(`${stored.length} allocations stored but the offering records ${completion.allocationCount}`);
    }
    if (storedHash !== completion.resultHash)
      violations.push(`hash of the stored allocations ${storedHash} != recorded result hash ${completion.resultHash}`);
    if (recomputedHash !== completion.resultHash) {
      violations.push(
        `recomputing from the stored contributions gives hash ${recomputedHash}, the offering records ${completion.resultHash}`,
      );
    }
  }
  if (sum + recomputed.undistributed !== offering.offered && violations.length === 0) {
    violations.push(
      `allocations sum to ${sum}, which with ${recomputed.undistributed} undistributed is not the offered ${offering.offered}`,
    );
  }
  return { ok: violations.length === 0, violations, storedHash, recomputedHash };
}
