// Benchmark "migrate": a full blue-green migration (local fleet, 5.20.0 -> 5.26.19) of a generated graph of >= 1M nodes and
// >= 2M relationships: export, restore (nodes, relationships), validation and cutover, plus a naive one-statement-per-record
// restore of a sample measured in the same run as the baseline, and the ceilings of the mechanism on the same servers: the
// fastest bare Bolt read of blue's whole graph and bare batched UNWIND CREATEs on green (bench/support/bolt-ceilings.ts).
// With the offline restore (ADR 0018, DCO_BENCH_RESTORE_MODE=offline-import, the default), the ceiling of the restore is
// neo4j-admin import alone of the same CSV parts into a scratch home, measured in the same run.
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTagsCommand, EC2Client, RegisterImageCommand } from '@aws-sdk/client-ec2';
import neo4j, { Driver } from 'neo4j-driver';
import { localEmulatorOptions } from '@dco/aws';
import { freePort } from '@dco/probes';
import {
  boltAuth,
  FileBackupStore,
  generateBulkGraph,
  launchNeo4jProcess,
  runAdminImport,
  stageBulkBackup,
  stopNeo4jProcess,
  LEDGER_WRITE_FENCE,
} from '@dco/neo4j';
import { measureCreateCeiling, measureReadCeiling } from './support/bolt-ceilings';
import { benchFleet, BenchMigrationOutcome, BenchMigrationSpec } from './support/bench-migration';
import { deployedNodeOptions } from '../tools/day/deployed-topology';
import { benchResult, BenchResult, now, progress, round } from './support/result';
import { testBackupSigner } from '../libs/neo4j/src/testing/test-backup-signer.fixture';

const NODES = Number(process.env.DCO_BENCH_NODES ?? 1_000_000);
const RELS_PER_NODE = Number(process.env.DCO_BENCH_RELS_PER_NODE ?? 2);
const NAIVE_SAMPLE = Number(process.env.DCO_BENCH_NAIVE_SAMPLE ?? 2_000);
const HEAP_MB = Number(process.env.DCO_BENCH_HEAP_MB ?? 2_048);
const PAGECACHE_MB = Number(process.env.DCO_BENCH_PAGECACHE_MB ?? 1_536);
const PAGE_SIZE = Number(process.env.DCO_BENCH_PAGE_SIZE ?? 10_000);
const BATCH_SIZE = Number(process.env.DCO_BENCH_BATCH_SIZE ?? 10_000);
/** Node ids each read shape is tried on before the fastest reads the whole graph. */
const CEILING_TRIAL_NODES = Number(process.env.DCO_BENCH_CEILING_TRIAL_NODES ?? 50_000);
/** Nodes, and as many relationships, created bare on green for the write ceilings. */
const CEILING_SAMPLE = Number(process.env.DCO_BENCH_CEILING_SAMPLE ?? Math.min(NODES, 200_000));
const GENERATE_BATCH = 25_000;
const RESTORE_MODE = (process.env.DCO_BENCH_RESTORE_MODE ?? 'offline-import') as 'offline-import' | 'online';
const READ_AHEAD = Number(process.env.DCO_BENCH_READ_AHEAD ?? 1);
/** `skip`: no read ceiling (it reads the whole graph once more: 5 min at 10M nodes); its ratio is then left out. */
const READ_CEILING = process.env.DCO_BENCH_READ_CEILING === 'skip' ? 'skip' : 'measure';

// The migration runs with the V8 heap the db-migrator's k8s Deployment gives it (tools/heap-sizing.ts), as deployed;
// DCO_BENCH_MIGRATOR_NODE_OPTIONS overrides it ('' for V8's own, host-sized heap).
const MIGRATOR_NODE_OPTIONS = process.env.DCO_BENCH_MIGRATOR_NODE_OPTIONS ?? deployedNodeOptions()['db-migrator'] ?? '';

const note = (text: string): void => void process.stderr.write(`${text}\n`);

/** The baseline: one auto-commit statement per node and per relationship, as a naive copy would do. */
async function naiveRestore(driver: Driver, sample: number): Promise<{ nodesPerS: number; relsPerS: number }> {
  const session = driver.session();
  try {
    let started = now();
    for (let i = 0; i < sample; i++) {
      await session.run("CREATE (:NaiveAccount {id: $id, name: 'naive', balance: $id, score: 0.5, active: true})", {
        id: neo4j.int(i),
      });
      if (i % 200 === 0) progress('naive nodes', i, sample);
    }
    progress('naive nodes', sample, sample);
    const nodesPerS = sample / (now() - started);
    await session.run('CREATE INDEX naive_id IF NOT EXISTS FOR (a:NaiveAccount) ON (a.id)');
    await session.run('CALL db.awaitIndexes(300)');
    started = now();
    for (let i = 0; i < sample; i++) {
      await session.run(
        'MATCH (a:NaiveAccount {id: $a}) MATCH (b:NaiveAccount {id: $b}) CREATE (a)-[:NAIVE {amount: $a}]->(b)',
        { a: neo4j.int(i), b: neo4j.int((i * 7) % sample) },
      );
      if (i % 200 === 0) progress('naive relationships', i, sample);
    }
    progress('naive relationships', sample, sample);
    return { nodesPerS, relsPerS: sample / (now() - started) };
  } finally {
    await session.close();
  }
}

export async function run(): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'dco-migrate-bench-'));
  const ec2 = new EC2Client(localEmulatorOptions());
  // One login for blue and the green the local runtime starts, as a configured migrator has.
  const password = randomBytes(18).toString('base64url');
  const blue = await launchNeo4jProcess(
    {
      version: '5.20.0',
      boltPort: await freePort(),
      home: join(dir, 'blue'),
      password,
      heapMb: HEAP_MB,
      pageCacheMb: PAGECACHE_MB,
    },
    { readyTimeoutMs: 300_000 },
  );
  const blueDriver = neo4j.driver(blue.boltUri, boltAuth(blue.credentials));
  const fleetTag = `bench-${Date.now().toString(36)}`;
  const sizing = { dir, fleetTag, heapMb: HEAP_MB, pageCacheMb: PAGECACHE_MB };
  // The parent's view of the same fleet: it terminates the green the migration's process started.
  const fleet = benchFleet(ec2, sizing, { password, blue: blue.credentials });
  let greenInstance: string | undefined;
  try {
    note(`generating ${NODES} nodes and ${NODES * RELS_PER_NODE} relationships on Neo4j 5.20.0 (${blue.boltUri})`);
    const generateStarted = now();
    await generateBulkGraph(blueDriver, {
      nodes: NODES,
      relsPerNode: RELS_PER_NODE,
      batch: GENERATE_BATCH,
      onProgress: (done, total) => progress('generate', done, total),
    });
    const generateS = now() - generateStarted;

    const image = await ec2.send(new RegisterImageCommand({ Name: `neo4j-5.26.19-bench-${Date.now()}` }));
    await ec2.send(
      new CreateTagsCommand({
        Resources: [image.ImageId ?? ''],
        Tags: [{ Key: 'dco:neo4j-version', Value: '5.26.19' }],
      }),
    );
    const backups = new FileBackupStore(join(dir, 'backups'));
    const loadAtStart = loadavg()[0];
    const { migrated, marks, restoreNodesDoneAt, totalS, peakRssMb, restorePhases } = await migrateInChild(
      {
        ...sizing,
        blueBoltUri: blue.boltUri,
        imageId: image.ImageId ?? '',
        nodes: NODES,
        pageSize: PAGE_SIZE,
        batchSize: BATCH_SIZE,
        restoreMode: RESTORE_MODE,
        readAhead: READ_AHEAD,
      },
      password,
    );
    greenInstance = migrated.toInstanceId;
    // Phase boundaries: export runs from its first to its last progress event (on the offline path green is provisioned
    // meanwhile, so provision_s is ~0 there and the restore waits for whichever of the two ends last); restore from there (so it includes verifying
    // the backup and applying the schema) to its last event; validation from there to the switch (so it includes the
    // change-marker checks and removing the restore bookkeeping).
    const exportS = marks.backup_end - marks.backup_start;
    const restoreS = marks.restore_end - marks.backup_end;
    // The offline restore imports nodes and relationships in one run of the tool: both rates are over the whole restore, as
    // the import ceiling's are over the whole import.
    const offline = RESTORE_MODE === 'offline-import';
    const restoreNodesS = offline ? restoreS : (restoreNodesDoneAt ?? marks.restore_end) - marks.backup_end;
    const restoreRelsS = offline ? restoreS : marks.restore_end - (restoreNodesDoneAt ?? marks.backup_end);
    const validateS = marks.switch_start - marks.restore_end;
    const cutoverS = marks.switch_end - marks.switch_start;
    const records = migrated.nodes + migrated.relationships;

    note(`naive baseline: ${NAIVE_SAMPLE} nodes and relationships, one statement each, on the green server`);
    const greenDriver = neo4j.driver(migrated.boltUri, boltAuth(blue.credentials));
    const naive = await naiveRestore(greenDriver, NAIVE_SAMPLE).finally(() => greenDriver.close());

    // The ceilings: what the driver and these servers do with bare queries, so that the export and restore rates can be read
    // as a share of what the mechanism allows on this host (blue still serves, green is not retired for an hour).
    if (READ_CEILING === 'measure')
      note(`read ceiling: ${records} records of blue's graph, the fastest of several read shapes`);
    // The switch closed blue's ledger write fence (ADR 0006); this generated blue had none, so the close created its node.
    const { records: fences } = await blueDriver.executeQuery(
      `MATCH (f:${LEDGER_WRITE_FENCE.label}) WHERE f.createdBy IS NOT NULL RETURN count(f) AS created`,
    );
    const readCeiling =
      READ_CEILING === 'measure'
        ? await measureReadCeiling(blueDriver, {
            trialNodes: CEILING_TRIAL_NODES,
            expectedRecords: records + Number(fences[0].get('created')),
            onShape: (shape) => note(`  ${shape}`),
          })
        : undefined;
    note(
      `create ceiling: ${CEILING_SAMPLE} nodes and relationships, bare UNWIND CREATE in batches of ${BATCH_SIZE}, on the green server`,
    );
    const ceilingDriver = neo4j.driver(migrated.boltUri, boltAuth(blue.credentials));
    const createCeiling = await measureCreateCeiling(ceilingDriver, {
      sample: CEILING_SAMPLE,
      batch: BATCH_SIZE,
      onProgress: (label, done) => progress(label, done, CEILING_SAMPLE),
    }).finally(() => ceilingDriver.close());
    // neo4j-admin import alone of the same parts (the JVM start included, as in the restore), into a scratch home.
    let importCeiling: { nodesPerS: number; relsPerS: number; seconds: number } | undefined;
    if (offline) {
      note('import ceiling: neo4j-admin database import full of the same parts into a scratch home');
      const home = join(dir, 'import-ceiling');
      mkdirSync(join(home, 'conf'), { recursive: true });
      writeFileSync(
        join(home, 'conf', 'neo4j.conf'),
        `server.directories.data=${join(home, 'data')}\nserver.directories.logs=${join(home, 'logs')}\n`,
      );
      const staged = join(home, 'parts');
      const manifest = await stageBulkBackup(
        backups,
        'bench-migrate/bench-blue-attempt-1.bulk',
        staged,
        testBackupSigner,
      );
      const { seconds } = await runAdminImport({ version: '5.26.19', home, dir: staged, manifest });
      importCeiling = { nodesPerS: manifest.nodes / seconds, relsPerS: manifest.relationships / seconds, seconds };
    }
    const loadAtEnd = loadavg()[0];

    const metrics = {
      nodes_count: migrated.nodes,
      relationships_count: migrated.relationships,
      export_s: round(exportS),
      export_records_per_s: round(records / exportS, 0),
      restore_s: round(restoreS),
      restore_nodes_per_s: round(migrated.nodes / restoreNodesS, 0),
      restore_rels_per_s: round(migrated.relationships / restoreRelsS, 0),
      validate_s: round(validateS),
      cutover_s: round(cutoverS, 4),
      provision_s: round(marks.backup_start - marks.provision_start),
      migration_total_s: round(totalS),
      generate_s: round(generateS),
      migrator_peak_rss_mb: round(peakRssMb, 0),
      // Where the offline restore's time went: parts checked and staged, the import, green started, schema and patch.
      ...Object.fromEntries(
        Object.entries(restorePhases).map(([phase, seconds]) => [`restore_${snake(phase)}_s`, round(seconds)]),
      ),
    };
    const baseline = { restore_nodes_per_s: round(naive.nodesPerS, 0), restore_rels_per_s: round(naive.relsPerS, 0) };
    const ceilings = {
      ...(readCeiling
        ? {
            ceiling_read_records_per_s: round(readCeiling.recordsPerS, 0),
            ceiling_read_s: round(readCeiling.seconds),
          }
        : {}),
      ceiling_create_nodes_per_s: round(createCeiling.nodesPerS, 0),
      ceiling_create_rels_per_s: round(createCeiling.relsPerS, 0),
      ceiling_index_s: round(createCeiling.indexS),
      ...(importCeiling
        ? {
            ceiling_import_nodes_per_s: round(importCeiling.nodesPerS, 0),
            ceiling_import_rels_per_s: round(importCeiling.relsPerS, 0),
            ceiling_import_s: round(importCeiling.seconds),
          }
        : {}),
    };
    const result = benchResult('migrate', {
      metrics,
      baseline,
      ratios: {
        restore_nodes: round(metrics.restore_nodes_per_s / baseline.restore_nodes_per_s, 1),
        restore_rels: round(metrics.restore_rels_per_s / baseline.restore_rels_per_s, 1),
        validate_vs_export: round(validateS / exportS, 2),
        ...(readCeiling
          ? { export_vs_read_ceiling: round(metrics.export_records_per_s / readCeiling.recordsPerS, 3) }
          : {}),
        restore_nodes_vs_ceiling: round(metrics.restore_nodes_per_s / ceilings.ceiling_create_nodes_per_s, 3),
        restore_rels_vs_ceiling: round(metrics.restore_rels_per_s / ceilings.ceiling_create_rels_per_s, 3),
        ...(importCeiling
          ? {
              restore_nodes_vs_import: round(metrics.restore_nodes_per_s / importCeiling.nodesPerS, 3),
              restore_rels_vs_import: round(metrics.restore_rels_per_s / importCeiling.relsPerS, 3),
            }
          : {}),
      },
      ceilings,
      ceilingReadShape: readCeiling?.shape ?? 'not measured (DCO_BENCH_READ_CEILING=skip)',
      ceilingReadTrialsRecordsPerS: readCeiling?.trials ?? {},
      loadAverage1m: { start: round(loadAtStart, 2), end: round(loadAtEnd, 2) },
      parameters: {
        nodes: NODES,
        relsPerNode: RELS_PER_NODE,
        naiveSample: NAIVE_SAMPLE,
        pageSize: PAGE_SIZE,
        batchSize: BATCH_SIZE,
        ceilingTrialNodes: CEILING_TRIAL_NODES,
        ceilingSample: CEILING_SAMPLE,
        restoreMode: RESTORE_MODE,
        readAhead: READ_AHEAD,
        readCeiling: READ_CEILING,
        // The migration's own process, with the db-migrator's deployed heap unless overridden.
        migratorNodeOptions: MIGRATOR_NODE_OPTIONS,
        heapMb: HEAP_MB,
        pageCacheMb: PAGECACHE_MB,
        from: '5.20.0',
        to: '5.26.19',
      },
      checksum: migrated.checksum,
    });
    note(
      `migrate: ${migrated.nodes} nodes + ${migrated.relationships} rels; export ${metrics.export_records_per_s} rec/s (${metrics.export_s} s), ` +
        `restore ${metrics.restore_nodes_per_s} nodes/s, ${metrics.restore_rels_per_s} rels/s (naive ${baseline.restore_nodes_per_s} / ${baseline.restore_rels_per_s}), ` +
        `validate ${metrics.validate_s} s, cutover ${metrics.cutover_s} s; ceilings: read ${ceilings.ceiling_read_records_per_s ?? '-'} rec/s (${readCeiling?.shape ?? '-'}), ` +
        `create ${ceilings.ceiling_create_nodes_per_s} nodes/s, ${ceilings.ceiling_create_rels_per_s} rels/s; export/ceiling ${result.ratios.export_vs_read_ceiling ?? '-'}, ` +
        `restore/ceiling ${result.ratios.restore_nodes_vs_ceiling} nodes, ${result.ratios.restore_rels_vs_ceiling} rels; ` +
        `restore/import ${result.ratios.restore_nodes_vs_import ?? '-'} nodes, ${result.ratios.restore_rels_vs_import ?? '-'} rels ` +
        `(import alone ${ceilings.ceiling_import_s ?? '-'} s), total ${metrics.migration_total_s} s; load ${loadAtStart.toFixed(2)} -> ${loadAtEnd.toFixed(2)}`,
    );
    return result;
  } finally {
    await blueDriver.close();
    if (greenInstance)
      await fleet
        .terminate(greenInstance)
        .catch((error: Error) => note(`could not terminate ${greenInstance}: ${error.message}`));
    await stopNeo4jProcess(blue.pid);
    ec2.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The migration in a process of its own with the db-migrator's deployed heap (bench/support/migrate-migration.child.ts). */
function migrateInChild(spec: BenchMigrationSpec, password: string): Promise<BenchMigrationOutcome> {
  const child = spawn(
    process.execPath,
    ['-r', './tools/register.js', 'bench/support/migrate-migration.child.ts', JSON.stringify(spec)],
    {
      cwd: join(__dirname, '..'),
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, NODE_OPTIONS: MIGRATOR_NODE_OPTIONS, DCO_BENCH_NEO4J_PASSWORD: password },
    },
  );
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve, reject) =>
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`the migration's process exited with ${code}`));
      resolve(JSON.parse(out.trim().split('\n').pop() as string) as BenchMigrationOutcome);
    }),
  );
}

const snake = (name: string): string => name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
