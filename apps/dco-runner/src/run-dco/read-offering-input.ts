// The day's validated offering input, read in bounded pages (ADR 0020), and row by row only for the accounts to blame.
import { CodedError } from '@dco/contracts';
import { DayInputAccumulator, DcoLedger, RawAmount, validateOfferingInput, ValidOfferingInput } from '@dco/dco';

export interface DayReadLimits {
  /** Contributions per read transaction (DCO_READ_PAGE_ROWS). */
  pageRows: number;
  /** Contributing accounts a day may have before it is refused with DCO.DAY_TOO_LARGE (DCO_MAX_DAY_ACCOUNTS). */
  maxAccounts?: number;
}

export const DEFAULT_READ_PAGE_ROWS = 20_000;
export const DEFAULT_MAX_DAY_ACCOUNTS = 2_000_000;

/**
 * Folds the day's pages into the allocation's input: the runner holds one page and one weight per account, the server
 * one page per transaction. When a page holds a problem (an unknown account, a bad amount or cap), or some contribution
 * lacks its account id or amount, it reads the rows of those accounts and validates them, so that DCO.INVALID_INPUT
 * names each problem with its contribution id.
 */
export async function readValidDayInput(
  ledger: DcoLedger,
  day: string,
  offered: RawAmount,
  limits: DayReadLimits = { pageRows: DEFAULT_READ_PAGE_ROWS },
): Promise<ValidOfferingInput> {
  const accumulator = new DayInputAccumulator(day, offered, { maxAccounts: limits.maxAccounts });
  const stored = await ledger.countDayContributions(day);
  for await (const page of ledger.readDayPages(day, limits.pageRows)) accumulator.add(page);
  const folded = accumulator.result();
  if ('input' in folded && folded.input.contributionCount === stored) return folded.input;
  const accountIds = 'problems' in folded ? folded.problems.accountIds : [];
  const rows = await ledger.readDayRowsOf(day, accountIds);
  validateOfferingInput({ day, offered, accounts: rows.accounts, contributions: rows.contributions });
  // Nothing wrong in the rows after all: contributions were added or changed while the pages were read.
  throw new CodedError(
    'DCO.EXECUTION_FAILED',
    `the contributions of ${day} changed while they were read (${stored} counted, ${accumulator.contributionCount} paged): run the offering again`,
  );
}
