// The dco-runner follows the blue-green connection pointer to its Neo4j and holds writes while a cutover freezes them.
import { systemClock } from '@dco/contracts';
import { createNeo4jDriver, DEFAULT_NEO4J_URI } from '@dco/dco';
import { ConnectionPointer, InMemoryConnectionPointerStore } from '@dco/neo4j';
import { FileConnectionPointerStore } from '@dco/neo4j';
import { stackNeo4jCredentials, waitFor } from '@dco/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CodedError } from '@dco/contracts';
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
  /** A source whose pointer names blue with writes open, its configured default unreachable. */
  const sourceOnBlue = async () => {
    const pointer = new InMemoryConnectionPointerStore();
    await pointer.write(pointerTo(BLUE, 'open', 1));
    return new Neo4jLedgerSource({
      defaultUri: UNREACHABLE,
      pointer,
      ...LOGIN,
      freezeWaitMs: 1_000,
      clock: systemClock,
    });
  };

  it('uses the server the pointer names, not the configured default', async () => {
    const source = await sourceOnBlue();
    try {
      const ledger = await source.ledger();
      expect(await ledger.findOffering('2026-02-28')).toBeNull();
      expect(await source.ledger()).toBe(ledger);
    } finally {
      await source.close();
    }
  });

  it('hands callers that ask at once one ledger, none of them left on a driver closed under it', async () => {
    const source = await sourceOnBlue();
    try {
      const [first, second] = await Promise.all([source.ledger(), source.ledger()]);
      expect(second).toBe(first);
      expect(await first.findOffering('2026-02-28')).toBeNull();
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

  describe('warmUp (the service opens its ledger at start)', () => {
    it('opens the ledger the pointer names before any command, which then gets that same ledger', async () => {
      const source = await sourceOnBlue();
      try {
        expect(await source.warmUp()).toBe(true);
        const ledger = await source.ledger();
        expect(await source.ledger()).toBe(ledger);
        expect(await ledger.findOffering('2026-02-28')).toBeNull();
      } finally {
        await source.close();
      }
    });

    it.each([
      [
        'opens nothing while writes are frozen',
        'frozen',
        (warming: Promise<boolean>) => expect(warming).resolves.toBe(false),
      ],
      [
        'fails on a server that does not answer yet',
        'open',
        (warming: Promise<boolean>) => expect(warming).rejects.toThrow(),
      ],
    ] as const)(
      '%s, and the first command opens the ledger once the pointer names blue, open',
      async (_, writes, check) => {
        const pointer = new InMemoryConnectionPointerStore();
        await pointer.write(pointerTo(UNREACHABLE, writes, 1));
        const source = new Neo4jLedgerSource({
          defaultUri: UNREACHABLE,
          pointer,
          ...LOGIN,
          freezeWaitMs: 1_000,
          clock: systemClock,
        });
        try {
          await check(source.warmUp());
          await pointer.write(pointerTo(BLUE, 'open', 2));
          expect(await (await source.ledger()).findOffering('2026-02-28')).toBeNull();
        } finally {
          await source.close();
        }
      },
    );

    it('closed while it opens: the opening fails, and no ledger is handed out after the close', async () => {
      const source = await sourceOnBlue();
      const warming = source.warmUp().then(
        (opened) => (opened ? 'opened' : 'skipped'),
        () => 'failed',
      );
      const asking = source.ledger().then(
        () => 'opened',
        (error: unknown) => (error instanceof Error ? error.message : String(error)),
      );
      await source.close();
      expect(await warming).not.toBe('opened');
      expect(await asking).toContain('the Neo4j ledger source is closed');
      await expect(source.ledger()).rejects.toThrow('the Neo4j ledger source is closed');
    });
  });

  it('gives up on a freeze that outlasts its patience', async () => {
    const pointer = new InMemoryConnectionPointerStore();
    await pointer.write(pointerTo(BLUE, 'frozen', 1));
    const source = new Neo4jLedgerSource({ defaultUri: BLUE, pointer, freezeWaitMs: 50, clock: systemClock });
    await expect(source.ledger()).rejects.toThrow(
      'Neo4j writes are still frozen by the connection pointer at memory:neo4j-pointer after 50 ms',
    );
  });

  describe('checks the pointer before every write transaction, not only when it hands out the ledger', () => {
    // A file pointer, watched by polling as in the local profile: the check sees a freeze within one poll.
    let dir: string;
    let source: Neo4jLedgerSource;
    let pointer: FileConnectionPointerStore;
    const account = `freeze-check-${Date.now().toString(36)}`;
    const accountsNamed = async (accountId: string): Promise<number> => {
      const driver = createNeo4jDriver({ uri: BLUE, ...LOGIN });
      try {
        const { records } = await driver.executeQuery(
          'MATCH (a:Account {accountId: $accountId}) RETURN count(a) AS n',
          {
            accountId,
          },
        );
        return Number(records[0].get('n'));
      } finally {
        await driver.close();
      }
    };
    const codeOf = (promise: Promise<unknown>) =>
      promise.then(
        () => 'written',
        (e: unknown) => (e instanceof CodedError ? e.code : String(e)),
      );

    beforeEach(async () => {
      dir = mkdtempSync(join(tmpdir(), 'dco-ledger-pointer-'));
      pointer = new FileConnectionPointerStore(join(dir, 'neo4j-pointer.json'));
      await pointer.write(pointerTo(BLUE, 'open', 1));
      source = new Neo4jLedgerSource({
        defaultUri: UNREACHABLE,
        pointer,
        ...LOGIN,
        freezeWaitMs: 1_000,
        clock: systemClock,
      });
    });
    afterEach(async () => {
      await source.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('refuses a write begun after the freeze was seen, nothing reaches the server, and writes once it opens', async () => {
      const ledger = await source.ledger();
      await ledger.upsertAccounts([{ accountId: `${account}-before` }]);
      await pointer.write(pointerTo(BLUE, 'frozen', 2));
      await waitFor(() => !source.writesOpenOn(BLUE), { timeoutMs: 10_000, description: 'the freeze to be seen' });
      expect(await codeOf(ledger.upsertAccounts([{ accountId: `${account}-frozen` }]))).toBe('DB.WRITES_FROZEN');
      expect(await accountsNamed(`${account}-frozen`)).toBe(0);
      await pointer.write(pointerTo(BLUE, 'open', 3));
      await waitFor(() => source.writesOpenOn(BLUE), { timeoutMs: 10_000, description: 'the reopening to be seen' });
      await ledger.upsertAccounts([{ accountId: `${account}-after` }]);
      expect(await accountsNamed(`${account}-before`)).toBe(1);
      expect(await accountsNamed(`${account}-after`)).toBe(1);
    });

    it('refuses writes to the old server once the pointer names another one, and the next ledger follows it', async () => {
      const ledger = await source.ledger();
      await pointer.write(pointerTo(UNREACHABLE, 'open', 2));
      await waitFor(() => !source.writesOpenOn(BLUE), { timeoutMs: 10_000, description: 'the move to be seen' });
      expect(await codeOf(ledger.upsertAccounts([{ accountId: `${account}-moved` }]))).toBe('DB.WRITES_FROZEN');
      expect(await accountsNamed(`${account}-moved`)).toBe(0);
      // The next ledger follows the pointer to the server it names now.
      await pointer.write(pointerTo(BLUE, 'open', 3));
      const next = await source.ledger();
      await next.upsertAccounts([{ accountId: `${account}-followed` }]);
      expect(await accountsNamed(`${account}-followed`)).toBe(1);
    });
  });
});
