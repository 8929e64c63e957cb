// Every input the offering must refuse before writing anything, each with DCO.INVALID_INPUT and a precise message.
import { CodedError } from '@dco/contracts';
import { ContributionRecord, OfferingInput } from './offering-input.model';
import { isValidDay, parseAmount, validateOfferingInput } from './validate-offering-input';

const base = (overrides: Partial<OfferingInput> = {}): OfferingInput => ({
  day: '2026-11-26',
  offered: '1000',
  accounts: [{ accountId: 'alice' }, { accountId: 'bob', cap: '300' }],
  contributions: [
    { contributionId: 'c1', accountId: 'alice', amount: '10' },
    { contributionId: 'c2', accountId: 'bob', amount: '30' },
    { contributionId: 'c3', accountId: 'alice', amount: 5 },
  ],
  ...overrides,
});

const withContribution = (contribution: ContributionRecord) =>
  base({ contributions: [...base().contributions, contribution] });

function rejection(input: OfferingInput): CodedError {
  try {
    validateOfferingInput(input);
  } catch (error) {
    if (error instanceof CodedError) return error;
    throw error;
  }
  throw new Error('expected the input to be rejected');
}

describe('validateOfferingInput', () => {
  it('folds valid contributions into per-account weights and caps', () => {
    const valid = validateOfferingInput(base());
    expect(valid.offered).toBe(1000n);
    expect([...valid.weights]).toEqual([
      ['alice', 15n],
      ['bob', 30n],
    ]);
    expect([...valid.caps]).toEqual([['bob', 300n]]);
    expect(valid.contributionCount).toBe(3);
  });

  it.each<[string, ContributionRecord, RegExp]>([
    [
      'a negative amount',
      { contributionId: 'c9', accountId: 'bob', amount: '-4' },
      /contribution c9 of account bob has amount -4, which is negative/,
    ],
    [
      'a negative number',
      { contributionId: 'c9', accountId: 'bob', amount: -4 },
      /contribution c9 of account bob has amount -4, which is negative/,
    ],
    [
      'a zero amount',
      { contributionId: 'c9', accountId: 'bob', amount: '0' },
      /contribution c9 .* amount 0, which is zero/,
    ],
    [
      'a fractional string',
      { contributionId: 'c9', accountId: 'bob', amount: '12.5' },
      /amount "12.5", which is fractional/,
    ],
    [
      'a fractional number',
      { contributionId: 'c9', accountId: 'bob', amount: 0.25 },
      /amount 0.25, which is fractional/,
    ],
    [
      'a non-numeric amount',
      { contributionId: 'c9', accountId: 'bob', amount: 'ten' },
      /amount "ten", which is not a number/,
    ],
    ['an empty amount', { contributionId: 'c9', accountId: 'bob', amount: '' }, /amount "", which is not a number/],
    ['NaN', { contributionId: 'c9', accountId: 'bob', amount: Number.NaN }, /which is not a number/],
    ['an unsafe JS number', { contributionId: 'c9', accountId: 'bob', amount: 2 ** 60 }, /beyond 2\^53/],
    [
      'an unknown account',
      { contributionId: 'c9', accountId: 'mallory', amount: '1' },
      /contribution c9 refers to unknown account "mallory"/,
    ],
    [
      'a duplicated contribution id',
      { contributionId: 'c2', accountId: 'alice', amount: '1' },
      /contribution c2 is duplicated/,
    ],
  ])('rejects %s', (_label, contribution, message) => {
    const error = rejection(withContribution(contribution));
    expect(error.code).toBe('DCO.INVALID_INPUT');
    expect(error.message).toMatch(/^invalid input for the offering of 2026-11-26: /);
    expect(error.message).toMatch(message);
  });

  it.each([['2026-13-01'], ['2026-02-30'], ['26-11-2026'], ['2026-11-26T00:00:00Z'], ['']])(
    'rejects the malformed day %j',
    (day) => {
      const error = rejection(base({ day }));
      expect(error.code).toBe('DCO.INVALID_INPUT');
      expect(error.message).toContain(`day ${JSON.stringify(day)} is malformed`);
    },
  );

  it.each<[string, OfferingInput['offered'], RegExp]>([
    ['zero', '0', /offered amount 0 is zero: nothing to offer/],
    ['negative', '-5', /offered amount -5 is negative/],
    ['fractional', '1.5', /offered amount "1.5" is fractional/],
    ['non-numeric', 'lots', /offered amount "lots" is not a number/],
  ])('rejects an offered amount that is %s', (_label, offered, message) => {
    const error = rejection(base({ offered }));
    expect(error.code).toBe('DCO.INVALID_INPUT');
    expect(error.message).toMatch(message);
  });

  it('rejects a cap below zero', () => {
    const error = rejection(base({ accounts: [{ accountId: 'alice' }, { accountId: 'bob', cap: '-1' }] }));
    expect(error.code).toBe('DCO.INVALID_INPUT');
    expect(error.message).toContain('cap -1 of account bob is below zero');
  });

  it('rejects a fractional cap and an account listed twice', () => {
    const error = rejection(
      base({ accounts: [{ accountId: 'alice', cap: '2.5' }, { accountId: 'bob' }, { accountId: 'bob' }] }),
    );
    expect(error.message).toContain('cap "2.5" of account alice is fractional');
    expect(error.message).toContain('(and 1 more problem)');
    expect(error.detail).toContain('account bob is listed twice');
  });

  it('reports every problem in the detail and counts them in the message', () => {
    const error = rejection(
      base({
        contributions: [
          { contributionId: 'c1', accountId: 'alice', amount: '-1' },
          { contributionId: 'c1', accountId: 'alice', amount: '1' },
          { contributionId: 'c2', accountId: 'nobody', amount: '1' },
        ],
      }),
    );
    expect(error.message).toContain('(and 2 more problems)');
    expect(error.detail?.split('\n')).toEqual([
      'contribution c1 of account alice has amount -1, which is negative',
      'contribution c1 is duplicated',
      'contribution c2 refers to unknown account "nobody"',
    ]);
  });
});

describe('amount and day parsing', () => {
  it('accepts amounts far beyond 2^63 as strings and bigints', () => {
    expect(parseAmount('340282366920938463463374607431768211456')).toEqual({ value: 2n ** 128n });
    expect(parseAmount(2n ** 70n)).toEqual({ value: 2n ** 70n });
  });

  it('refuses leading zeros and exponents', () => {
    expect(parseAmount('007')).toEqual({ problem: 'non-numeric' });
    expect(parseAmount('1e3')).toEqual({ problem: 'fractional' });
  });

  it('knows leap days', () => {
    expect(isValidDay('2028-02-29')).toBe(true);
    expect(isValidDay('2026-02-29')).toBe(false);
  });
});
