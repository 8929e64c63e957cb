// The fake's view of the DCO ledger, which the migration's validation checks (allocated = sum of allocations): allocations
// in pages (ADR 0035) and, on a graph written before them, one Allocation node each.
import { ledgerViolations } from '../transfer/validate-graph';
import { InMemoryGraphDatabase } from './in-memory-graph-database.fake';

function offering(db: InMemoryGraphDatabase, day: string, allocated: string): string {
  return db.createNode(
    ['Offering'],
    [
      ['allocated', ['s', allocated]],
      ['day', ['s', day]],
    ],
  );
}

function page(db: InMemoryGraphDatabase, of: string, amounts: string[]): void {
  const node = db.createNode(
    ['AllocationPage'],
    [
      ['accountIds', ['l', amounts.map((_, i) => ['s', `acc-${i}`] as ['s', string])]],
      ['amounts', ['l', amounts.map((amount) => ['s', amount] as ['s', string])]],
    ],
  );
  db.createRelationship('OF', node, of, []);
}

describe('InMemoryGraphDatabase.ledger', () => {
  it('sums the amounts of every page of an offering, and of Allocation nodes written before pages', async () => {
    const db = new InMemoryGraphDatabase('memory://ledger', '5.26.19');
    const paged = offering(db, '2026-01-02', '100000000000000000010');
    page(db, paged, ['100000000000000000000', '7']);
    page(db, paged, ['3']);
    const legacy = offering(db, '2026-01-01', '10');
    db.createRelationship('OF', db.createNode(['Allocation'], [['amount', ['s', '10']]]), legacy, []);

    expect(await db.ledger()).toEqual([
      { day: '2026-01-01', allocated: '10', amounts: ['10'] },
      { day: '2026-01-02', allocated: '100000000000000000010', amounts: ['100000000000000000000', '7', '3'] },
    ]);
    expect(await ledgerViolations(db)).toEqual([]);
  });

  it('reports an offering whose pages do not sum to what it allocated', async () => {
    const db = new InMemoryGraphDatabase('memory://ledger', '5.26.19');
    page(db, offering(db, '2026-01-03', '10'), ['6', '3']);
    expect(await ledgerViolations(db)).toEqual([{ day: '2026-01-03', allocated: '10', sumOfAllocations: '9' }]);
  });
});
