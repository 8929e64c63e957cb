// The fast path of input validation for a day's contributions grouped by account (the shape a store returns cheaply).
import {
  AccountDayContributions,
  AccountRecord,
  ContributionRecord,
  RawAmount,
  ValidOfferingInput,
} from './offering-input.model';
import { DayInputAccumulator } from './day-input.accumulator';

/**
 * Folds a day's grouped contributions into the validated input the allocation works on, with exactly the weights and
 * caps `validateOfferingInput` gives for the same rows. It names no problem: at any (an unknown account, an amount that
 * is not a positive whole number, a bad cap, an account grouped twice) it returns undefined, and the caller validates
 * the detailed rows instead, which lists every problem with its contribution id. A malformed day or offered amount
 * throws DCO.INVALID_INPUT as in `validateOfferingInput`. The whole day at once: pages go through DayInputAccumulator.
 */
export function foldDayContributions(
  day: string,
  offered: RawAmount,
  groups: readonly AccountDayContributions[],
): ValidOfferingInput | undefined {
  const accumulator = new DayInputAccumulator(day, offered);
  accumulator.add(groups);
  const folded = accumulator.result();
  return 'input' in folded ? folded.input : undefined;
}

/** Groups a day's rows by account (first-seen order), as a page of readDayPages holds them. */
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
