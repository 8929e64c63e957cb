// The DcoLedger contract: one spec run against the in-memory ledger (unit) and the Neo4j ledger (integration).
import { randomInt, randomUUID } from 'node:crypto';
import { CodedError } from '@dco/contracts';
import { AccountDayContributions, OfferingCompletion } from '../domain';
import { DcoLedger } from './dco-ledger.port';

export interface LedgerContractHarness {
  ledger(): DcoLedger;
  /** Removes what the spec created (its days and its accounts), never anything else. */
  cleanup(created: { days: string[]; accountIds: string[] }): Promise<void>;
}

/** A day no other spec uses: far in the future, random, valid. */
export const uniqueTestDay = (): string =>
  `${randomInt(2200, 9999)}-${String(randomInt(1, 13)).padStart(2, '0')}-${String(randomInt(1, 29)).padStart(2, '0')}`;

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CodedError) return `${error.code}: ${error.message}`;
    throw error;
  }
  return 'resolved';
}

export function describeDcoLedgerContract(name: string, harness: () => LedgerContractHarness): void {
  describe(`DcoLedger contract: ${name}`, () => {
    const created = { days: [] as string[], accountIds: [] as string[] };
    let ledger: DcoLedger;
    const prefix = `lt-${randomUUID().slice(0, 8)}-`;
    const day = () => {
      const value = uniqueTestDay();
      created.days.push(value);
      return value;
    };
    const account = (name: string) => {
      created.accountIds.push(prefix + name);
      return prefix + name;
    };
    const completion = (count: number): OfferingCompletion => ({
      allocated: 100n,
      undistributed: 0n,
      resultHash: 'a'.repeat(64),
      allocationCount: count,
      contributionCount: 2,
      completedAt: '2026-11-26T10:00:00.000Z',
    });

    beforeAll(() => {
      ledger = harness().ledger();
    });
    afterAll(async () => {
      await harness().cleanup(created);
    });

    it("returns a day's contributions with the existing accounts they refer to, amounts and caps beyond 2^63 intact", async () => {
      const [today, other] = [day(), day()];
      const [alice, bob, ghost] = [account('alice'), account('bob'), account('ghost')];
      await ledger.upsertAccounts([{ accountId: alice, cap: (2n ** 70n).toString() }, { accountId: bob }]);
      await ledger.addContributions(today, [
        { contributionId: `${prefix}c1`, accountId: alice, amount: (2n ** 64n + 1n).toString() },
        { contributionId: `${prefix}c2`, accountId: bob, amount: '5' },
        { contributionId: `${prefix}c3`, accountId: ghost, amount: '7' },
      ]);
      await ledger.addContributions(other, [{ contributionId: `${prefix}c4`, accountId: bob, amount: '9' }]);

      const input = await ledger.readDayInput(today);
      const byId = (a: { contributionId: string }, b: { contributionId: string }) =>
        a.contributionId < b.contributionId ? -1 : 1;
      expect([...input.contributions].sort(byId)).toEqual([
        { contributionId: `${prefix}c1`, accountId: alice, amount: '18446744073709551617' },
        { contributionId: `${prefix}c2`, accountId: bob, amount: '5' },
        { contributionId: `${prefix}c3`, accountId: ghost, amount: '7' },
      ]);
      const accounts = [...input.accounts].sort((a, b) => (a.accountId < b.accountId ? -1 : 1));
      expect(accounts).toEqual([{ accountId: alice, cap: '1180591620717411303424' }, { accountId: bob }]);
    });

    it("groups a day's amounts by account, with whether each account exists and its cap", async () => {
      const [today, other] = [day(), day()];
      const [erin, frank, ghost] = [account('erin'), account('frank'), account('ghost2')];
      await ledger.upsertAccounts([{ accountId: erin, cap: (2n ** 70n).toString() }, { accountId: frank }]);
      await ledger.addContributions(today, [
        { contributionId: `${prefix}g1`, accountId: erin, amount: (2n ** 64n + 1n).toString() },
        { contributionId: `${prefix}g2`, accountId: frank, amount: '5' },
        { contributionId: `${prefix}g3`, accountId: erin, amount: '3' },
        { contributionId: `${prefix}g4`, accountId: ghost, amount: '7' },
      ]);
      await ledger.addContributions(other, [{ contributionId: `${prefix}g5`, accountId: frank, amount: '9' }]);

      const pages = await allPages(ledger.readDayPages(today, 2));
      for (const page of pages)
        expect(page.reduce((rows, group) => rows + group.amounts.length, 0)).toBeLessThanOrEqual(2);
      const groups = pages.flat().map((group) => ({ ...group, amounts: [...group.amounts].sort() }));
      expect(groups).toEqual([
        { accountId: erin, known: true, cap: '1180591620717411303424', amounts: ['18446744073709551617', '3'] },
        { accountId: frank, known: true, amounts: ['5'] },
        { accountId: ghost, known: false, amounts: ['7'] },
      ]);
      expect(await allPages(ledger.readDayPages(day(), 2))).toEqual([]);
      expect(await ledger.countDayContributions(today)).toBe(4);
      expect(await ledger.readDayRowsOf(today, [ghost, frank])).toEqual({
        accounts: [{ accountId: frank }],
        contributions: expect.arrayContaining([
          { contributionId: `${prefix}g2`, accountId: frank, amount: '5' },
          { contributionId: `${prefix}g4`, accountId: ghost, amount: '7' },
        ]),
      });
    });

    it('pages an account with more contributions than a page as continued groups of it', async () => {
      const today = day();
      const [gina, hugo] = [account('gina'), account('hugo')];
      await ledger.upsertAccounts([{ accountId: gina, cap: '100' }, { accountId: hugo }]);
      const amounts = ['1', '2', '3', '4', '5'];
      await ledger.addContributions(today, [
        ...amounts.map((amount) => ({ contributionId: `${prefix}h-${amount}`, accountId: gina, amount })),
        { contributionId: `${prefix}h-h`, accountId: hugo, amount: '9' },
      ]);
      const pages = await allPages(ledger.readDayPages(today, 2));
      const ginas = pages.flat().filter((group) => group.accountId === gina);
      expect(ginas.map((group) => group.continued ?? false)).toEqual([false, true, true]);
      expect(ginas.every((group) => group.known && group.cap === '100')).toBe(true);
      expect(ginas.flatMap((group) => group.amounts).sort()).toEqual(amounts);
      expect(pages.flat().filter((group) => group.accountId === hugo)).toEqual([
        { accountId: hugo, known: true, amounts: ['9'] },
      ]);
    });

    it('updates and removes caps', async () => {
      const today = day();
      const carol = account('carol');
      await ledger.upsertAccounts([{ accountId: carol, cap: '10' }]);
      await ledger.addContributions(today, [{ contributionId: `${prefix}c10`, accountId: carol, amount: '1' }]);
      await ledger.upsertAccounts([{ accountId: carol, cap: '20' }]);
      expect((await ledger.readDayInput(today)).accounts).toEqual([{ accountId: carol, cap: '20' }]);
      await ledger.upsertAccounts([{ accountId: carol, cap: null }]);
      expect((await ledger.readDayInput(today)).accounts).toEqual([{ accountId: carol }]);
    });

    it('rejects a contribution id that is already recorded, writing nothing of that batch', async () => {
      const today = day();
      const dave = account('dave');
      await ledger.upsertAccounts([{ accountId: dave }]);
      await ledger.addContributions(today, [{ contributionId: `${prefix}d1`, accountId: dave, amount: '1' }]);
      const outcome = await codeOf(
        ledger.addContributions(today, [
          { contributionId: `${prefix}d2`, accountId: dave, amount: '2' },
          { contributionId: `${prefix}d1`, accountId: dave, amount: '3' },
        ]),
      );
      expect(outcome).toBe(
        `DCO.INVALID_INPUT: contribution ${prefix}d1 is duplicated: a contribution with that id is already recorded`,
      );
      expect((await ledger.readDayInput(today)).contributions).toEqual([
        { contributionId: `${prefix}d1`, accountId: dave, amount: '1' },
      ]);
      const inBatch = await codeOf(
        ledger.addContributions(today, [
          { contributionId: `${prefix}d5`, accountId: dave, amount: '2' },
          { contributionId: `${prefix}d5`, accountId: dave, amount: '3' },
        ]),
      );
      expect(inBatch).toMatch(/^DCO.INVALID_INPUT: contribution .*d5 is duplicated/);
    });

    it('has no offering for a day that never ran', async () => {
      expect(await ledger.findOffering(day())).toBeNull();
      expect(await ledger.readAllocations(day())).toEqual([]);
    });

    it('creates one PENDING offering per day even when runners race for it', async () => {
      const today = day();
      const starts = Array.from({ length: 6 }, (_, index) => ({
        day: today,
        offeringId: `${prefix}o${index}`,
        offered: 2n ** 65n,
        startedAt: `2026-11-26T10:00:0${index}.000Z`,
      }));
      const offerings = await Promise.all(starts.map((start) => ledger.beginOffering(start)));
      const ids = new Set(offerings.map((offering) => offering.offeringId));
      expect(ids.size).toBe(1);
      expect(offerings[0]).toEqual(expect.objectContaining({ day: today, status: 'PENDING', offered: 2n ** 65n }));
      expect(await ledger.findOffering(today)).toEqual(offerings[0]);
    });

    it('writes allocations idempotently per offering and account, and reads them sorted', async () => {
      const today = day();
      const [erin, frank] = [account('erin'), account('frank')];
      await ledger.upsertAccounts([{ accountId: erin }, { accountId: frank }]);
      const offering = await ledger.beginOffering({
        day: today,
        offeringId: `${prefix}ow`,
        offered: 100n,
        startedAt: '2026-11-26T10:00:00.000Z',
      });
      await ledger.writeAllocations(offering.offeringId, [
        { accountId: frank, amount: 2n ** 80n },
        { accountId: erin, amount: 0n },
      ]);
      await ledger.writeAllocations(offering.offeringId, [{ accountId: frank, amount: 60n }]);
      await ledger.writeAllocations(offering.offeringId, [
        { accountId: erin, amount: 40n },
        { accountId: frank, amount: 60n },
      ]);
      expect(await ledger.readAllocations(today)).toEqual([
        { accountId: erin, amount: 40n },
        { accountId: frank, amount: 60n },
      ]);
    });

    it('keeps one allocation per account whatever the batches: interleaved, overlapping, rewritten, racing', async () => {
      const today = day();
      const ids = Array.from({ length: 12 }, (_, i) => account(`m${String(i).padStart(2, '0')}`));
      await ledger.upsertAccounts(ids.map((accountId) => ({ accountId })));
      const offering = await ledger.beginOffering({
        day: today,
        offeringId: `${prefix}om`,
        offered: 1000n,
        startedAt: '2026-11-26T10:00:00.000Z',
      });
      const write = (indexes: number[], amount: (i: number) => bigint) =>
        ledger.writeAllocations(
          offering.offeringId,
          indexes.map((i) => ({ accountId: ids[i], amount: amount(i) })),
        );
      // Every other account, then the ones between (their ranges meet, their accounts do not).
      await write([0, 2, 4, 6, 8, 10], (i) => BigInt(i));
      await write([1, 3, 5, 7, 9, 11], (i) => BigInt(i));
      // A batch spanning parts of both, rewriting some amounts; then two batches at once over the same accounts.
      await write([3, 4, 5, 6], (i) => BigInt(100 + i));
      await Promise.all([write([8, 9, 10], (i) => BigInt(200 + i)), write([9, 10, 11], (i) => BigInt(200 + i))]);
      // An account twice in one batch: the later entry stands.
      await ledger.writeAllocations(offering.offeringId, [
        { accountId: ids[0], amount: 1n },
        { accountId: ids[0], amount: 0n },
      ]);
      const expected = ids.map((accountId, i) => ({
        accountId,
        amount: BigInt(i >= 8 ? 200 + i : i >= 3 && i <= 6 ? 100 + i : i),
      }));
      expect(await ledger.readAllocations(today)).toEqual(expected);
      const completed = await ledger.completeOffering(today, completion(12));
      expect(completed.completion?.allocationCount).toBe(12);
    });

    it('completes only with the expected number of allocations, once, and then refuses more writes', async () => {
      const today = day();
      const gina = account('gina');
      await ledger.upsertAccounts([{ accountId: gina }]);
      const offering = await ledger.beginOffering({
        day: today,
        offeringId: `${prefix}oc`,
        offered: 100n,
        startedAt: '2026-11-26T10:00:00.000Z',
      });
      await ledger.writeAllocations(offering.offeringId, [{ accountId: gina, amount: 100n }]);

      expect(await codeOf(ledger.completeOffering(today, completion(2)))).toBe(
        `DCO.EXECUTION_FAILED: offering of ${today} holds 1 allocations but the computation produced 2: contributions changed during the run or allocations were edited; investigate before completing`,
      );
      expect((await ledger.findOffering(today))?.status).toBe('PENDING');

      const completed = await ledger.completeOffering(today, completion(1));
      expect(completed).toEqual({ ...offering, status: 'COMPLETED', completion: completion(1) });
      const again = await ledger.completeOffering(today, { ...completion(1), resultHash: 'b'.repeat(64) });
      expect(again.completion?.resultHash).toBe('a'.repeat(64));
      expect(await ledger.findOffering(today)).toEqual(completed);

      expect(await codeOf(ledger.writeAllocations(offering.offeringId, [{ accountId: gina, amount: 1n }]))).toBe(
        `DCO.EXECUTION_FAILED: offering ${offering.offeringId} is COMPLETED: allocations can only be written while PENDING`,
      );
      expect(await codeOf(ledger.completeOffering(day(), completion(0)))).toMatch(
        /^DCO.EXECUTION_FAILED: no offering for /,
      );
    });
  });
}

async function allPages(pages: AsyncIterable<AccountDayContributions[]>): Promise<AccountDayContributions[][]> {
  const read: AccountDayContributions[][] = [];
  for await (const page of pages) read.push(page);
  return read;
}
