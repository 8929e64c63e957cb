// Folds a day's contributions page by page into the allocation's input, holding one weight per account and nothing more.
import { CodedError } from '@dco/contracts';
import { AccountDayContributions, RawAmount, ValidOfferingInput } from './offering-input.model';
import { assertValidDay, parseAmount, parseOffered } from './validate-offering-input';

const POSITIVE_DIGITS = /^[1-9][0-9]*$/;
/** Accounts with a problem remembered by name (the runner reads their rows to name each problem precisely). */
export const MAX_PROBLEM_ACCOUNTS = 50;

export interface DayInputLimits {
  /** Most contributing accounts a day may have (DCO_MAX_DAY_ACCOUNTS): the runner's memory grows with accounts only. */
  maxAccounts?: number;
  /** What sets `maxAccounts` when it is not DCO_MAX_DAY_ACCOUNTS (the runner's heap), named in the refusal. */
  limitedBy?: string;
}

/** What the accumulator found wrong: the accounts to read row by row, and how many contributions it folded. */
export interface DayInputProblems {
  accountIds: string[];
  /** Accounts with a problem, including those beyond MAX_PROBLEM_ACCOUNTS. */
  problemAccounts: number;
}

/**
 * The allocation needs per-account totals and caps, not the contributions: this folds grouped pages (in the store's
 * account order) exactly with BigInt and keeps O(accounts) memory whatever the day's size. It refuses a day with more
 * contributing accounts than `maxAccounts` (DCO.DAY_TOO_LARGE) as soon as a page crosses the limit. It names no problem
 * itself: an unknown account, an amount that is not a positive whole number, a bad cap or an account met twice (other
 * than as a `continued` group) is remembered by account id, and the caller validates those accounts' rows to say
 * exactly which contribution is wrong. Gives the same weights, caps and count as `validateOfferingInput`.
 */
export class DayInputAccumulator {
  private readonly offered: bigint;
  private readonly weights = new Map<string, bigint>();
  private readonly caps = new Map<string, bigint>();
  private readonly problems = new Set<string>();
  private problemAccounts = 0;
  private previous: string | undefined;
  private count = 0;

  constructor(
    private readonly day: string,
    offered: RawAmount,
    private readonly limits: DayInputLimits = {},
  ) {
    assertValidDay(day);
    this.offered = parseOffered(offered);
  }

  /** Contributions folded so far (including those of accounts with a problem). */
  get contributionCount(): number {
    return this.count;
  }

  get accountCount(): number {
    return this.weights.size;
  }

  add(groups: readonly AccountDayContributions[]): void {
    for (const group of groups) this.addGroup(group);
  }

  /** The validated input, or the accounts whose rows must be read to name what is wrong. */
  result(): { input: ValidOfferingInput } | { problems: DayInputProblems } {
    if (this.problemAccounts > 0) {
      return { problems: { accountIds: [...this.problems], problemAccounts: this.problemAccounts } };
    }
    const { day, offered, weights, caps } = this;
    return { input: { day, offered, weights, caps, contributionCount: this.count } };
  }

  private addGroup({ accountId, known, cap, amounts, continued }: AccountDayContributions): void {
    this.count += amounts.length;
    if (typeof accountId !== 'string' || accountId.length === 0) return this.problem(String(accountId));
    const again = this.weights.has(accountId) || this.problems.has(accountId);
    if (again && !(continued && accountId === this.previous)) return this.problem(accountId);
    this.previous = accountId;
    if (!known) return this.problem(accountId);
    let weight = this.weights.get(accountId) ?? 0n;
    for (const amount of amounts) {
      const value = positiveAmount(amount);
      if (value === undefined) return this.problem(accountId);
      weight += value;
    }
    if (amounts.length === 0) return;
    if (cap !== undefined && cap !== null) {
      const parsed = parseAmount(cap);
      if ('problem' in parsed || parsed.value < 0n) return this.problem(accountId);
      this.caps.set(accountId, parsed.value);
    }
    if (!this.weights.has(accountId)) this.requireRoom();
    this.weights.set(accountId, weight);
  }

  private requireRoom(): void {
    const { maxAccounts, limitedBy } = this.limits;
    if (maxAccounts === undefined || this.weights.size < maxAccounts) return;
    throw new CodedError(
      'DCO.DAY_TOO_LARGE',
      limitedBy === undefined
        ? `the offering of ${this.day} has more than ${maxAccounts} contributing accounts (DCO_MAX_DAY_ACCOUNTS): refused before writing anything; raise the limit only with the runner's memory (about 400 bytes per account)`
        : `the offering of ${this.day} has more than ${maxAccounts} contributing accounts, more than ${limitedBy}: refused before writing anything`,
    );
  }

  private problem(accountId: string): void {
    this.weights.delete(accountId);
    this.caps.delete(accountId);
    if (this.problems.has(accountId)) return;
    this.problemAccounts += 1;
    if (this.problems.size < MAX_PROBLEM_ACCOUNTS) this.problems.add(accountId);
  }
}

function positiveAmount(amount: RawAmount): bigint | undefined {
  if (typeof amount === 'string' && POSITIVE_DIGITS.test(amount)) return BigInt(amount);
  const parsed = parseAmount(amount);
  return 'value' in parsed && parsed.value > 0n ? parsed.value : undefined;
}
