// The dco bench's own Neo4j server, never the shared stack's blue or green: configured as stack.config.json's blue (version,
// heap, page cache, transaction limits, ExitOnOutOfMemoryError: ADR 0020), its day seeded by `neo4j-admin database import`
// of generated CSV parts (the offline restore's writer and importer, libs/neo4j/src/bulk, ADR 0018), then the ledger's own
// schema migrations. Its home is named after the day, so that a kept day (DCO_BENCH_KEEP=1) is found again by
// DCO_BENCH_REUSE_DAY.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import neo4j from 'neo4j-driver';
import { CodedError, systemClock } from '@dco/contracts';
import {
  allocateOffering,
  applySchemaMigrations,
  createNeo4jDriver,
  DCO_SCHEMA_MIGRATIONS,
  demoContributions,
  DemoDataOptions,
  generateDemoAccounts,
  resultHash,
} from '@dco/dco';
import {
  BulkBackupWriter,
  FileBackupStore,
  generateNeo4jPassword,
  launchNeo4jProcess,
  NEO4J_ADMIN_USER,
  Neo4jCredentials,
  Neo4jProcess,
  Neo4jProcessSpec,
  recordedPid,
  runAdminImport,
  stopNeo4jProcess,
  writeNeo4jConf,
} from '@dco/neo4j';
import { canConnect, freePort, isProcessAlive, readOrCreateSecretFile } from '@dco/probes';
import { neo4jTransactionLimits, stackConfig } from '@dco/stack';
import { progress } from './result';

/** The generated day: `generateDemoAccounts` / `demoContributions` give it again from these alone. */
export interface BenchDay extends DemoDataOptions {
  accountPrefix: string;
}

/** What a kept home records (bench-day.json): the day, how it was seeded, and the server to start on it again. */
export interface KeptBenchDay {
  day: BenchDay;
  spec: Neo4jProcessSpec;
  seed: { method: 'neo4j-admin-import'; seconds: number; phases: Record<string, number>; at: string };
}

const STATE_FILE = 'bench-day.json';
/** The state file keeps no password: it is the bench root's own (benchPassword). */
const writeState = (file: string, kept: KeptBenchDay): void =>
  writeFileSync(
    file,
    JSON.stringify(
      { ...kept, spec: { ...kept.spec, password: undefined } },
      (_key, value) => (typeof value === 'bigint' ? String(value) : value),
      2,
    ) + '\n',
  );
const ENV_INT = (name: string): number | undefined => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0)
    throw new CodedError(
      'CONFIG.INVALID',
      `${name} must be a positive whole number of MiB, not ${JSON.stringify(raw)}`,
    );
  return value;
};

/** Where bench servers live (DCO_BENCH_HOME, default <tmpdir>/dco-bench): one home per day, `dco-<day>`. */
export const benchRoot = (): string => process.env.DCO_BENCH_HOME ?? join(tmpdir(), 'dco-bench');
export const benchHomeOf = (day: string): string => join(benchRoot(), `dco-${day}`);

/** The bench servers' `neo4j` password: generated once into <bench root>/neo4j-password (owner-only), as the stack's. */
export const benchPassword = (): string =>
  readOrCreateSecretFile(join(benchRoot(), 'neo4j-password'), generateNeo4jPassword);
export const benchCredentials = (): Neo4jCredentials => ({ user: NEO4J_ADMIN_USER, password: benchPassword() });

/**
 * The server as the stack's blue is configured (production-like for this machine, ADR 0020), on a home and port of its
 * own; DCO_BENCH_NEO4J_HEAP_MB / DCO_BENCH_NEO4J_PAGE_CACHE_MB size it otherwise (transaction limits follow the heap).
 */
export function benchServerSpec(home: string, boltPort: number): Neo4jProcessSpec {
  const blue = stackConfig().neo4j.blue;
  const heapMb = ENV_INT('DCO_BENCH_NEO4J_HEAP_MB');
  return {
    version: blue.version,
    boltPort,
    home,
    password: benchPassword(),
    heapMb: heapMb ?? blue.heapMb,
    pageCacheMb: ENV_INT('DCO_BENCH_NEO4J_PAGE_CACHE_MB') ?? blue.pageCacheMb,
    ...(heapMb === undefined
      ? { transactionTotalMaxMb: blue.transactionTotalMaxMb, transactionMaxMb: blue.transactionMaxMb }
      : neo4jTransactionLimits(heapMb)),
    exitOnOutOfMemory: true,
    // A benchmarked server: full JIT (ADR 0020's servers are long-running).
    quickStart: false,
  };
}

const seconds = (startedMs: number): number => (Date.now() - startedMs) / 1000;

/**
 * Writes the day as import CSV parts (accounts, contributions and their BY relationships, as the ledger's `upsertAccounts`
 * and `addContributions` would store them), imports them into a fresh home, starts the server on it and creates the
 * ledger's schema with its own migrations (indexes populated before it returns). Phases in seconds.
 */
export async function seedDayByImport(
  day: BenchDay,
  spec: Neo4jProcessSpec,
  note: (text: string) => void,
): Promise<{ server: Neo4jProcess; kept: KeptBenchDay }> {
  const phases: Record<string, number> = {};
  const started = Date.now();
  rmSync(spec.home, { recursive: true, force: true });
  mkdirSync(spec.home, { recursive: true });
  writeNeo4jConf(spec);

  let phase = Date.now();
  const store = new FileBackupStore(join(spec.home, 'parts'));
  const writer = new BulkBackupWriter(store, 'day');
  try {
    const accounts = generateDemoAccounts(day);
    for (const [index, { accountId, cap }] of accounts.entries()) {
      await writer.addNode({
        id: String(index),
        labels: ['Account'],
        props:
          cap === undefined || cap === null
            ? [['accountId', ['s', accountId]]]
            : [
                ['accountId', ['s', accountId]],
                ['cap', ['s', String(cap)]],
              ],
      });
    }
    let index = 0;
    for (const { contribution, accountIndex } of demoContributions(day)) {
      const id = String(accounts.length + index);
      await writer.addNode({
        id,
        labels: ['Contribution'],
        props: [
          ['contributionId', ['s', contribution.contributionId]],
          ['day', ['s', day.day]],
          ['accountId', ['s', contribution.accountId]],
          ['amount', ['s', String(contribution.amount)]],
        ],
      });
      await writer.addRelationship({ id: String(index), type: 'BY', start: id, end: String(accountIndex), props: [] });
      index += 1;
      if (index % 500_000 === 0 || index === day.contributions) progress('import CSV', index, day.contributions);
    }
  } catch (error) {
    writer.destroy();
    throw error;
  }
  const manifest = await writer.finish({
    createdAt: systemClock.now().toISOString(),
    source: { uri: 'generated:dco-bench', serverVersion: spec.version, changeMarker: day.day },
    schema: [],
  });
  if (manifest.patch.entries !== 0)
    throw new CodedError('INTERNAL.UNEXPECTED', `the generated day needs a patch (${manifest.patch.entries} entries)`);
  phases.csv_s = seconds(phase);

  phase = Date.now();
  note(`dco bench: neo4j-admin import of ${manifest.nodes} nodes and ${manifest.relationships} relationships`);
  await runAdminImport({ version: spec.version, home: spec.home, dir: store.locate('day'), manifest, heapMb: 1024 });
  rmSync(join(spec.home, 'parts'), { recursive: true, force: true });
  phases.import_s = seconds(phase);

  phase = Date.now();
  const server = await launchNeo4jProcess(spec, { readyTimeoutMs: 600_000 });
  phases.start_s = seconds(phase);

  phase = Date.now();
  note('dco bench: creating the ledger schema (constraints and indexes populated over the imported day)');
  await createLedgerSchema(server.boltUri).catch(async (error: unknown) => {
    await stopNeo4jProcess(server.pid);
    throw error;
  });
  phases.schema_s = seconds(phase);

  const kept: KeptBenchDay = {
    day,
    spec,
    seed: { method: 'neo4j-admin-import', seconds: seconds(started), phases, at: new Date().toISOString() },
  };
  writeState(join(spec.home, STATE_FILE), kept);
  return { server, kept };
}

/**
 * The ledger's schema migrations, as every service applies them. Their wait for the day's composite index is bounded
 * (ten minutes); a population slower than that on a loaded host is waited for and the (idempotent) migrations run again.
 */
async function createLedgerSchema(boltUri: string): Promise<void> {
  const driver = createNeo4jDriver({ uri: boltUri, ...benchCredentials() });
  try {
    try {
      await applySchemaMigrations(driver, DCO_SCHEMA_MIGRATIONS, { clock: systemClock });
    } catch {
      await driver.executeQuery('CALL db.awaitIndexes(3600)');
      await applySchemaMigrations(driver, DCO_SCHEMA_MIGRATIONS, { clock: systemClock });
    }
    await driver.executeQuery('CALL db.awaitIndexes(3600)');
  } finally {
    await driver.close();
  }
}

/** A kept day's home, its server running (started again on its home when it is not). Undefined: no day kept there. */
export async function reuseKeptDay(day: string): Promise<{ server: Neo4jProcess; kept: KeptBenchDay } | undefined> {
  const home = benchHomeOf(day);
  const file = join(home, STATE_FILE);
  if (!existsSync(file)) return undefined;
  const kept = JSON.parse(readFileSync(file, 'utf8')) as KeptBenchDay;
  if (kept.day.cap !== undefined) kept.day.cap = BigInt(kept.day.cap);
  kept.spec = { ...kept.spec, password: benchPassword() };
  const boltUri = `bolt://127.0.0.1:${kept.spec.boltPort}`;
  const pid = recordedPid(home);
  if (pid !== undefined && isProcessAlive(pid) && (await serverAnswers(boltUri, benchCredentials())))
    return { server: { pid, boltUri, version: kept.spec.version, home, credentials: benchCredentials() }, kept };
  const port = (await canConnect('127.0.0.1', kept.spec.boltPort)) ? await freePort() : kept.spec.boltPort;
  kept.spec = { ...kept.spec, boltPort: port };
  writeState(file, kept);
  return { server: await launchNeo4jProcess(kept.spec, { readyTimeoutMs: 600_000 }), kept };
}

/** Whether the server answers a query (`RETURN 1`) within 30 s: the bench's health check after the run. */
export async function serverAnswers(boltUri: string, credentials: Neo4jCredentials | undefined): Promise<boolean> {
  const auth = credentials && neo4j.auth.basic(credentials.user, credentials.password);
  const driver = neo4j.driver(boltUri, auth, { connectionTimeout: 10_000, connectionAcquisitionTimeout: 30_000 });
  try {
    const { records } = await driver.executeQuery('RETURN 1 AS ok', {}, { database: 'neo4j' });
    return Number(records[0]?.get('ok')) === 1;
  } catch {
    return false;
  } finally {
    await driver.close();
  }
}

/** Stops a bench server and deletes its home (a day not kept). */
export async function discardBenchServer(server: Neo4jProcess): Promise<void> {
  await stopNeo4jProcess(server.pid);
  rmSync(server.home, { recursive: true, force: true });
}

/**
 * The offering's result hash computed in this process from the generated day alone (no database): the exact reference
 * the measured run must equal. Weights are the per-account sums, caps those of contributing accounts, as
 * `validateOfferingInput` gives them.
 */
export function referenceResultHash(day: BenchDay, offered: bigint): string {
  const weights = new Map<string, bigint>();
  for (const { contribution } of demoContributions(day))
    weights.set(contribution.accountId, (weights.get(contribution.accountId) ?? 0n) + BigInt(contribution.amount));
  const caps = new Map<string, bigint>();
  for (const { accountId, cap } of generateDemoAccounts(day))
    if (cap !== undefined && cap !== null && weights.has(accountId)) caps.set(accountId, BigInt(cap));
  return resultHash(allocateOffering(offered, weights, caps).allocations);
}
