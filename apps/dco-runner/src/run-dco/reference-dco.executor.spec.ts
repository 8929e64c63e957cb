// The reference runner on the in-memory ledger: completes, reuses, resumes after a failure mid-write, rejects bad input.
import { CodedError, Clock, IdGenerator } from '@dco/contracts';
import { AccountRecord, Allocation, ContributionRecord, DcoLedger, InMemoryDcoLedger, resultHash } from '@dco/dco';
import { ReferenceDcoExecutor } from './reference-dco.executor';
import { HEAP_BYTES_PER_ACCOUNT, RUNNER_BASE_HEAP_BYTES } from './read-offering-input';
import { verifyStoredOffering } from './verify-stored-offering';

const DAY = '2026-11-26';
const clock: Clock = { now: () => new Date('2026-11-26T09:00:00.000Z') };
const sequentialIds = (): IdGenerator => {
  let next = 0;
  return { next: () => `offering-${++next}` };
};

/** A ledger whose writes fail after `healthyBatches` batches: the outside fault of a crash mid-write. */
class FailingAfterLedger extends InMemoryDcoLedger {
  writes = 0;
  constructor(private healthyBatches: number) {
    super();
  }
  heal(): void {
    this.healthyBatches = Number.POSITIVE_INFINITY;
  }
  override async writeAllocations(offeringId: string, allocations: readonly Allocation[]): Promise<void> {
    if (this.writes >= this.healthyBatches) throw new Error('connection reset by peer');
    this.writes += 1;
    await super.writeAllocations(offeringId, allocations);
  }
}

async function seed(ledger: DcoLedger, accounts: AccountRecord[], contributions: ContributionRecord[]): Promise<void> {
  await ledger.upsertAccounts(accounts);
  await ledger.addContributions(DAY, contributions);
}

const manyAccounts = (count: number) =>
  Array.from({ length: count }, (_, index) => ({ accountId: `acct-${String(index).padStart(4, '0')}` }));
const manyContributions = (count: number, accounts: number) =>
  Array.from({ length: count }, (_, index) => ({
    contributionId: `c-${index}`,
    accountId: `acct-${String((index * 37) % accounts).padStart(4, '0')}`,
    amount: String(1 + ((index * 7919) % 1000)),
  }));

async function rejection(promise: Promise<unknown>): Promise<CodedError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CodedError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('ReferenceDcoExecutor', () => {
  const request = { day: DAY, runId: `dco-${DAY}`, afterRollback: false };

  it('allocates the day, stores every allocation and completes the offering', async () => {
    const ledger = new InMemoryDcoLedger();
    await seed(
      ledger,
      [{ accountId: 'alice' }, { accountId: 'bob', cap: '300' }, { accountId: 'carol' }],
      [
        { contributionId: 'c1', accountId: 'alice', amount: '10' },
        { contributionId: 'c2', accountId: 'bob', amount: '30' },
        { contributionId: 'c3', accountId: 'carol', amount: '10' },
      ],
    );
    const executor = new ReferenceDcoExecutor(
      ledger,
      { clock, ids: sequentialIds() },
      { dailyAmount: '1000', batchSize: 2 },
    );
    const phases: string[] = [];
    const result = await executor.execute(request, { phase: (name) => phases.push(name) });

    // bob: 600 pro rata, capped at 300; 700 over alice and carol: 350 each.
    const expected = [
      { accountId: 'alice', amount: 350n },
      { accountId: 'bob', amount: 300n },
      { accountId: 'carol', amount: 350n },
    ];
    expect(result).toEqual({
      day: DAY,
      offeringId: 'offering-1',
      offered: '1000',
      allocated: '1000',
      undistributed: '0',
      allocationCount: 3,
      contributionCount: 3,
      resultHash: resultHash(expected),
      reused: false,
    });
    expect(await ledger.readAllocations(DAY)).toEqual(expected);
    expect(phases).toEqual(['read', 'compute', 'write']);
    expect((await verifyStoredOffering(ledger, DAY)).violations).toEqual([]);
  });

  it('returns the stored result of a completed day without writing again', async () => {
    const ledger = new FailingAfterLedger(Number.POSITIVE_INFINITY);
    await seed(ledger, manyAccounts(10), manyContributions(50, 10));
    const executor = new ReferenceDcoExecutor(
      ledger,
      { clock, ids: sequentialIds() },
      { dailyAmount: '999', batchSize: 3 },
    );
    const first = await executor.execute(request);
    const writes = ledger.writes;
    const second = await executor.execute({ ...request, runId: `dco-${DAY}-r1` });
    expect(second).toEqual({ ...first, reused: true });
    expect(ledger.writes).toBe(writes);
  });

  it('resumes after a failure in the middle of the writes with the same hash and no duplicate', async () => {
    const clean = new InMemoryDcoLedger();
    await seed(clean, manyAccounts(100), manyContributions(1000, 100));
    const reference = await new ReferenceDcoExecutor(
      clean,
      { clock, ids: sequentialIds() },
      { dailyAmount: '1000003', batchSize: 7 },
    ).execute(request);

    const ledger = new FailingAfterLedger(5);
    await seed(ledger, manyAccounts(100), manyContributions(1000, 100));
    const executor = new ReferenceDcoExecutor(
      ledger,
      { clock, ids: sequentialIds() },
      { dailyAmount: '1000003', batchSize: 7 },
    );
    await expect(executor.execute(request)).rejects.toThrow('connection reset by peer');
    expect((await ledger.findOffering(DAY))?.status).toBe('PENDING');
    expect(await ledger.readAllocations(DAY)).toHaveLength(35);

    ledger.heal();
    const resumed = await executor.execute(request);
    expect(resumed.resultHash).toBe(reference.resultHash);
    expect(resumed.offeringId).toBe('offering-1');
    expect(await ledger.readAllocations(DAY)).toEqual(await clean.readAllocations(DAY));
  });

  it('gives two racing runners one offering and one result', async () => {
    const ledger = new InMemoryDcoLedger();
    await seed(ledger, manyAccounts(30), manyContributions(300, 30));
    const ids = sequentialIds();
    const runner = () => new ReferenceDcoExecutor(ledger, { clock, ids }, { dailyAmount: '12345', batchSize: 4 });
    const [a, b] = await Promise.all([runner().execute(request), runner().execute(request)]);
    expect(a.offeringId).toBe(b.offeringId);
    expect(a.resultHash).toBe(b.resultHash);
    expect(await ledger.readAllocations(DAY)).toHaveLength(30);
  });

  it('returns the result of a racing runner that completed the day while this one was writing', async () => {
    const shared = new InMemoryDcoLedger();
    await seed(shared, manyAccounts(20), manyContributions(100, 20));
    const ids = sequentialIds();
    const other = new ReferenceDcoExecutor(shared, { clock, ids }, { dailyAmount: '777', batchSize: 100 });
    let batches = 0;
    // Before this runner's second batch, the other runner runs the whole day to completion.
    const interleaved: DcoLedger = Object.assign(Object.create(shared) as DcoLedger, {
      writeAllocations: async (offeringId: string, allocations: readonly Allocation[]) => {
        batches += 1;
        if (batches === 2) await other.execute(request);
        return shared.writeAllocations(offeringId, allocations);
      },
    });
    const slow = new ReferenceDcoExecutor(
      interleaved,
      { clock, ids },
      { dailyAmount: '777', batchSize: 5, writeConcurrency: 1 },
    );
    const result = await slow.execute(request);
    expect(result.reused).toBe(true);
    expect(result.resultHash).toBe((await shared.findOffering(DAY))?.completion?.resultHash);
    expect(await shared.readAllocations(DAY)).toHaveLength(20);
  });

  it('plans a dry run without writing anything', async () => {
    const ledger = new InMemoryDcoLedger();
    await seed(ledger, manyAccounts(5), manyContributions(20, 5));
    const plan = await new ReferenceDcoExecutor(
      ledger,
      { clock, ids: sequentialIds() },
      { dailyAmount: '100', batchSize: 10 },
    ).plan(DAY);
    expect(plan.result.allocated).toBe(100n);
    expect(plan.existing).toBeNull();
    expect(await ledger.findOffering(DAY)).toBeNull();
  });

  describe('rejects bad input before writing anything', () => {
    it.each<[string, AccountRecord[], ContributionRecord[], string, RegExp]>([
      [
        'a negative amount',
        [{ accountId: 'a' }],
        [{ contributionId: 'c1', accountId: 'a', amount: '-1' }],
        '100',
        /amount -1, which is negative/,
      ],
      [
        'a zero amount',
        [{ accountId: 'a' }],
        [{ contributionId: 'c1', accountId: 'a', amount: '0' }],
        '100',
        /amount 0, which is zero/,
      ],
      [
        'a fractional amount',
        [{ accountId: 'a' }],
        [{ contributionId: 'c1', accountId: 'a', amount: '1.5' }],
        '100',
        /amount "1.5", which is fractional/,
      ],
      [
        'a non-numeric amount',
        [{ accountId: 'a' }],
        [{ contributionId: 'c1', accountId: 'a', amount: 'x' }],
        '100',
        /amount "x", which is not a number/,
      ],
      [
        'an unknown account',
        [{ accountId: 'a' }],
        [{ contributionId: 'c1', accountId: 'b', amount: '1' }],
        '100',
        /refers to unknown account "b"/,
      ],
      [
        'a cap below zero',
        [{ accountId: 'a', cap: '-5' }],
        [{ contributionId: 'c1', accountId: 'a', amount: '1' }],
        '100',
        /cap -5 of account a is below zero/,
      ],
      [
        'an offered amount of zero',
        [{ accountId: 'a' }],
        [{ contributionId: 'c1', accountId: 'a', amount: '1' }],
        '0',
        /offered amount 0 is zero/,
      ],
    ])('%s', async (_label, accounts, contributions, dailyAmount, message) => {
      const ledger = new InMemoryDcoLedger();
      await seed(ledger, accounts, contributions);
      const executor = new ReferenceDcoExecutor(
        ledger,
        { clock, ids: sequentialIds() },
        { dailyAmount, batchSize: 10 },
      );
      const error = await rejection(executor.execute(request));
      expect(error.code).toBe('DCO.INVALID_INPUT');
      expect(error.message).toMatch(message);
      expect(await ledger.findOffering(DAY)).toBeNull();
    });

    it('a malformed day', async () => {
      const ledger = new InMemoryDcoLedger();
      const executor = new ReferenceDcoExecutor(
        ledger,
        { clock, ids: sequentialIds() },
        { dailyAmount: '1', batchSize: 1 },
      );
      const error = await rejection(executor.execute({ ...request, day: '2026-11-31' }));
      expect(error.code).toBe('DCO.INVALID_INPUT');
      expect(error.message).toContain('day "2026-11-31" is malformed');
    });

    it('names the problem of a contribution in a later page, and a contribution lacking its account id', async () => {
      const ledger = new InMemoryDcoLedger();
      await seed(ledger, manyAccounts(50), [
        ...manyContributions(400, 50),
        { contributionId: 'bad', accountId: 'acct-0049', amount: '2.5' },
        { contributionId: 'orphan', accountId: null as unknown as string, amount: '3' },
      ]);
      const executor = new ReferenceDcoExecutor(
        ledger,
        { clock, ids: sequentialIds() },
        { dailyAmount: '100', batchSize: 10, readPageRows: 16 },
      );
      const error = await rejection(executor.execute(request));
      expect(error.code).toBe('DCO.INVALID_INPUT');
      expect(error.message).toContain('contribution bad of account acct-0049 has amount "2.5", which is fractional');
      expect(error.detail).toContain('contribution orphan refers to unknown account null');
      expect(await ledger.findOffering(DAY)).toBeNull();
    });

    it('a day with more contributing accounts than the limit: DCO.DAY_TOO_LARGE, no offering', async () => {
      const ledger = new InMemoryDcoLedger();
      await seed(ledger, manyAccounts(30), manyContributions(300, 30));
      const limited = (maxDayAccounts: number) =>
        new ReferenceDcoExecutor(
          ledger,
          { clock, ids: sequentialIds() },
          { dailyAmount: '100', batchSize: 10, readPageRows: 20, maxDayAccounts },
        );
      const error = await rejection(limited(29).execute(request));
      expect(error.code).toBe('DCO.DAY_TOO_LARGE');
      expect(error.message).toContain(`the offering of ${DAY} has more than 29 contributing accounts`);
      expect(await ledger.findOffering(DAY)).toBeNull();
      expect((await limited(30).execute(request)).allocationCount).toBe(30);
    });

    it("a day with more contributing accounts than the runner's heap holds: DCO.DAY_TOO_LARGE naming the heap, no offering", async () => {
      const ledger = new InMemoryDcoLedger();
      await seed(ledger, manyAccounts(30), manyContributions(300, 30));
      const withHeap = (accounts: number) =>
        new ReferenceDcoExecutor(
          ledger,
          { clock, ids: sequentialIds() },
          {
            dailyAmount: '100',
            batchSize: 10,
            readPageRows: 20,
            heapLimitBytes: RUNNER_BASE_HEAP_BYTES + accounts * HEAP_BYTES_PER_ACCOUNT,
          },
        );
      const error = await rejection(withHeap(29).execute(request));
      expect(error.code).toBe('DCO.DAY_TOO_LARGE');
      expect(error.message).toContain(
        `the offering of ${DAY} has more than 29 contributing accounts, more than the runner's 64 MiB heap holds at 400 bytes each`,
      );
      expect(await ledger.findOffering(DAY)).toBeNull();
      expect((await withHeap(30).execute(request)).allocationCount).toBe(30);
    });

    it('a duplicated contribution id (refused by the ledger when recorded)', async () => {
      const ledger = new InMemoryDcoLedger();
      await ledger.upsertAccounts([{ accountId: 'a' }]);
      const error = await rejection(
        ledger.addContributions(DAY, [
          { contributionId: 'c1', accountId: 'a', amount: '1' },
          { contributionId: 'c1', accountId: 'a', amount: '2' },
        ]),
      );
      expect(error.code).toBe('DCO.INVALID_INPUT');
      expect(error.message).toContain('contribution c1 is duplicated');
    });
  });

  it('verification reports tampered allocations', async () => {
    const ledger = new InMemoryDcoLedger();
    await seed(
      ledger,
      [{ accountId: 'a', cap: '50' }, { accountId: 'b' }],
      [
        { contributionId: 'c1', accountId: 'a', amount: '1' },
        { contributionId: 'c2', accountId: 'b', amount: '1' },
      ],
    );
    await new ReferenceDcoExecutor(
      ledger,
      { clock, ids: sequentialIds() },
      { dailyAmount: '100', batchSize: 10 },
    ).execute(request);
    const tampered: DcoLedger = Object.assign(Object.create(ledger) as DcoLedger, {
      readAllocations: async () => [
        { accountId: 'a', amount: 60n },
        { accountId: 'b', amount: 50n },
      ],
    });
    const verification = await verifyStoredOffering(tampered, DAY);
    expect(verification.ok).toBe(false);
    expect(verification.violations).toEqual(
      expect.arrayContaining([
        'allocation of account a (60) exceeds its cap 50',
        'allocations sum to 110 but the offering records 100 allocated',
        expect.stringMatching(/^hash of the stored allocations [0-9a-f]{64} != recorded result hash/),
      ]),
    );
  });
});
