// The reference offering: a fixed amount shared pro rata to contributions, capped per account, exact to the base unit.
import { CodedError } from '@dco/contracts';
import { compareIds } from './compare-ids';
import { Allocation, AllocationResult } from './offering-input.model';

interface Share {
  accountId: string;
  weight: bigint;
  cap: bigint | undefined;
}

/**
 * Water-filling: the ideal share of each account is min(cap, level * weight) for the level at which the shares add
 * up to the offered amount. Accounts whose cap is below their pro-rata share at the current level are fixed at their
 * cap; this only raises the level for the others, so sorting capped accounts by cap/weight finds them in one pass.
 * Whatever the uncapped accounts share is then rounded by largest remainder (ties to the smaller account id), which
 * keeps the sum exact and never lifts anyone above a cap (a cap at or above a fractional share is at least its ceiling).
 */
export function allocateOffering(
  offered: bigint,
  weights: ReadonlyMap<string, bigint>,
  caps: ReadonlyMap<string, bigint>,
): AllocationResult {
  const amounts = new Map<string, bigint>();
  let remaining = offered;
  let totalWeight = 0n;
  const capped: Share[] = [];
  for (const [accountId, weight] of weights) {
    if (weight <= 0n)
      throw new CodedError('DCO.INVALID_INPUT', `weight of account ${accountId} must be positive, got ${weight}`);
    totalWeight += weight;
    const cap = caps.get(accountId);
    if (cap !== undefined) capped.push({ accountId, weight, cap });
  }

  // cap_a / weight_a < cap_b / weight_b without division: cap_a * weight_b < cap_b * weight_a.
  capped.sort((a, b) => {
    const left = (a.cap as bigint) * b.weight;
    const right = (b.cap as bigint) * a.weight;
    return left < right ? -1 : left > right ? 1 : compareIds(a.accountId, b.accountId);
  });
  for (const share of capped) {
    const cap = share.cap as bigint;
    // Binding when cap < remaining * weight / totalWeight.
    if (cap * totalWeight >= remaining * share.weight) break;
    amounts.set(share.accountId, cap);
    remaining -= cap;
    totalWeight -= share.weight;
  }

  if (totalWeight > 0n) distributeByLargestRemainder(remaining, totalWeight, weights, amounts);
  const allocated = totalWeight > 0n ? offered : offered - remaining;

  const allocations: Allocation[] = [];
  let cappedCount = 0;
  for (const [accountId, amount] of amounts) {
    allocations.push({ accountId, amount });
    if (caps.get(accountId) === amount) cappedCount += 1;
  }
  allocations.sort((a, b) => compareIds(a.accountId, b.accountId));
  return { allocations, allocated, undistributed: offered - allocated, cappedCount };
}

/** Shares `amount` over the accounts not yet in `amounts`, exactly, in proportion to their weights. */
function distributeByLargestRemainder(
  amount: bigint,
  totalWeight: bigint,
  weights: ReadonlyMap<string, bigint>,
  amounts: Map<string, bigint>,
): void {
  const remainders: { accountId: string; remainder: bigint }[] = [];
  let given = 0n;
  for (const [accountId, weight] of weights) {
    if (amounts.has(accountId)) continue;
    const scaled = amount * weight;
    const quotient = scaled / totalWeight;
    const remainder = scaled % totalWeight;
    amounts.set(accountId, quotient);
    given += quotient;
    if (remainder > 0n) remainders.push({ accountId, remainder });
  }
  let leftover = Number(amount - given);
  if (leftover === 0) return;
  // leftover < number of non-zero remainders, so every unit goes to a distinct account with a fractional share.
  remainders.sort((a, b) =>
    a.remainder > b.remainder ? -1 : a.remainder < b.remainder ? 1 : compareIds(a.accountId, b.accountId),
  );
  for (const { accountId } of remainders) {
    if (leftover === 0) break;
    amounts.set(accountId, (amounts.get(accountId) as bigint) + 1n);
    leftover -= 1;
  }
}
