// The day's validated offering input, read in bounded pages (ADR 0020), and row by row only for the accounts to blame.
import { getHeapStatistics } from 'node:v8';
import { CodedError } from '@dco/contracts';
import {
  DayInputAccumulator,
  DayInputLimits,
  DcoLedger,
  RawAmount,
  validateOfferingInput,
  ValidOfferingInput,
} from '@dco/dco';

export interface DayReadLimits {
  /** Contributions per read transaction (DCO_READ_PAGE_ROWS). */
  pageRows: number;
  /** Contributing accounts a day may have before it is refused with DCO.DAY_TOO_LARGE (DCO_MAX_DAY_ACCOUNTS). */
  maxAccounts?: number;
  /** The runner's V8 heap limit (default: this process's, set by --max-old-space-size or sized by V8). */
  heapLimitBytes?: number;
}

export const DEFAULT_READ_PAGE_ROWS = 20_000;
export const DEFAULT_MAX_DAY_ACCOUNTS = 2_000_000;

const MIB = 1024 * 1024;
/** Heap the runner uses besides the day's accounts (modules, the driver, a page in flight): about 45 MiB measured. */
export const RUNNER_BASE_HEAP_BYTES = 64 * MIB;
/**
 * Heap per contributing account at the run's peak, the allocation (weight, cap, share, remainder, allocation): about
 * 260 bytes measured at a million accounts (a 320 MiB heap held them, 256 MiB did not), budgeted at 400.
 */
export const HEAP_BYTES_PER_ACCOUNT = 400;

/** How many contributing accounts a runner with this heap limit can allocate without running out of heap. */
export function accountsTheHeapHolds(heapLimitBytes: number): number {
  return Math.max(0, Math.floor((heapLimitBytes - RUNNER_BASE_HEAP_BYTES) / HEAP_BYTES_PER_ACCOUNT));
}

/**
 * The most contributing accounts this runner takes: DCO_MAX_DAY_ACCOUNTS, or fewer when its heap would not hold them
 * (a day refused with DCO.DAY_TOO_LARGE is an alert; a heap run out is a crashed runner and no offering at all).
 */
export function dayAccountLimit(limits: DayReadLimits): DayInputLimits {
  const configured = limits.maxAccounts ?? DEFAULT_MAX_DAY_ACCOUNTS;
  const heapLimit = limits.heapLimitBytes ?? getHeapStatistics().heap_size_limit;
  const heldByHeap = accountsTheHeapHolds(heapLimit);
  if (heldByHeap >= configured) return { maxAccounts: configured };
  return {
    maxAccounts: heldByHeap,
    limitedBy: `the runner's ${Math.round(heapLimit / MIB)} MiB heap holds at ${HEAP_BYTES_PER_ACCOUNT} bytes each (give the runner more memory and a larger --max-old-space-size)`,
  };
}

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
  const accumulator = new DayInputAccumulator(day, offered, dayAccountLimit(limits));
  // The count runs beside the pages (its own read transaction; the server has a core for it): both only need to be
  // done before the comparison.
  const counting = ledger.countDayContributions(day);
  counting.catch(() => undefined); // awaited below; a failed page read must not leave it unhandled
  for await (const page of ledger.readDayPages(day, limits.pageRows)) accumulator.add(page);
  const stored = await counting;
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
