// The grouped fast path agrees with validateOfferingInput on every input: the same weights and caps when valid, a
// refusal (undefined, so the caller validates the rows and names the problems) exactly when validation would reject.
import fc from 'fast-check';
import { CodedError } from '@dco/contracts';
import { foldDayContributions } from './fold-day-contributions';
import { AccountDayContributions, AccountRecord, ContributionRecord, RawAmount } from './offering-input.model';
import { validateOfferingInput } from './validate-offering-input';

const DAY = '2026-11-26';

/** What a store returns for these rows: one group per referenced account, in first-seen order. */
function group(
  accounts: readonly AccountRecord[],
  contributions: readonly ContributionRecord[],
): AccountDayContributions[] {
  const known = new Map(accounts.map((account) => [account.accountId, account]));
  const groups = new Map<string, AccountDayContributions & { amounts: RawAmount[] }>();
  for (const { accountId, amount } of contributions) {
    let entry = groups.get(accountId);
    if (!entry) {
      const account = known.get(accountId);
      entry = { accountId, known: account !== undefined, cap: account?.cap, amounts: [] };
      groups.set(accountId, entry);
    }
    entry.amounts.push(amount);
  }
  return [...groups.values()];
}

function validated(accounts: AccountRecord[], contributions: ContributionRecord[]) {
  try {
    return validateOfferingInput({ day: DAY, offered: '1000', accounts, contributions });
  } catch (error) {
    if (error instanceof CodedError && error.code === 'DCO.INVALID_INPUT') return undefined;
    throw error;
  }
}

const validAmount = fc.oneof(
  fc.bigInt({ min: 1n, max: 10n ** 40n }).map(String),
  fc.bigInt({ min: 1n, max: 10n ** 40n }),
  fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
);
const badAmount = fc.constantFrom<RawAmount>(
  '0',
  '-3',
  '12.5',
  'ten',
  '',
  '007x',
  0,
  -1,
  0.5,
  2 ** 60,
  Number.NaN,
  -5n,
  0n,
);
const badCap = fc.constantFrom<RawAmount>('-1', 'lots', 1.5, -2n);
const accountIds = ['a', 'b', 'c', 'd', 'e'];

const scenario = fc.record({
  caps: fc.array(
    fc.option(fc.oneof(fc.bigInt({ min: 0n, max: 10n ** 30n }).map(String), fc.bigInt({ min: 0n, max: 10n ** 30n }))),
    {
      minLength: accountIds.length,
      maxLength: accountIds.length,
    },
  ),
  rows: fc.array(fc.tuple(fc.constantFrom(...accountIds, 'ghost'), validAmount), { maxLength: 30 }),
  badRow: fc.option(fc.tuple(fc.constantFrom(...accountIds), badAmount)),
  badCapOf: fc.option(fc.tuple(fc.nat({ max: accountIds.length - 1 }), badCap)),
  withGhost: fc.boolean(),
});

describe('foldDayContributions', () => {
  it('gives the weights, caps and count of validateOfferingInput, and refuses exactly what it rejects', () => {
    fc.assert(
      fc.property(scenario, ({ caps, rows, badRow, badCapOf, withGhost }) => {
        const accounts: AccountRecord[] = accountIds.map((accountId, index) => ({ accountId, cap: caps[index] }));
        if (badCapOf) accounts[badCapOf[0]] = { accountId: accountIds[badCapOf[0]], cap: badCapOf[1] };
        const usedRows = rows.filter(([accountId]) => withGhost || accountId !== 'ghost');
        if (badRow) usedRows.push(badRow);
        const contributions = usedRows.map(([accountId, amount], index) => ({
          contributionId: `c${index}`,
          accountId,
          amount,
        }));
        // Like a store, only the accounts the day's contributions refer to.
        const referenced = accounts.filter((account) =>
          contributions.some((row) => row.accountId === account.accountId),
        );

        const expected = validated(referenced, contributions);
        const folded = foldDayContributions(DAY, '1000', group(referenced, contributions));
        if (expected === undefined) {
          expect(folded).toBeUndefined();
        } else {
          expect(folded).toBeDefined();
          expect(new Map(folded?.weights)).toEqual(new Map(expected.weights));
          expect(new Map(folded?.caps)).toEqual(new Map(expected.caps));
          expect(folded?.contributionCount).toBe(expected.contributionCount);
          expect(folded?.offered).toBe(1000n);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('sums amounts beyond 2^63 exactly', () => {
    const folded = foldDayContributions(DAY, '5', [
      {
        accountId: 'a',
        known: true,
        cap: (2n ** 70n).toString(),
        amounts: [(2n ** 64n + 1n).toString(), '9223372036854775807'],
      },
    ]);
    expect(folded?.weights.get('a')).toBe(2n ** 64n + 1n + 9223372036854775807n);
    expect(folded?.caps.get('a')).toBe(2n ** 70n);
  });

  it('refuses an account grouped twice, and an unknown account', () => {
    expect(
      foldDayContributions(DAY, '5', [
        { accountId: 'a', known: true, amounts: ['1'] },
        { accountId: 'a', known: true, amounts: ['2'] },
      ]),
    ).toBeUndefined();
    expect(foldDayContributions(DAY, '5', [{ accountId: 'ghost', known: false, amounts: ['1'] }])).toBeUndefined();
  });

  it('rejects a malformed day and a zero offered amount with DCO.INVALID_INPUT, as validation does', () => {
    expect(() => foldDayContributions('2026-02-30', '5', [])).toThrow(
      expect.objectContaining({ code: 'DCO.INVALID_INPUT' }),
    );
    expect(() => foldDayContributions(DAY, '0', [])).toThrow(/offered amount 0 is zero/);
  });
});
