// The demo generator is deterministic per seed and produces valid input.
import { validateOfferingInput } from '../domain';
import {
  demoAccountId,
  demoContributions,
  generateDemoAccounts,
  generateDemoContributions,
} from './demo-data.generator';

const options = { day: '2026-11-26', accounts: 50, contributions: 500, seed: 42, capEvery: 10, cap: 1000n };

describe('demo data generator', () => {
  it('gives the same data for the same seed and different data for another', () => {
    expect(generateDemoContributions(options)).toEqual(generateDemoContributions(options));
    expect(generateDemoContributions({ ...options, seed: 43 })).not.toEqual(generateDemoContributions(options));
  });

  it('produces input the offering accepts, with every tenth account capped', () => {
    const accounts = generateDemoAccounts(options);
    expect(accounts.filter((account) => account.cap === '1000')).toHaveLength(5);
    const valid = validateOfferingInput({
      day: options.day,
      offered: '1000000',
      accounts,
      contributions: generateDemoContributions(options),
    });
    expect(valid.contributionCount).toBe(500);
    expect(valid.weights.size).toBeGreaterThan(40);
  });

  it('streams the same contributions one at a time, each with the index of its account', () => {
    const streamed = [...demoContributions({ ...options, accountPrefix: 'p-' })];
    expect(streamed.map(({ contribution }) => contribution)).toEqual(
      generateDemoContributions({ ...options, accountPrefix: 'p-' }),
    );
    for (const { contribution, accountIndex } of streamed)
      expect(contribution.accountId).toBe(demoAccountId('p-', accountIndex));
    expect(() => [...demoContributions({ ...options, accounts: 0 })]).toThrow('at least one account');
  });
});
