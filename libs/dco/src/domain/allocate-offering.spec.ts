// Properties and hand-checked examples of the reference allocation (sum exact, caps, order, proportionality).
import fc from 'fast-check';
import { allocateOffering } from './allocate-offering';
import { resultHash } from './result-hash';
import { validateOfferingInput } from './validate-offering-input';

type Weights = Map<string, bigint>;

const asObject = (allocations: { accountId: string; amount: bigint }[]) =>
  Object.fromEntries(allocations.map((allocation) => [allocation.accountId, allocation.amount]));

/** A second, deliberately slow water-filling: fix every binding cap, recompute the level, repeat until stable. */
function idealShares(offered: bigint, weights: Weights, caps: Map<string, bigint>) {
  const fixed = new Map<string, bigint>();
  for (;;) {
    let remaining = offered;
    let total = 0n;
    for (const [id, weight] of weights) {
      if (fixed.has(id)) remaining -= fixed.get(id) as bigint;
      else total += weight;
    }
    if (total === 0n) return { fixed, remaining, total };
    let changed = false;
    for (const [id, weight] of weights) {
      const cap = caps.get(id);
      if (!fixed.has(id) && cap !== undefined && cap * total < remaining * weight) {
        fixed.set(id, cap);
        changed = true;
      }
    }
    if (!changed) return { fixed, remaining, total };
  }
}

const accountId = fc.stringMatching(/^[a-z]{1,3}[0-9]{0,2}$/);
const weight = fc.bigInt({ min: 1n, max: 10n ** 30n });
const smallWeight = fc.bigInt({ min: 1n, max: 1000n });
const offered = fc.bigInt({ min: 1n, max: 10n ** 40n });

const weightsArb = (w: fc.Arbitrary<bigint> = weight) =>
  fc
    .uniqueArray(fc.tuple(accountId, w), { minLength: 1, maxLength: 40, selector: ([id]) => id })
    .map((entries) => new Map(entries));

const withCaps = (w?: fc.Arbitrary<bigint>) =>
  weightsArb(w).chain((weights) =>
    fc
      .tuple(
        fc.constant(weights),
        fc.array(fc.tuple(fc.constantFrom(...weights.keys()), fc.bigInt({ min: 0n, max: 10n ** 12n })), {
          maxLength: 40,
        }),
      )
      .map(([ws, capEntries]) => [ws, new Map(capEntries)] as const),
  );

describe('allocateOffering properties', () => {
  it('allocates exactly the offered amount when nobody is capped', () => {
    fc.assert(
      fc.property(offered, weightsArb(), (amount, weights) => {
        const result = allocateOffering(amount, weights, new Map());
        const sum = result.allocations.reduce((total, allocation) => total + allocation.amount, 0n);
        expect(sum).toBe(amount);
        expect(result.allocated).toBe(amount);
        expect(result.undistributed).toBe(0n);
        expect(result.allocations).toHaveLength(weights.size);
      }),
    );
  });

  it('keeps allocated + undistributed equal to the offered amount, nobody above cap or below zero', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 13n }), withCaps(), (amount, [weights, caps]) => {
        const result = allocateOffering(amount, weights, caps);
        const sum = result.allocations.reduce((total, allocation) => total + allocation.amount, 0n);
        expect(sum).toBe(result.allocated);
        expect(result.allocated + result.undistributed).toBe(amount);
        for (const { accountId: id, amount: given } of result.allocations) {
          expect(given >= 0n).toBe(true);
          const cap = caps.get(id);
          if (cap !== undefined) expect(given <= cap).toBe(true);
        }
        // Something stays undistributed only when every contributor is at its cap.
        if (result.undistributed > 0n) {
          for (const { accountId: id, amount: given } of result.allocations) expect(given).toBe(caps.get(id));
        }
      }),
    );
  });

  it('does not depend on the order of the input', () => {
    fc.assert(
      fc.property(offered, withCaps(), fc.integer(), (amount, [weights, caps], seed) => {
        const entries = [...weights];
        const shuffled = entries
          .map((entry, index) => ({ entry, key: (index * 7919 + seed) % 104729 }))
          .sort((a, b) => a.key - b.key)
          .map(({ entry }) => entry)
          .reverse();
        const first = allocateOffering(amount, weights, caps);
        const second = allocateOffering(amount, new Map(shuffled), new Map([...caps].reverse()));
        expect(second).toEqual(first);
        expect(resultHash(second.allocations)).toBe(resultHash(first.allocations));
      }),
    );
  });

  it('is proportional within one base unit of the exact (water-filled) share', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 6n }), withCaps(smallWeight), (amount, [weights, caps]) => {
        const result = allocateOffering(amount, weights, caps);
        const given = asObject(result.allocations);
        const ideal = idealShares(amount, weights, caps);
        for (const [id, w] of weights) {
          if (ideal.fixed.has(id)) {
            expect(given[id]).toBe(ideal.fixed.get(id));
            continue;
          }
          // |given - remaining * w / total| < 1  <=>  |given * total - remaining * w| < total
          const difference = given[id] * ideal.total - ideal.remaining * w;
          expect(difference < ideal.total && -difference < ideal.total).toBe(true);
        }
      }),
    );
  });

  it('breaks equal remainders towards the smaller account id', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(accountId, { minLength: 2, maxLength: 30 }),
        fc.integer({ min: 1, max: 1000 }),
        (ids, units) => {
          const weights = new Map(ids.map((id) => [id, 5n]));
          const result = allocateOffering(BigInt(units), weights, new Map());
          const base = BigInt(Math.floor(units / ids.length));
          const extra = units % ids.length;
          const sortedIds = [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
          expect(result.allocations.map((allocation) => allocation.accountId)).toEqual(sortedIds);
          result.allocations.forEach((allocation, index) =>
            expect(allocation.amount).toBe(base + (index < extra ? 1n : 0n)),
          );
        },
      ),
    );
  });
});

describe('allocateOffering examples', () => {
  it('splits 10 over three equal contributors as 4/3/3, the extra unit to the smallest id', () => {
    const result = allocateOffering(
      10n,
      new Map([
        ['carol', 2n],
        ['alice', 2n],
        ['bob', 2n],
      ]),
      new Map(),
    );
    expect(asObject(result.allocations)).toEqual({ alice: 4n, bob: 3n, carol: 3n });
  });

  it('gives the leftover units to the largest remainders first', () => {
    // 100 * (1, 2, 4) / 7 = 14.28, 28.57, 57.14 -> floors 14 + 28 + 57 = 99, the unit goes to b (remainder .57).
    const result = allocateOffering(
      100n,
      new Map([
        ['a', 1n],
        ['b', 2n],
        ['c', 4n],
      ]),
      new Map(),
    );
    expect(asObject(result.allocations)).toEqual({ a: 14n, b: 29n, c: 57n });
  });

  it('gives everything to a single contributor', () => {
    const result = allocateOffering(1_000_000n, new Map([['solo', 3n]]), new Map());
    expect(result).toEqual({
      allocations: [{ accountId: 'solo', amount: 1_000_000n }],
      allocated: 1_000_000n,
      undistributed: 0n,
      cappedCount: 0,
    });
  });

  it('caps a single contributor and reports the rest undistributed', () => {
    const result = allocateOffering(1000n, new Map([['solo', 3n]]), new Map([['solo', 250n]]));
    expect(result).toEqual({
      allocations: [{ accountId: 'solo', amount: 250n }],
      allocated: 250n,
      undistributed: 750n,
      cappedCount: 1,
    });
  });

  it('redistributes a capped excess to the uncapped accounts pro rata, repeatedly', () => {
    // Level 100/4 = 25: a (cap 10) binds -> 90 over b, c, d: 30 each -> b (cap 20) binds -> 70 over c, d = 35 each.
    const weights = new Map([
      ['a', 1n],
      ['b', 1n],
      ['c', 1n],
      ['d', 1n],
    ]);
    const result = allocateOffering(
      100n,
      weights,
      new Map([
        ['a', 10n],
        ['b', 20n],
        ['c', 1000n],
      ]),
    );
    expect(asObject(result.allocations)).toEqual({ a: 10n, b: 20n, c: 35n, d: 35n });
    expect(result.cappedCount).toBe(2);
  });

  it('reports what is left when every account is capped', () => {
    const weights = new Map([
      ['a', 5n],
      ['b', 1n],
    ]);
    const result = allocateOffering(
      100n,
      weights,
      new Map([
        ['a', 30n],
        ['b', 0n],
      ]),
    );
    expect(asObject(result.allocations)).toEqual({ a: 30n, b: 0n });
    expect(result.undistributed).toBe(70n);
    expect(result.cappedCount).toBe(2);
  });

  it('offers nothing and keeps everything undistributed when nobody contributed', () => {
    expect(allocateOffering(7n, new Map(), new Map())).toEqual({
      allocations: [],
      allocated: 0n,
      undistributed: 7n,
      cappedCount: 0,
    });
  });

  it('stays exact for amounts near and beyond 2^63', () => {
    const max = 2n ** 63n - 1n;
    const weights = new Map([
      ['x', max],
      ['y', max],
      ['z', 1n],
    ]);
    // offered = 2^64: shares are 2^64 * (2^63-1) / (2^64-1) each for x and y, tiny for z.
    const total = 2n * max + 1n;
    const offeredAmount = 2n ** 64n;
    const result = allocateOffering(offeredAmount, weights, new Map());
    const floorXY = (offeredAmount * max) / total;
    const floorZ = offeredAmount / total;
    const leftover = offeredAmount - 2n * floorXY - floorZ;
    expect(leftover).toBe(1n);
    // x and y have equal remainders, larger than z's; x wins the tie by id.
    expect(asObject(result.allocations)).toEqual({ x: floorXY + 1n, y: floorXY, z: floorZ });
    expect(result.allocations.reduce((sum, a) => sum + a.amount, 0n)).toBe(offeredAmount);
  });

  it('handles 10^60 base units with caps above 2^63', () => {
    const offeredAmount = 10n ** 60n;
    const cap = 2n ** 70n;
    const result = allocateOffering(
      offeredAmount,
      new Map([
        ['big', 1n],
        ['small', 1n],
      ]),
      new Map([['big', cap]]),
    );
    expect(asObject(result.allocations)).toEqual({ big: cap, small: offeredAmount - cap });
  });

  // Correctness at full scale only: how fast it is, is measured by `npm run bench -- dco` (compute_s), not here.
  it('validates 1M contributions over 100k accounts and allocates them exactly', () => {
    const id = (index: number) => `acct-${String(index).padStart(6, '0')}`;
    const accounts = Array.from({ length: 100_000 }, (_, index) => ({
      accountId: id(index),
      ...(index % 10 === 0 ? { cap: '1000000000000000' } : {}),
    }));
    const contributions = Array.from({ length: 1_000_000 }, (_, index) => ({
      contributionId: `c-${index}`,
      accountId: id((index * 7919) % 100_000),
      amount: String(1 + ((index * 104729) % 99_991)) + '000000000000',
    }));
    const input = validateOfferingInput({
      day: '2026-11-26',
      offered: '1000000000000000000000000',
      accounts,
      contributions,
    });
    const result = allocateOffering(input.offered, input.weights, input.caps);
    const hash = resultHash(result.allocations);
    expect(result.allocations).toHaveLength(100_000);
    expect(result.allocated + result.undistributed).toBe(10n ** 24n);
    expect(
      result.allocations.filter(
        (allocation) => allocation.amount > (input.caps.get(allocation.accountId) ?? allocation.amount),
      ),
    ).toEqual([]);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
  });
});
