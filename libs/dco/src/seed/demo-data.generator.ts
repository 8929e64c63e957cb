// Deterministic accounts and contributions for demos and benchmarks: the same seed always gives the same day.
import { CodedError } from '@dco/contracts';
import { AccountRecord, ContributionRecord } from '../domain';

export interface DemoDataOptions {
  day: string;
  accounts: number;
  contributions: number;
  seed: number;
  /** Prefix of account ids, so several data sets can share a database. */
  accountPrefix?: string;
  /** Every n-th account gets `cap` (absent: nobody is capped). */
  capEvery?: number;
  cap?: bigint;
  /** Largest single contribution in base units (default 10^18, one credcoin at 18 decimals). */
  maxAmount?: bigint;
}

/** splitmix32: tiny, fast and good enough to spread demo amounts; not for anything secret. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return ((z ^ (z >>> 16)) >>> 0) / 4294967296;
  };
}

export const demoAccountId = (prefix: string, index: number): string => `${prefix}${String(index).padStart(7, '0')}`;

export function generateDemoAccounts(options: DemoDataOptions): AccountRecord[] {
  const prefix = options.accountPrefix ?? 'acct-';
  const accounts: AccountRecord[] = [];
  for (let index = 0; index < options.accounts; index += 1) {
    const capped = options.capEvery !== undefined && options.cap !== undefined && index % options.capEvery === 0;
    accounts.push(
      capped
        ? { accountId: demoAccountId(prefix, index), cap: (options.cap as bigint).toString() }
        : { accountId: demoAccountId(prefix, index) },
    );
  }
  return accounts;
}

/** Contribution ids are `<day>-<seed>-<index>`; amounts are skewed (many small, a few large), all positive. */
export function generateDemoContributions(options: DemoDataOptions): ContributionRecord[] {
  return Array.from(demoContributions(options), ({ contribution }) => contribution);
}

/**
 * The contributions of `generateDemoContributions` one at a time, each with the index of its account (`demoAccountId`):
 * a day of ten million is generated without holding it.
 */
export function* demoContributions(
  options: DemoDataOptions,
): Generator<{ contribution: ContributionRecord; accountIndex: number }> {
  if (options.accounts < 1)
    throw new CodedError('INTERNAL.UNEXPECTED', 'at least one account is needed for contributions');
  const prefix = options.accountPrefix ?? 'acct-';
  const next = random(options.seed);
  const max = options.maxAmount ?? 10n ** 18n;
  // Amounts are drawn as a fraction of `max` with 2^26 steps, then squared for skew: exact BigInt arithmetic throughout.
  const steps = 1n << 26n;
  for (let index = 0; index < options.contributions; index += 1) {
    const account = Math.floor(next() * options.accounts);
    const step = BigInt(Math.floor(next() * Number(steps)));
    const amount = 1n + (max * step * step) / (steps * steps);
    yield {
      contribution: {
        contributionId: `${options.day}-${options.seed}-${index}`,
        accountId: demoAccountId(prefix, account),
        amount: amount.toString(),
      },
      accountIndex: account,
    };
  }
}
