// The paged fold: exact sums across pages, continued groups, problems remembered by account, the account limit.
import { CodedError } from '@dco/contracts';
import { DayInputAccumulator, MAX_PROBLEM_ACCOUNTS } from './day-input.accumulator';

const DAY = '2026-11-26';

describe('DayInputAccumulator', () => {
  it('folds pages into exact weights and caps, an account continued across pages into one weight', () => {
    const accumulator = new DayInputAccumulator(DAY, '100');
    accumulator.add([
      { accountId: 'a', known: true, cap: '7', amounts: ['1', (2n ** 64n).toString()] },
      { accountId: 'b', known: true, amounts: ['5'] },
    ]);
    accumulator.add([{ accountId: 'b', known: true, amounts: ['6', 2n], continued: true }]);
    accumulator.add([{ accountId: 'c', known: true, amounts: [3] }]);
    expect(accumulator.result()).toEqual({
      input: {
        day: DAY,
        offered: 100n,
        weights: new Map([
          ['a', 2n ** 64n + 1n],
          ['b', 13n],
          ['c', 3n],
        ]),
        caps: new Map([['a', 7n]]),
        contributionCount: 6,
      },
    });
  });

  it('remembers the accounts with a problem, and an account met twice without being continued', () => {
    const accumulator = new DayInputAccumulator(DAY, '100');
    accumulator.add([
      { accountId: 'ghost', known: false, amounts: ['1'] },
      { accountId: 'neg', known: true, amounts: ['2', '-1'] },
      { accountId: 'cap', known: true, cap: 'lots', amounts: ['2'] },
      { accountId: 'ok', known: true, amounts: ['2'] },
    ]);
    accumulator.add([{ accountId: 'ok', known: true, amounts: ['2'] }]);
    expect(accumulator.result()).toEqual({
      problems: { accountIds: ['ghost', 'neg', 'cap', 'ok'], problemAccounts: 4 },
    });
  });

  it(`names at most ${MAX_PROBLEM_ACCOUNTS} accounts and counts the rest`, () => {
    const accumulator = new DayInputAccumulator(DAY, '100');
    accumulator.add(
      Array.from({ length: 70 }, (_, index) => ({ accountId: `g${index}`, known: false, amounts: ['1'] })),
    );
    const result = accumulator.result();
    expect('problems' in result && result.problems.accountIds).toHaveLength(MAX_PROBLEM_ACCOUNTS);
    expect('problems' in result && result.problems.problemAccounts).toBe(70);
  });

  it('refuses the account past the limit with DCO.DAY_TOO_LARGE, as soon as the page that brings it', () => {
    const accumulator = new DayInputAccumulator(DAY, '100', { maxAccounts: 2 });
    accumulator.add([
      { accountId: 'a', known: true, amounts: ['1'] },
      { accountId: 'b', known: true, amounts: ['1'] },
    ]);
    accumulator.add([{ accountId: 'b', known: true, amounts: ['1'], continued: true }]);
    let refusal: unknown;
    try {
      accumulator.add([{ accountId: 'c', known: true, amounts: ['1'] }]);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(CodedError);
    expect(refusal).toMatchObject({ code: 'DCO.DAY_TOO_LARGE' });
    expect((refusal as Error).message).toContain(`the offering of ${DAY} has more than 2 contributing accounts`);
  });

  it('rejects a malformed day and offered amount at once, as validation does', () => {
    expect(() => new DayInputAccumulator('2026-13-01', '5')).toThrow(
      expect.objectContaining({ code: 'DCO.INVALID_INPUT' }),
    );
    expect(() => new DayInputAccumulator(DAY, '-5')).toThrow(expect.objectContaining({ code: 'DCO.INVALID_INPUT' }));
  });
});
