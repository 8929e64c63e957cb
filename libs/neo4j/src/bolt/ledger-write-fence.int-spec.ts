// The Bolt adapter's ledger write fence on a real server (a scratch 5.20.0), against the contract the fake passes. The
// ledger's own statements are held to it by the blue-green int-spec (a runner's ledger refused by blue after the switch).
import neo4j, { Driver } from 'neo4j-driver';
import { CodedError } from '@dco/contracts';
import { waitFor } from '@dco/probes';
import { describeLedgerWriteFenceContract } from '../ledger-write-fence.contract';
import { LEDGER_WRITE_FENCE } from '../ledger-write-fence';
import { ScratchServer, startScratchServer } from '../testing/scratch-servers';
import { BoltGraphDatabase } from './bolt-graph-database.adapter';
import { boltAuth } from './neo4j-credentials';

let server: ScratchServer;
let driver: Driver;
let db: BoltGraphDatabase;

beforeAll(async () => {
  server = await startScratchServer('5.20.0');
  driver = neo4j.driver(server.boltUri, boltAuth(server.credentials));
  db = new BoltGraphDatabase(server.boltUri, server.credentials);
}, 240_000);
afterAll(async () => {
  await db?.close();
  await driver?.close();
  await server?.dispose();
});

describeLedgerWriteFenceContract('BoltGraphDatabase', async () => {
  await driver.executeQuery('MATCH (n) DETACH DELETE n');
  await driver.executeQuery("CREATE (:Account {accountId: 'a-1'})");
  return {
    db,
    createFence: async () => {
      await driver.executeQuery(
        `MERGE (f:${LEDGER_WRITE_FENCE.label} {name: $name}) ON CREATE SET f.closed = false, f.writes = 0`,
        { name: LEDGER_WRITE_FENCE.name },
      );
    },
    ledgerWrite: async () => {
      const session = driver.session();
      try {
        await session.executeWrite(async (tx) => {
          const { records } = await tx.run(
            `OPTIONAL MATCH (f:${LEDGER_WRITE_FENCE.label} {name: $name})
             SET f.writes = coalesce(f.writes, 0) + 1
             RETURN coalesce(f.closed, false) AS closed`,
            { name: LEDGER_WRITE_FENCE.name },
          );
          if (records[0].get('closed') === true) throw new CodedError('DB.WRITES_FROZEN', 'the write fence is closed');
          await tx.run("CREATE (:Account {accountId: 'a-2'})");
        });
      } finally {
        await session.close();
      }
    },
    nodeCount: async () => (await db.countEntities()).nodes,
  };
});

it('waits for a ledger write in flight (it holds the fence), then counts it: the copy lacks it, so the fence stays open', async () => {
  await driver.executeQuery('MATCH (n) DETACH DELETE n');
  await driver.executeQuery(
    `MERGE (f:${LEDGER_WRITE_FENCE.label} {name: $name}) ON CREATE SET f.closed = false, f.writes = 0`,
    { name: LEDGER_WRITE_FENCE.name },
  );
  const session = driver.session();
  const tx = session.beginTransaction();
  try {
    await tx.run(`MATCH (f:${LEDGER_WRITE_FENCE.label} {name: $name}) SET f.writes = f.writes + 1`, {
      name: LEDGER_WRITE_FENCE.name,
    });
    const closing = db
      .closeLedgerWrites({
        closedBy: 'run-in-flight',
        closedAt: '2026-12-07T00:00:00.000Z',
        expectedWrites: 0,
        generation: 1,
      })
      .then(
        () => 'closed',
        (error: unknown) => (error instanceof CodedError ? error.code : String(error)),
      );
    await waitFor(
      async () => {
        const { records } = await driver.executeQuery(
          "SHOW TRANSACTIONS YIELD currentQuery, status WHERE currentQuery CONTAINS 'closedBy' RETURN status",
        );
        return records.some((record) => String(record.get('status')).startsWith('Blocked'));
      },
      { timeoutMs: 30_000, description: 'the close to wait for the write in flight' },
    );
    await tx.run("CREATE (:Account {accountId: 'in-flight'})");
    await tx.commit();
    expect(await closing).toBe('DB.SOURCE_CHANGED');
    expect(await db.openLedgerWrites()).toBe(1);
  } finally {
    await session.close();
  }
});
