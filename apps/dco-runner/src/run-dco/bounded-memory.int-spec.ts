// The offering in bounded memory (issue 21, ADR 0020): a day many times larger than the server's per-transaction memory
// limit, allocated exactly by a runner under a small heap, and exactly once across a runner killed between batches.
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '@dco/contracts';
import {
  allocateOffering,
  applySchemaMigrations,
  createNeo4jDriver,
  DCO_SCHEMA_MIGRATIONS,
  generateDemoAccounts,
  generateDemoContributions,
  Neo4jDcoLedger,
  resultHash,
  validateOfferingInput,
} from '@dco/dco';
import { launchNeo4jProcess, Neo4jProcess, stopNeo4jProcess } from '@dco/neo4j';
import { abortWaiting, freePort, waitFor } from '@dco/probes';
import { stackConfig } from '@dco/stack';
import { Driver } from 'neo4j-driver';
import { uniqueTestDay } from '../../../../libs/dco/src/ledger/dco-ledger.contract';
import { verifyStoredOffering } from './verify-stored-offering';

const ROOT = join(__dirname, '../../../..');
const AMOUNT = '1000000000000000000000000'; // 10^24 base units, beyond int64
/**
 * The one setting deliberately smaller than the stack's (153m): a 16 MiB transaction holds a few hundred allocation
 * writes, while the day below is about 200,000 contributions. The rest (heap, page cache, the limit of all transactions
 * together, exit on OutOfMemoryError) is the stack's blue server as stack/stack.config.json sets it.
 */
const TRANSACTION_MAX_MB = 16;
/**
 * The runner's V8 heap: the CLI's own code takes about 90 MB of it (every command group loads, transpiled in process),
 * so 128 MB leaves under 40 MB for the data: the day's rows (about 60 MB as JS objects) do not fit, one weight per
 * account does.
 */
const RUNNER_HEAP_MB = 128;
const DAY = { accounts: 8_000, contributions: 200_000 };

let server: Neo4jProcess;
let home: string;
let driver: Driver;
let ledger: Neo4jDcoLedger;
const children: ChildProcess[] = [];

/** Seeds a day on the private server; returns what the in-memory reference computes for it. */
async function seedDay(
  day: string,
  size: { accounts: number; contributions: number },
): Promise<{ hash: string; allocationCount: number }> {
  const generator = { day, ...size, seed: 21, accountPrefix: `bm-${day}-`, capEvery: 9, cap: 10n ** 21n };
  const accounts = generateDemoAccounts(generator);
  const contributions = generateDemoContributions(generator);
  await ledger.upsertAccounts(accounts);
  await ledger.addContributions(day, contributions);
  const input = validateOfferingInput({ day, offered: AMOUNT, accounts, contributions });
  const { allocations } = allocateOffering(input.offered, input.weights, input.caps);
  return { hash: resultHash(allocations), allocationCount: allocations.length };
}

/** `dco allocate` (the reference runner) in its own process, its V8 heap capped at RUNNER_HEAP_MB. */
function allocate(day: string, batchSize: number): ChildProcess {
  const child = spawn(
    process.execPath,
    [
      `--max-old-space-size=${RUNNER_HEAP_MB}`,
      '-r',
      './tools/register.js',
      'apps/cli/src/main.ts',
      'allocate',
      '--day',
      day,
      '--amount',
      AMOUNT,
      '--batch-size',
      String(batchSize),
      '--neo4j',
      server.boltUri,
      '--json',
    ],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      // The login of the private server, in the environment (never an argument, which ps shows).
      env: { ...process.env, NEO4J_USER: server.credentials.user, NEO4J_PASSWORD: server.credentials.password },
    },
  );
  children.push(child);
  return child;
}

function finished(child: ChildProcess): Promise<{ code: number | null; signal: string | null; out: string }> {
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, out })));
}

async function count(cypher: string, params: Record<string, unknown>): Promise<number> {
  const result = await driver.executeQuery(cypher, params);
  return Number(result.records[0].get(0));
}

const storedAllocations = (day: string) =>
  count(
    'MATCH (o:Offering {day: $day}) OPTIONAL MATCH (o)<-[:OF]-(p:AllocationPage) RETURN coalesce(sum(p.count), 0)',
    {
      day,
    },
  ).catch(() => 0);

beforeAll(async () => {
  const blue = stackConfig().neo4j.blue;
  home = mkdtempSync(join(tmpdir(), 'dco-bounded-memory-'));
  server = await launchNeo4jProcess(
    {
      version: blue.version,
      boltPort: await freePort(),
      home,
      password: 'bounded-Memory-0123',
      heapMb: blue.heapMb,
      pageCacheMb: blue.pageCacheMb,
      transactionTotalMaxMb: blue.transactionTotalMaxMb,
      transactionMaxMb: TRANSACTION_MAX_MB,
      exitOnOutOfMemory: true,
    },
    { readyTimeoutMs: 240_000 },
  );
  driver = createNeo4jDriver({ uri: server.boltUri, ...server.credentials });
  // Seeding batches small enough for the small transaction limit.
  ledger = new Neo4jDcoLedger(driver, { writeBatchSize: 500 });
  await applySchemaMigrations(driver, DCO_SCHEMA_MIGRATIONS, { clock: systemClock });
}, 300_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await driver?.close();
  if (server) await stopNeo4jProcess(server.pid);
  if (home) rmSync(home, { recursive: true, force: true });
});

describe('the offering in bounded memory', () => {
  it('allocates a day far beyond the per-transaction memory limit exactly, in a runner with a small heap', async () => {
    const day = uniqueTestDay();
    const expected = await seedDay(day, DAY);

    const run = await finished(allocate(day, 5_000));
    expect(run).toEqual(expect.objectContaining({ code: 0, signal: null }));
    const result = JSON.parse(run.out.trim().split('\n').pop() as string) as Record<string, unknown>;
    expect(result).toEqual(
      expect.objectContaining({
        day,
        resultHash: expected.hash,
        allocationCount: expected.allocationCount,
        contributionCount: DAY.contributions,
      }),
    );
    const verification = await verifyStoredOffering(ledger, day);
    expect(verification.violations).toEqual([]);
    expect(verification.storedHash).toBe(expected.hash);
    // The server is alive and answering after it: nothing ran it out of heap.
    expect(await count('RETURN 1', {})).toBe(1);
  }, 900_000);

  it('keeps one Offering and one allocation per account when the runner is killed between batches and run again', async () => {
    const day = uniqueTestDay();
    const expected = await seedDay(day, { accounts: 3_000, contributions: 9_000 });
    const accounts = expected.allocationCount;

    // Small batches make the write phase long enough to kill it between two of them.
    const child = allocate(day, 40);
    const exit = finished(child);
    await waitFor(
      async () => {
        if (child.exitCode !== null)
          abortWaiting(new Error(`allocate exited (${child.exitCode}) before it was killed`));
        return (await storedAllocations(day)) >= 200;
      },
      { timeoutMs: 300_000, intervalMs: 50, description: 'the runner to commit its first batches' },
    );
    child.kill('SIGKILL');
    expect((await exit).signal).toBe('SIGKILL');
    const partial = await storedAllocations(day);
    expect(partial).toBeLessThan(accounts);
    expect((await ledger.findOffering(day))?.status).toBe('PENDING');

    const rerun = await finished(allocate(day, 1_000));
    expect(rerun).toEqual(expect.objectContaining({ code: 0 }));
    expect(JSON.parse(rerun.out.trim().split('\n').pop() as string)).toEqual(
      expect.objectContaining({ resultHash: expected.hash, allocationCount: accounts }),
    );
    expect(await count('MATCH (o:Offering {day: $day}) RETURN count(o)', { day })).toBe(1);
    const offeringId = (await ledger.findOffering(day))?.offeringId;
    expect(
      await count('MATCH (p:AllocationPage {offeringId: $offeringId}) RETURN sum(size(p.accountIds))', { offeringId }),
    ).toBe(accounts);
    expect(
      await count(
        'MATCH (p:AllocationPage {offeringId: $offeringId}) UNWIND p.accountIds AS id RETURN count(DISTINCT id)',
        { offeringId },
      ),
    ).toBe(accounts);
    expect((await verifyStoredOffering(ledger, day)).violations).toEqual([]);
  }, 900_000);
});
