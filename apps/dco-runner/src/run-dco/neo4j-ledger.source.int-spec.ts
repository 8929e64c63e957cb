// The dco-runner follows the blue-green connection pointer to its Neo4j and holds writes while a cutover freezes them.
import { systemClock } from '@dco/contracts';
import { DEFAULT_NEO4J_URI } from '@dco/dco';
import { ConnectionPointer, InMemoryConnectionPointerStore } from '@dco/neo4j';
import { stackNeo4jCredentials } from '@dco/testing';
import { Neo4jLedgerSource } from './neo4j-ledger.source';

const BLUE = process.env.NEO4J_URI ?? DEFAULT_NEO4J_URI;
const UNREACHABLE = 'bolt://127.0.0.1:1';
const LOGIN = stackNeo4jCredentials();

const pointerTo = (boltUri: string, writes: 'open' | 'frozen', generation: number): ConnectionPointer => ({
  current: { instanceId: 'local-blue', boltUri, version: '5.20.0' },
  writes,
  generation,
  updatedAt: new Date().toISOString(),
});

describe('Neo4jLedgerSource', () => {
  it('uses the server the pointer names, not the configured default', async () => {
    const pointer = new InMemoryConnectionPointerStore();
    await pointer.write(pointerTo(BLUE, 'open', 1));
    const source = new Neo4jLedgerSource({
      defaultUri: UNREACHABLE,
      pointer,
      ...LOGIN,
      freezeWaitMs: 1_000,
      clock: systemClock,
    });
    try {
      const ledger = await source.ledger();
      expect(await ledger.findOffering('2026-02-28')).toBeNull();
      expect(await source.ledger()).toBe(ledger);
    } finally {
      await source.close();
    }
  });

  it('waits while writes are frozen and proceeds once the pointer opens them', async () => {
    const pointer = new InMemoryConnectionPointerStore();
    await pointer.write(pointerTo(UNREACHABLE, 'frozen', 1));
    const source = new Neo4jLedgerSource({
      defaultUri: UNREACHABLE,
      pointer,
      ...LOGIN,
      freezeWaitMs: 30_000,
      clock: systemClock,
    });
    try {
      const pending = source.ledger();
      await pointer.write(pointerTo(BLUE, 'open', 2));
      const ledger = await pending;
      expect(await ledger.findOffering('2026-02-28')).toBeNull();
    } finally {
      await source.close();
    }
  });

  it('gives up on a freeze that outlasts its patience', async () => {
    const pointer = new InMemoryConnectionPointerStore();
    await pointer.write(pointerTo(BLUE, 'frozen', 1));
    const source = new Neo4jLedgerSource({ defaultUri: BLUE, pointer, freezeWaitMs: 50, clock: systemClock });
    await expect(source.ledger()).rejects.toThrow(
      'Neo4j writes are still frozen by the connection pointer at memory:neo4j-pointer after 50 ms',
    );
  });
});
