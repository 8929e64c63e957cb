// The fast path of input validation for a day's contributions grouped by account (the shape a store returns cheaply).
import {
  AccountDayContributions,
  AccountRecord,
  ContributionRecord,
  RawAmount,
  ValidOfferingInput,
} from './offering-input.model';
import { assertValidDay, parseAmount, parseOffered } from './validate-offering-input';

const POSITIVE_DIGITS = /^[1-9][0-9]*$/;

/**
 * Folds a day's grouped contributions into the validated input the allocation works on, with exactly the weights and
 * caps `validateOfferingInput` gives for the same rows. It names no problem: at the first one (an unknown account, an
 * amount that is not a positive whole number, a bad cap, an account grouped twice) it returns undefined, and the caller
 * validates the detailed rows instead, which lists every problem with its contribution id. A malformed day or offered
 * amount throws DCO.INVALID_INPUT as in `validateOfferingInput`.
 */
export function foldDayContributions(
  day: string,
  offered: RawAmount,
  groups: readonly AccountDayContributions[],
): ValidOfferingInput | undefined {
  assertValidDay(day);
  const offeredAmount = parseOffered(offered);
  const weights = new Map<string, bigint>();
  const caps = new Map<string, bigint>();
  let contributionCount = 0;
  for (const { accountId, known, cap, amounts } of groups) {
    if (!known || typeof accountId !== 'string' || accountId.length === 0 || weights.has(accountId)) return undefined;
    if (amounts.length === 0) continue;
    let weight = 0n;
    for (const amount of amounts) {
      const value = positiveAmount(amount);
      if (value === undefined) return undefined;
      weight += value;
    }
    if (cap !== undefined && cap !== null) {
      const parsed = parseAmount(cap);
      if ('problem' in parsed || parsed.value < 0n) return undefined;
      caps.set(accountId, parsed.value);
    }
    weights.set(accountId, weight);
    contributionCount += amounts.length;
  }
  return { day, offered: offeredAmount, weights, caps, contributionCount };
}

function positiveAmount(amount: RawAmount): bigint | undefined {
  if (typeof amount === 'string' && POSITIVE_DIGITS.test(amount)) return BigInt(amount);
  const parsed = parseAmount(amount);
  return 'value' in parsed && parsed.value > 0n ? parsed.value : undefined;
}

/** Groups a day's rows by account (first-seen order) the way readDayByAccount returns them. */
export function groupDayContributions(
  accounts: readonly AccountRecord[],
  contributions: readonly ContributionRecord[],
): AccountDayContributions[] {
  const known = new Map(accounts.map((account) => [account.accountId, account]));
  const groups = new Map<string, { accountId: string; known: boolean; cap?: RawAmount | null; amounts: RawAmount[] }>();
  for (const { accountId, amount } of contributions) {
    let entry = groups.get(accountId);
    if (!entry) {
      const account = known.get(accountId);
      entry = account
        ? { accountId, known: true, cap: account.cap, amounts: [] }
        : { accountId, known: false, amounts: [] };
      groups.set(accountId, entry);
    }
    entry.amounts.push(amount);
  }
  return [...groups.values()];
}
