// Rejects a day's offering input before anything is written: every problem is named precisely, as DCO.INVALID_INPUT.
import { CodedError, DAY_PATTERN } from '@dco/contracts';
import { AccountRecord, OfferingInput, RawAmount, ValidOfferingInput } from './offering-input.model';

const DIGITS = /^(0|[1-9][0-9]*)$/;
const POSITIVE_DIGITS = /^[1-9][0-9]*$/;
/** The detail lists this many problems; the message counts all of them. */
const MAX_REPORTED_PROBLEMS = 50;

export function invalidInput(problems: readonly string[], subject: string): CodedError {
  const first = problems[0] ?? 'invalid input';
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
  const detail = problems.length > 1 ? problems.slice(0, MAX_REPORTED_PROBLEMS).join('\n') : undefined;
  return new CodedError('DCO.INVALID_INPUT', `${subject}: ${first}${more}`, detail);
}

/** A real calendar day as YYYY-MM-DD (2026-02-30 is rejected). */
export function isValidDay(day: unknown): day is string {
  if (typeof day !== 'string' || !DAY_PATTERN.test(day)) return false;
  const date = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === day;
}

export function assertValidDay(day: unknown): asserts day is string {
  if (!isValidDay(day)) {
    throw invalidInput(
      [`day ${JSON.stringify(day)} is malformed: expected a calendar day as YYYY-MM-DD`],
      'invalid offering day',
    );
  }
}

export type AmountProblem = 'non-numeric' | 'fractional' | 'negative' | 'unsafe-number';

/** Parses a base-unit amount (any sign) or says why it is not one. */
export function parseAmount(raw: RawAmount): { value: bigint } | { problem: AmountProblem } {
  if (typeof raw === 'bigint') return { value: raw };
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) return { problem: 'non-numeric' };
    if (!Number.isInteger(raw)) return { problem: 'fractional' };
    // Above 2^53 a JS number has already lost base units; amounts that large must arrive as strings.
    if (!Number.isSafeInteger(raw)) return { problem: 'unsafe-number' };
    return { value: BigInt(raw) };
  }
  if (typeof raw !== 'string') return { problem: 'non-numeric' };
  const text = raw.trim();
  const negative = text.startsWith('-');
  const digits = negative ? text.slice(1) : text;
  if (DIGITS.test(digits)) return { value: negative ? -BigInt(digits) : BigInt(digits) };
  if (/^[0-9]+\.[0-9]+$/.test(digits) || /^[0-9]+(\.[0-9]+)?e-?[0-9]+$/i.test(digits)) return { problem: 'fractional' };
  return { problem: 'non-numeric' };
}

const AMOUNT_PROBLEM_TEXT: Record<AmountProblem, string> = {
  'non-numeric': 'is not a number',
  fractional: 'is fractional: amounts are whole base units',
  negative: 'is negative',
  'unsafe-number': 'is a number beyond 2^53 and may have lost precision: pass it as a string',
};

function describeAmount(raw: RawAmount): string {
  return typeof raw === 'bigint' ? raw.toString() : (JSON.stringify(raw) ?? String(raw));
}

/** The offered daily amount: a positive whole number of base units. */
export function parseOffered(raw: RawAmount): bigint {
  const parsed = parseAmount(raw);
  if ('problem' in parsed) {
    throw invalidInput(
      [`offered amount ${describeAmount(raw)} ${AMOUNT_PROBLEM_TEXT[parsed.problem]}`],
      'invalid offering',
    );
  }
  if (parsed.value <= 0n) {
    const problem = parsed.value === 0n ? 'is zero: nothing to offer' : AMOUNT_PROBLEM_TEXT.negative;
    throw invalidInput([`offered amount ${parsed.value} ${problem}`], 'invalid offering');
  }
  return parsed.value;
}

function collectCaps(accounts: readonly AccountRecord[], problems: string[]): Map<string, bigint | undefined> {
  const known = new Map<string, bigint | undefined>();
  for (const account of accounts) {
    if (typeof account.accountId !== 'string' || account.accountId.length === 0) {
      problems.push(`account id ${JSON.stringify(account.accountId)} is empty or not a string`);
      continue;
    }
    if (known.has(account.accountId)) {
      problems.push(`account ${account.accountId} is listed twice`);
      continue;
    }
    if (account.cap === undefined || account.cap === null) {
      known.set(account.accountId, undefined);
      continue;
    }
    const cap = parseAmount(account.cap);
    if ('problem' in cap) {
      problems.push(
        `cap ${describeAmount(account.cap)} of account ${account.accountId} ${AMOUNT_PROBLEM_TEXT[cap.problem]}`,
      );
    } else if (cap.value < 0n) {
      problems.push(`cap ${cap.value} of account ${account.accountId} is below zero`);
    }
    known.set(account.accountId, 'value' in cap && cap.value >= 0n ? cap.value : undefined);
  }
  return known;
}

/**
 * Validates a day's input and folds the contributions into per-account weights.
 * Throws DCO.INVALID_INPUT listing every problem; nothing partial is ever returned.
 */
export function validateOfferingInput(input: OfferingInput): ValidOfferingInput {
  assertValidDay(input.day);
  const offered = parseOffered(input.offered);
  const problems: string[] = [];
  const known = collectCaps(input.accounts, problems);

  // The hot loop of a million contributions: one map lookup per row, sums in an array, strings parsed on a fast path.
  const accountIndex = new Map<string, number>();
  const accountIds: string[] = [];
  for (const accountId of known.keys()) {
    accountIndex.set(accountId, accountIds.length);
    accountIds.push(accountId);
  }
  const sums: bigint[] = new Array<bigint>(accountIds.length).fill(0n);
  const seen = new Set<string>();
  for (const contribution of input.contributions) {
    const { contributionId, accountId, amount } = contribution;
    if (typeof contributionId !== 'string' || contributionId.length === 0) {
      problems.push(
        `contribution id ${JSON.stringify(contributionId)} of account ${accountId} is empty or not a string`,
      );
      continue;
    }
    const before = seen.size;
    seen.add(contributionId);
    if (seen.size === before) {
      problems.push(`contribution ${contributionId} is duplicated`);
      continue;
    }
    const index = accountIndex.get(accountId);
    if (index === undefined) {
      problems.push(`contribution ${contributionId} refers to unknown account ${JSON.stringify(accountId)}`);
      continue;
    }
    let value: bigint;
    if (typeof amount === 'string' && POSITIVE_DIGITS.test(amount)) {
      value = BigInt(amount);
    } else {
      const parsed = parseAmount(amount);
      if ('problem' in parsed) {
        problems.push(
          `contribution ${contributionId} of account ${accountId} has amount ${describeAmount(amount)}, which ${AMOUNT_PROBLEM_TEXT[parsed.problem]}`,
        );
        continue;
      }
      if (parsed.value <= 0n) {
        const why = parsed.value === 0n ? 'is zero: a contribution must be positive' : AMOUNT_PROBLEM_TEXT.negative;
        problems.push(
          `contribution ${contributionId} of account ${accountId} has amount ${parsed.value}, which ${why}`,
        );
        continue;
      }
      value = parsed.value;
    }
    sums[index] += value;
  }
  if (problems.length > 0) throw invalidInput(problems, `invalid input for the offering of ${input.day}`);

  const weights = new Map<string, bigint>();
  const caps = new Map<string, bigint>();
  for (let index = 0; index < accountIds.length; index += 1) {
    if (sums[index] === 0n) continue;
    const accountId = accountIds[index];
    weights.set(accountId, sums[index]);
    const cap = known.get(accountId);
    if (cap !== undefined) caps.set(accountId, cap);
  }
  return { day: input.day, offered, weights, caps, contributionCount: input.contributions.length };
}
