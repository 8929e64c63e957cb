// The ledger write fence's contract (ADR 0006), run against the in-memory fake (unit) and a real server (int-spec).
import { CodedError } from '@dco/contracts';
import { GraphDatabase } from './graph-database.port';

export interface LedgerWriteFenceSubject {
  db: GraphDatabase;
  /** Creates the fence open, as the ledger's schema migration 5 does. */
  createFence(): Promise<void>;
  /** One ledger write transaction as the Neo4j ledger makes it: passes the fence (counted) or is refused. */
  ledgerWrite(): Promise<void>;
  nodeCount(): Promise<number>;
}

const codeOf = (promise: Promise<unknown>): Promise<string> =>
  promise.then(
    () => 'done',
    (error: unknown) => (error instanceof CodedError ? error.code : `uncoded: ${String(error)}`),
  );

export function describeLedgerWriteFenceContract(name: string, subject: () => Promise<LedgerWriteFenceSubject>): void {
  describe(`${name}: the ledger write fence (ADR 0006)`, () => {
    const close = (db: GraphDatabase, expectedWrites: number) =>
      db.closeLedgerWrites({
        closedBy: 'run-fence',
        closedAt: '2026-12-07T00:00:00.000Z',
        expectedWrites,
        generation: 7,
      });

    it('opens a graph without a fence without writing anything, counting no write', async () => {
      const { db, nodeCount } = await subject();
      const [nodes, marker] = [await nodeCount(), await db.changeMarker()];
      expect(await db.openLedgerWrites()).toBe(0);
      expect(await db.readLedgerWriteFence()).toBeUndefined();
      expect(await db.changeMarker()).toBe(marker);
      expect(await nodeCount()).toBe(nodes);
    });

    it('closes a graph without a fence by creating it closed, and opening it removes it again', async () => {
      const { db, ledgerWrite, nodeCount } = await subject();
      const nodes = await nodeCount();
      await close(db, 0);
      expect(await codeOf(ledgerWrite())).toBe('DB.WRITES_FROZEN');
      expect(await nodeCount()).toBe(nodes + 1);
      expect(await db.openLedgerWrites()).toBe(0);
      expect(await nodeCount()).toBe(nodes);
      expect(await codeOf(ledgerWrite())).toBe('done');
    });

    it('counts ledger writes, refuses to close on another count (the fence stays open), and keeps its fence when opened', async () => {
      const { db, createFence, ledgerWrite, nodeCount } = await subject();
      await createFence();
      await ledgerWrite();
      await ledgerWrite();
      expect(await db.openLedgerWrites()).toBe(2);
      expect(await codeOf(close(db, 1))).toBe('DB.SOURCE_CHANGED');
      expect(await codeOf(ledgerWrite())).toBe('done');
      await close(db, 3);
      expect(await db.readLedgerWriteFence()).toEqual({
        closed: true,
        writes: 3,
        closedBy: 'run-fence',
        closedGeneration: 7,
      });
      const nodes = await nodeCount();
      expect(await codeOf(ledgerWrite())).toBe('DB.WRITES_FROZEN');
      expect(await db.openLedgerWrites()).toBe(3);
      expect(await nodeCount()).toBe(nodes);
      expect(await codeOf(ledgerWrite())).toBe('done');
      expect(await db.openLedgerWrites()).toBe(4);
      expect(await db.readLedgerWriteFence()).toEqual({ closed: false, writes: 4 });
    });
  });
}
