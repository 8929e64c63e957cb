// The runner's account limit: DCO_MAX_DAY_ACCOUNTS, or what its heap holds when that is less (ADR 0020, ADR 0035).
import { accountsTheHeapHolds, dayAccountLimit, DEFAULT_MAX_DAY_ACCOUNTS } from './read-offering-input';

const MIB = 1024 * 1024;

describe('dayAccountLimit', () => {
  it('holds (heap - 64 MiB) / 400 bytes accounts, and none on a heap smaller than the runner itself', () => {
    expect(accountsTheHeapHolds(640 * MIB)).toBe(1_509_949);
    expect(accountsTheHeapHolds(80 * MIB)).toBe(41_943);
    expect(accountsTheHeapHolds(32 * MIB)).toBe(0);
  });

  it('keeps DCO_MAX_DAY_ACCOUNTS when the heap holds it', () => {
    expect(dayAccountLimit({ pageRows: 1, heapLimitBytes: 4096 * MIB })).toEqual({
      maxAccounts: DEFAULT_MAX_DAY_ACCOUNTS,
    });
    expect(dayAccountLimit({ pageRows: 1, maxAccounts: 1_000, heapLimitBytes: 80 * MIB }).maxAccounts).toBe(1_000);
  });

  it('lowers it to what the heap holds, saying so', () => {
    // About what V8 gives a runner in a 1 GiB container without --max-old-space-size: half the day of the 10M bench.
    expect(dayAccountLimit({ pageRows: 1, heapLimitBytes: 256 * MIB })).toEqual({
      maxAccounts: 503_316,
      limitedBy:
        "the runner's 256 MiB heap holds at 400 bytes each (give the runner more memory and a larger --max-old-space-size)",
    });
  });

  it("defaults to this process's own heap limit", () => {
    expect(dayAccountLimit({ pageRows: 1 }).maxAccounts).toBeGreaterThan(0);
  });
});
