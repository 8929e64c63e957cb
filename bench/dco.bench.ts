// Benchmark "dco": the reference offering of 1M contributions over 100k accounts (10M over 1M with DCO_BENCH_CONTRIBUTIONS
// and DCO_BENCH_ACCOUNTS) read from Neo4j in pages, allocated and written back (read / compute / write split) by a runner
// process of its own (its peak RSS), the server's heap sampled meanwhile, next to a naive one-statement-per-row write of
// a sample measured in the same run; then the same offering once more on the now warm server (warm_*: page cache and
// query plans as on a server that has served before). Writes go DCO_BENCH_WRITE_CONCURRENCY at a time (default the
// runner's, 2: 4 and 8 measured slower on 2 cores). The result hash must equal the in-memory reference computed from
// the generated day and `verifyStoredOffering` must pass; the server must answer a query after the run.
//
// Seeding (DCO_BENCH_SEED, not part of the measured run; its time is seed_s):
// - `import` (the default from 500,000 contributions): a private server of this bench, configured as stack.config.json's
//   blue (ADR 0020), in $DCO_BENCH_HOME/dco-<day> (default <tmpdir>/dco-bench), its day written as neo4j-admin import CSV
//   and imported offline (ADR 0018's writer and importer), then the ledger's own schema migrations. Never the shared
//   stack's blue or green.
// - `unwind` (the default below): the ledger's upsertAccounts / addContributions over Bolt into NEO4J_URI (the shared
//   stack's blue by default); 1M contributions took 409 s on a loaded host.
// Seed once, measure later (e.g. on an idle machine):
//   DCO_BENCH_KEEP=1 DCO_BENCH_CONTRIBUTIONS=10000000 DCO_BENCH_ACCOUNTS=1000000 npm run bench -- dco
// keeps the day (and, with import, its server running) and prints its day; then
//   DCO_BENCH_REUSE_DAY=<day> DCO_BENCH_KEEP=1 npm run bench -- dco
// measures it again (its offering reset first; the kept home gives the sizes, DCO_BENCH_HOME must be the same). Without
// DCO_BENCH_KEEP=1 a reused private server is stopped at the end, its home kept (started again by the next reuse). A kept
// private day is removed by stopping its server (kill <pid in its home's neo4j.pid>) and deleting its home.
import 'reflect-metadata';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { CodedError, systemClock } from '@dco/contracts';
import { Neo4jCredentials, Neo4jProcess, stopNeo4jProcess } from '@dco/neo4j';
import { stackNeo4jCredentials } from '@dco/testing';
import { freePort, isProcessAlive } from '@dco/probes';
import {
  applySchemaMigrations,
  createNeo4jDriver,
  DCO_SCHEMA_MIGRATIONS,
  DEFAULT_NEO4J_URI,
  generateDemoAccounts,
  generateDemoContributions,
  Neo4jDcoLedger,
} from '@dco/dco';
import { DEFAULT_ALLOCATION_BATCH_SIZE, DEFAULT_WRITE_CONCURRENCY, verifyStoredOffering } from '../apps/dco-runner/src';
import { deleteLedgerTestData } from '../libs/dco/src/neo4j/neo4j-ledger-test-data';
import {
  BenchDay,
  benchHomeOf,
  benchRoot,
  benchServerSpec,
  discardBenchServer,
  referenceResultHash,
  reuseKeptDay,
  seedDayByImport,
  serverAnswers,
} from './support/dco-bench-server';
import { deployedNodeOptions } from '../tools/day/deployed-topology';
import { BenchResult, benchResult, progress, round, writeResult } from './support/result';

const ACCOUNTS = Number(process.env.DCO_BENCH_ACCOUNTS ?? 100_000);
const CONTRIBUTIONS = Number(process.env.DCO_BENCH_CONTRIBUTIONS ?? 1_000_000);
const NAIVE_SAMPLE = Number(process.env.DCO_BENCH_NAIVE_SAMPLE ?? 2_000);
const BATCH_SIZE = Number(process.env.DCO_BENCH_BATCH_SIZE ?? DEFAULT_ALLOCATION_BATCH_SIZE);
const PAGE_ROWS = Number(process.env.DCO_BENCH_READ_PAGE_ROWS ?? 20_000);
const WRITE_CONCURRENCY = Number(process.env.DCO_BENCH_WRITE_CONCURRENCY ?? DEFAULT_WRITE_CONCURRENCY);
// The runner runs with the V8 heap its k8s Deployment gives it (tools/heap-sizing.ts), as deployed.
const RUNNER_NODE_OPTIONS = deployedNodeOptions()['dco-runner'] ?? '';
const OFFERED = 10n ** 24n;

const seconds = (started: bigint): number => Number(process.hrtime.bigint() - started) / 1e9;
const note = (text: string): void => void process.stderr.write(`${text}\n`);
const progressLine = (label: string) => (done: number, total: number) => {
  if (done === total || done % (BATCH_SIZE * 4) === 0) progress(label, done, total);
};

/**
 * CPU seconds used so far by the local Neo4j server behind `uri` (the process listening on its port), or undefined when
 * it cannot be told (remote server, no ss, no /proc). The server is shared, so this is an upper bound for the run.
 */
function serverCpuSeconds(uri: string): number | undefined {
  try {
    const pid = serverPid(uri);
    if (!pid) return undefined;
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));
    return (Number(fields[11]) + Number(fields[12])) / ticks;
  } catch {
    return undefined;
  }
}

/**
 * The local Neo4j server's JIT so far (`jstat -compiler`): methods compiled and seconds spent compiling, or undefined
 * (remote server, no jstat). Against neo4j_cpu_s it tells how much of a first run on a fresh JVM is compilation.
 */
function serverJit(uri: string): { methods: number; seconds: number } | undefined {
  try {
    const pid = serverPid(uri);
    if (!pid) return undefined;
    const [header, values] = execFileSync('jstat', ['-compiler', pid], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((line) => line.trim().split(/\s+/));
    const methods = Number(values[header.indexOf('Compiled')]);
    const compileSeconds = Number(values[header.indexOf('Time')]);
    return Number.isFinite(methods) && Number.isFinite(compileSeconds)
      ? { methods, seconds: compileSeconds }
      : undefined;
  } catch {
    return undefined;
  }
}

/** The JIT work between two readings of serverJit. */
function jitBetween(
  before: ReturnType<typeof serverJit>,
  after: ReturnType<typeof serverJit>,
  prefix: string,
): Record<string, number> {
  if (!before || !after) return {};
  return {
    [`${prefix}jit_compile_s`]: round(after.seconds - before.seconds),
    [`${prefix}jit_methods`]: after.methods - before.methods,
  };
}

/** The pid of the local Neo4j server behind `uri`, or undefined (remote server, no ss). */
function serverPid(uri: string): string | undefined {
  try {
    const { hostname, port } = new URL(uri);
    if (!['127.0.0.1', 'localhost'].includes(hostname)) return undefined;
    const listening = execFileSync('ss', ['-ltnpH', `sport = :${port || 7687}`], { encoding: 'utf8' });
    return /pid=(\d+)/.exec(listening)?.[1];
  } catch {
    return undefined;
  }
}

/**
 * Samples the server JVM's used heap (young + old, from `jstat -gc` every 500 ms) until stopped; the peak in MiB, or
 * undefined without a local server or jstat. G1 collects lazily, so the peak is an upper bound of what was live.
 */
function sampleServerHeap(uri: string): { stop(): number | undefined } {
  const pid = serverPid(uri);
  if (!pid) return { stop: () => undefined };
  let peakKb: number | undefined;
  const jstat = spawn('jstat', ['-gc', pid, '500'], { stdio: ['ignore', 'pipe', 'ignore'] });
  let columns: string[] = [];
  jstat.stdout.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      const cells = line.trim().split(/\s+/);
      if (cells.includes('EU')) columns = cells;
      else if (columns.length === cells.length) {
        const used = ['S0U', 'S1U', 'EU', 'OU'].reduce((sum, name) => sum + Number(cells[columns.indexOf(name)]), 0);
        if (Number.isFinite(used)) peakKb = Math.max(peakKb ?? 0, used);
      }
    }
  });
  jstat.on('error', () => undefined);
  return {
    stop: () => {
      jstat.kill();
      return peakKb === undefined ? undefined : peakKb / 1024;
    },
  };
}

interface RunnerReport {
  phases: Record<string, number>;
  totalSeconds: number;
  result: { allocationCount: number; contributionCount: number; resultHash: string };
  cpuSeconds: number;
  peakRssMb: number;
}

/** The login of a server that is not the bench's own: NEO4J_USER / NEO4J_PASSWORD when set, else the local stack's. */
function configuredLogin(): Neo4jCredentials | undefined {
  return process.env.NEO4J_PASSWORD
    ? { user: process.env.NEO4J_USER ?? 'neo4j', password: process.env.NEO4J_PASSWORD }
    : stackNeo4jCredentials();
}

/** The offering in a runner process of its own (bench/support/dco-runner.child.ts); the login goes in its environment. */
function runRunner(uri: string, day: string, login: Neo4jCredentials | undefined): Promise<RunnerReport> {
  const root = join(__dirname, '..');
  const child = spawn(
    process.execPath,
    [
      '-r',
      './tools/register.js',
      'bench/support/dco-runner.child.ts',
      uri,
      day,
      OFFERED.toString(),
      String(BATCH_SIZE),
      String(PAGE_ROWS),
      String(WRITE_CONCURRENCY),
    ],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        ...process.env,
        NODE_OPTIONS: RUNNER_NODE_OPTIONS,
        ...(login ? { NEO4J_USER: login.user, NEO4J_PASSWORD: login.password } : {}),
      },
    },
  );
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve, reject) =>
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`the runner process exited with ${code}`));
      resolve(JSON.parse(out.trim().split('\n').pop() as string) as RunnerReport);
    }),
  );
}

export async function run(): Promise<BenchResult> {
  const loadAtStart = loadavg()[0];
  const keep = process.env.DCO_BENCH_KEEP === '1';
  // DCO_BENCH_REUSE_DAY: measure again on a day seeded by an earlier run kept with DCO_BENCH_KEEP=1 (its offering is reset).
  const reuseDay = process.env.DCO_BENCH_REUSE_DAY;
  const reused = reuseDay ? await reuseKeptDay(reuseDay) : undefined;
  const method = reused ? 'import' : seedMethod();
  const dayName =
    reuseDay ??
    `2${String(100 + Math.floor(Math.random() * 800)).padStart(3, '0')}-0${1 + Math.floor(Math.random() * 9)}-1${Math.floor(Math.random() * 9)}`;
  const generator: BenchDay = reused?.kept.day ?? {
    day: dayName,
    accounts: ACCOUNTS,
    contributions: CONTRIBUTIONS,
    seed: 2026,
    accountPrefix: `bench-${dayName}-`,
    capEvery: 20,
    cap: 10n ** 19n,
  };
  const { day } = generator;
  const naiveDay = `${day.slice(0, 8)}2${day.slice(9)}`;
  const targetTotalS = (3 * generator.contributions) / 1_000_000;
  let server: Neo4jProcess | undefined = reused?.server;
  let seed: { method: string; seconds?: number; phases?: Record<string, number>; at?: string } = reused
    ? { ...reused.kept.seed, method: `reused (${reused.kept.seed.method})` }
    : reuseDay
      ? { method: 'reused (shared server)' }
      : { method: method === 'import' ? 'neo4j-admin-import' : 'unwind' };
  let started = process.hrtime.bigint();
  if (!reuseDay && method === 'import') {
    const spec = benchServerSpec(benchHomeOf(day), await freePort());
    note(
      `dco bench: seeding ${generator.accounts} accounts and ${generator.contributions} contributions for ${day} ` +
        `by neo4j-admin import into a private Neo4j ${spec.version} in ${spec.home} (heap ${spec.heapMb} MiB, page cache ${spec.pageCacheMb} MiB)`,
    );
    const seeded = await seedDayByImport(generator, spec, note);
    server = seeded.server;
    seed = seeded.kept.seed;
  }
  const uri = server?.boltUri ?? process.env.NEO4J_URI ?? DEFAULT_NEO4J_URI;
  const login = server ? server.credentials : configuredLogin();
  const serverSpec = reused?.kept.spec ?? (server ? benchServerSpec(server.home, 0) : undefined);
  const driver = createNeo4jDriver({ uri, ...login });
  const ledger = new Neo4jDcoLedger(driver);
  const accountIds = () => generateDemoAccounts(generator).map((account) => account.accountId);
  try {
    await applySchemaMigrations(driver, DCO_SCHEMA_MIGRATIONS, { clock: systemClock });
    if (reuseDay) {
      note(`dco bench: reusing the contributions of ${day} on ${uri}; resetting its offering`);
      await deleteLedgerTestData(driver, { days: [], accountIds: [], offeringsOfDays: [day, naiveDay] });
    } else if (method === 'unwind') {
      note(
        `dco bench: seeding ${generator.accounts} accounts and ${generator.contributions} contributions for ${day} on ${uri} by UNWIND`,
      );
      started = process.hrtime.bigint();
      await ledger.upsertAccounts(generateDemoAccounts(generator));
      const contributions = generateDemoContributions(generator);
      for (let from = 0; from < contributions.length; from += 100_000) {
        await ledger.addContributions(day, contributions.slice(from, from + 100_000));
        progressLine('seeded contributions')(Math.min(from + 100_000, contributions.length), contributions.length);
      }
      seed = { ...seed, seconds: seconds(started), at: new Date().toISOString() };
    }
    if (keep && !reuseDay)
      note(
        `dco bench: ${day} is kept; measure it again with DCO_BENCH_REUSE_DAY=${day}` +
          (server ? ` DCO_BENCH_HOME=${benchRoot()} (private server pid ${server.pid}, ${uri})` : ` NEO4J_URI=${uri}`),
      );

    note(`dco bench: allocating ${day} in a runner process (pages of ${PAGE_ROWS}, batches of ${BATCH_SIZE})`);
    const loadAtMeasureStart = loadavg()[0];
    const serverCpuBefore = serverCpuSeconds(uri);
    const jitBefore = serverJit(uri);
    const heap = sampleServerHeap(uri);
    let neo4jHeapPeakMb: number | undefined;
    const runner = await runRunner(uri, day, login).finally(() => (neo4jHeapPeakMb = heap.stop()));
    const serverCpuAfter = serverCpuSeconds(uri);
    const jitAfter = serverJit(uri);
    const loadAtMeasureEnd = loadavg()[0];
    const { phases, result } = runner;
    const totalSeconds = runner.totalSeconds;

    started = process.hrtime.bigint();
    const verification = await verifyStoredOffering(ledger, day);
    const verifySeconds = seconds(started);
    if (!verification.ok)
      throw new Error(`the benchmarked offering does not verify: ${verification.violations.join('; ')}`);
    note('dco bench: the in-memory reference of the generated day');
    const referenceHash = referenceResultHash(generator, OFFERED);
    if (referenceHash !== result.resultHash)
      throw new Error(`the result hash ${result.resultHash} differs from the in-memory reference ${referenceHash}`);

    // The same day again, its offering reset, on the server that has now served it once: its page cache holds the day
    // and its query plans are compiled, as on a server that has served for a while (or a green whose validation has
    // just read every record). The headline total_s stays the first, cold run.
    note('dco bench: the same offering again on the now warm server (its offering reset first)');
    await deleteLedgerTestData(driver, { days: [], accountIds: [], offeringsOfDays: [day] });
    const warmJitBefore = serverJit(uri);
    const warm = await runRunner(uri, day, login);
    const warmJitAfter = serverJit(uri);
    if (warm.result.resultHash !== result.resultHash)
      throw new Error(
        `the warm run's hash ${warm.result.resultHash} differs from the first run's ${result.resultHash}`,
      );

    // Baseline: the same allocation rows, one auto-committed statement per row, for a sample of them.
    note(`dco bench: naive baseline, ${NAIVE_SAMPLE} allocations one statement per row`);
    const naive = await ledger.beginOffering({
      day: naiveDay,
      offeringId: `bench-${day}-naive-${randomUUID().slice(0, 8)}`,
      offered: OFFERED,
      startedAt: systemClock.now().toISOString(),
    });
    const sample = (await ledger.readAllocations(day)).slice(0, NAIVE_SAMPLE);
    const session = driver.session();
    started = process.hrtime.bigint();
    try {
      for (const [index, allocation] of sample.entries()) {
        await session.run(
          `MATCH (o:Offering {offeringId: $offeringId}), (acc:Account {accountId: $accountId})
           MERGE (al:Allocation {offeringId: $offeringId, accountId: $accountId})
           SET al.amount = $amount
           MERGE (al)-[:OF]->(o)
           MERGE (al)-[:TO]->(acc)`,
          { offeringId: naive.offeringId, accountId: allocation.accountId, amount: allocation.amount.toString() },
        );
        if ((index + 1) % 500 === 0) progressLine('naive rows')(index + 1, sample.length);
      }
    } finally {
      await session.close();
    }
    const naiveSeconds = seconds(started);

    // Healthy afterwards: the server answers a query on a new connection (and its process is the one it was).
    const health = {
      answeredQueryAfterRun: await serverAnswers(uri, login),
      ...(server ? { processAlive: isProcessAlive(server.pid), pid: server.pid } : {}),
    };
    const healthy = health.answeredQueryAfterRun && health.processAlive !== false;

    const batchedRowsPerSecond = result.allocationCount / phases.write;
    const naiveRowsPerSecond = sample.length / naiveSeconds;
    const metrics = {
      total_s: round(totalSeconds),
      read_s: round(phases.read),
      compute_s: round(phases.compute),
      write_s: round(phases.write),
      verify_s: round(verifySeconds),
      // CPU this process used during the run (read decoding, compute, write encoding): against total_s it shows the contention.
      runner_cpu_s: round(runner.cpuSeconds),
      // The runner process's peak resident set: with the day's contributions paged, it grows with accounts only.
      runner_peak_rss_mb: Math.round(runner.peakRssMb),
      ...(neo4jHeapPeakMb !== undefined ? { neo4j_heap_peak_mb: Math.round(neo4jHeapPeakMb) } : {}),
      // CPU the Neo4j server used meanwhile (for everyone connected to it): with runner_cpu_s, the work regardless of load.
      ...(serverCpuBefore !== undefined && serverCpuAfter !== undefined
        ? { neo4j_cpu_s: round(serverCpuAfter - serverCpuBefore) }
        : {}),
      // The server's JIT compilation during the run (jstat -compiler; its compiler threads share the cores with the
      // queries): most of what a first run on a freshly started server spends beyond the warm run.
      ...jitBetween(jitBefore, jitAfter, 'neo4j_'),
      ...(!reuseDay && seed.seconds !== undefined ? { seed_s: round(seed.seconds) } : {}),
      warm_total_s: round(warm.totalSeconds),
      warm_read_s: round(warm.phases.read),
      warm_compute_s: round(warm.phases.compute),
      warm_write_s: round(warm.phases.write),
      ...jitBetween(warmJitBefore, warmJitAfter, 'warm_neo4j_'),
      write_rows_per_s: Math.round(batchedRowsPerSecond),
      naive_write_rows_per_s: Math.round(naiveRowsPerSecond),
      contributions_count: result.contributionCount,
      allocations_count: result.allocationCount,
    };
    const baseline = {
      write_rows_per_s: Math.round(naiveRowsPerSecond),
      write_s_extrapolated: round(result.allocationCount / naiveRowsPerSecond),
    };
    const ratios = {
      write_speedup_vs_naive: round(batchedRowsPerSecond / naiveRowsPerSecond, 1),
      total_vs_target: round(totalSeconds / targetTotalS, 2),
      warm_total_vs_target: round(warm.totalSeconds / targetTotalS, 2),
    };
    const output = benchResult('dco', {
      // The machine is shared: the load average says how much of it the benchmark really had.
      load: {
        loadavg1AtStart: round(loadAtStart, 2),
        loadavg1AtMeasureStart: round(loadAtMeasureStart, 2),
        loadavg1AtMeasureEnd: round(loadAtMeasureEnd, 2),
        loadavg1AtEnd: round(loadavg()[0], 2),
      },
      setup: {
        day,
        accounts: generator.accounts,
        contributions: generator.contributions,
        batchSize: BATCH_SIZE,
        readPageRows: PAGE_ROWS,
        writeConcurrency: WRITE_CONCURRENCY,
        runnerNodeOptions: RUNNER_NODE_OPTIONS,
        naiveSample: sample.length,
        neo4j: {
          uri,
          server: server ? 'private (this bench)' : 'shared (NEO4J_URI)',
          ...(serverSpec
            ? {
                version: serverSpec.version,
                heapMb: serverSpec.heapMb,
                pageCacheMb: serverSpec.pageCacheMb,
                transactionTotalMaxMb: serverSpec.transactionTotalMaxMb,
                transactionMaxMb: serverSpec.transactionMaxMb,
                home: server?.home,
              }
            : {}),
        },
        offered: OFFERED.toString(),
      },
      seed,
      target: { total_s: targetTotalS },
      total_s: metrics.total_s,
      read_s: metrics.read_s,
      compute_s: metrics.compute_s,
      write_s: metrics.write_s,
      metrics,
      baseline,
      ratios,
      verification: {
        storedOfferingVerified: verification.ok,
        resultHash: result.resultHash,
        inMemoryReferenceHash: referenceHash,
        equalToReference: referenceHash === result.resultHash,
      },
      health,
      resultHash: result.resultHash,
    });
    console.log(
      `dco: ${generator.contributions} contributions / ${result.allocationCount} allocations in ${metrics.total_s}s ` +
        `(read ${metrics.read_s}s, compute ${metrics.compute_s}s, write ${metrics.write_s}s; cpu: runner ${metrics.runner_cpu_s}s, neo4j ${metrics.neo4j_cpu_s ?? '?'}s of which JIT ${'neo4j_jit_compile_s' in metrics ? metrics.neo4j_jit_compile_s : '?'}s; runner peak RSS ${metrics.runner_peak_rss_mb} MB, neo4j heap peak ${metrics.neo4j_heap_peak_mb ?? '?'} MB; target <= ${targetTotalS}s: ${metrics.total_s <= targetTotalS ? 'met' : 'MISSED'}; warm again ${metrics.warm_total_s}s (read ${metrics.warm_read_s}s, write ${metrics.warm_write_s}s): ${metrics.warm_total_s <= targetTotalS ? 'met' : 'MISSED'}; load average ${round(loadAtMeasureStart, 1)} to ${round(loadAtMeasureEnd, 1)} on ${output.host.cpus} cpus); ` +
        `batched writes ${ratios.write_speedup_vs_naive}x the naive per-row rate; seeded by ${seed.method}` +
        (seed.seconds !== undefined ? ` in ${round(seed.seconds, 1)}s` : '') +
        `; hash equal to the in-memory reference; server ${healthy ? 'healthy' : 'NOT HEALTHY'} after the run`,
    );
    if (!healthy) throw new Error(`the Neo4j server on ${uri} is not healthy after the run: ${JSON.stringify(health)}`);
    return output;
  } finally {
    await driver.close();
    if (server) {
      if (!reuseDay && !keep) {
        note(`dco bench: removing the private server and its home ${server.home}`);
        await discardBenchServer(server);
      } else if (!keep) {
        note(`dco bench: stopping the private server (the day stays in ${server.home})`);
        await stopNeo4jProcess(server.pid);
      }
    } else if (!keep && !reuseDay) {
      note('dco bench: removing the benchmark data');
      const cleanup = createNeo4jDriver({ uri, ...login });
      await deleteLedgerTestData(cleanup, { days: [day, naiveDay], accountIds: accountIds() }).finally(() =>
        cleanup.close(),
      );
    }
  }
}

/** DCO_BENCH_SEED: `import` or `unwind`; by default import from 500,000 contributions (UNWIND is faster below). */
function seedMethod(): 'import' | 'unwind' {
  const raw = process.env.DCO_BENCH_SEED;
  if (raw === undefined || raw === '') return CONTRIBUTIONS >= 500_000 ? 'import' : 'unwind';
  if (raw === 'import' || raw === 'unwind') return raw;
  throw new CodedError('CONFIG.INVALID', `DCO_BENCH_SEED must be import or unwind, not ${JSON.stringify(raw)}`);
}

if (require.main === module) {
  run()
    .then(writeResult)
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
