// The dco-runner's offering limits are validated at boot, naming the variable.
import { loadConfig } from '@dco/platform';
import { DcoRunnerConfig } from './dco-runner.config';

const BASE = { DCO_DAILY_AMOUNT: '1000' };

describe('DcoRunnerConfig: the offering read limits', () => {
  it('keeps the documented defaults and takes whole numbers in range', () => {
    expect(loadConfig(DcoRunnerConfig, BASE)).toMatchObject({
      DCO_READ_PAGE_ROWS: 20_000,
      DCO_MAX_DAY_ACCOUNTS: 2_000_000,
    });
    expect(
      loadConfig(DcoRunnerConfig, { ...BASE, DCO_READ_PAGE_ROWS: '5000', DCO_MAX_DAY_ACCOUNTS: '100' }),
    ).toMatchObject({
      DCO_READ_PAGE_ROWS: 5_000,
      DCO_MAX_DAY_ACCOUNTS: 100,
    });
  });

  it.each([
    ['DCO_READ_PAGE_ROWS', 'lots', 'DCO_READ_PAGE_ROWS (got "lots"):'],
    ['DCO_READ_PAGE_ROWS', '2.5', 'DCO_READ_PAGE_ROWS must be a whole number of contributions'],
    ['DCO_READ_PAGE_ROWS', '99', 'DCO_READ_PAGE_ROWS must be at least 100'],
    ['DCO_READ_PAGE_ROWS', '200001', 'DCO_READ_PAGE_ROWS must be at most 200000'],
    ['DCO_MAX_DAY_ACCOUNTS', '0', 'DCO_MAX_DAY_ACCOUNTS must be at least 1'],
    ['DCO_MAX_DAY_ACCOUNTS', '-5', 'DCO_MAX_DAY_ACCOUNTS must be at least 1'],
    ['DCO_MAX_DAY_ACCOUNTS', '1e9', 'DCO_MAX_DAY_ACCOUNTS (got "1e9")'],
    ['DCO_MAX_DAY_ACCOUNTS', '20000001', 'DCO_MAX_DAY_ACCOUNTS must be at most 20000000'],
  ])('refuses %s=%s with CONFIG.INVALID', (name, value, message) => {
    expect(() => loadConfig(DcoRunnerConfig, { ...BASE, [name]: value })).toThrow(message);
    expect(() => loadConfig(DcoRunnerConfig, { ...BASE, [name]: value })).toThrow(
      expect.objectContaining({ code: 'CONFIG.INVALID' }),
    );
  });
});
