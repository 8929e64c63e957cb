// The day's validated offering input, read the cheap way (grouped by account) and row by row only to name problems.
import {
  AccountDayContributions,
  DcoLedger,
  foldDayContributions,
  RawAmount,
  validateOfferingInput,
  ValidOfferingInput,
} from '@dco/dco';

/**
 * Folds the day's grouped contributions (from readDayByAccount) into the allocation's input. When anything is wrong with
 * them (an unknown account, a bad amount or cap) it reads the day's rows and validates those instead, so that
 * DCO.INVALID_INPUT names every problem with its contribution id; the input is the same either way.
 */
export async function validDayInput(
  ledger: DcoLedger,
  day: string,
  offered: RawAmount,
  groups: readonly AccountDayContributions[],
): Promise<ValidOfferingInput> {
  const folded = foldDayContributions(day, offered, groups);
  if (folded) return folded;
  const stored = await ledger.readDayInput(day);
  return validateOfferingInput({ day, offered, accounts: stored.accounts, contributions: stored.contributions });
}

export async function readValidDayInput(
  ledger: DcoLedger,
  day: string,
  offered: RawAmount,
): Promise<ValidOfferingInput> {
  return validDayInput(ledger, day, offered, await ledger.readDayByAccount(day));
}
