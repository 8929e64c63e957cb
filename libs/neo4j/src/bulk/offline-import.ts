// The offline restore of a bulk backup: every part checked against the manifest and staged next to the server's home,
// `neo4j-admin database import full` of the target version into the stopped server's store, then (server started again)
// schema, the patch over Bolt, and the patch's bookkeeping removed.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import neo4j from 'neo4j-driver';
import { CodedError } from '@dco/contracts';
import { hasEnvironmentEntry, isProcessAlive, killProcessGroup } from '@dco/probes';
import { BackupStore } from '../backup/backup-store.port';
import { jsonLines } from '../backup/json-lines.format';
import { BackupSigner } from '../backup/backup-signature';
import { BoltGraphDatabase } from '../bolt/bolt-graph-database.adapter';
import { fromPropertyList } from '../bolt/driver-value.mapper';
import { boltAuth, Neo4jCredentials } from '../bolt/neo4j-credentials';
import { RESTORED_LABEL, SOURCE_ID_PROPERTY } from '../domain/graph-value';
import { propertyListProblem } from '../domain/value-codec';
import { groupBy } from '../domain/group-by';
import {
  launchNeo4jProcess,
  neo4jStartupJvmOptions,
  Neo4jProcess,
  Neo4jProcessSpec,
  neo4jLibDir,
  stopNeo4jProcess,
} from '../fleet/neo4j-process.launcher';
import { BULK_FORMAT, BulkManifest, MANIFEST_FILE, signedManifestPayload } from './bulk-export';
import { ARRAY_DELIMITER, PatchEntry } from './import-csv.format';

const SAFE_FILE = /^[a-z]+-?\d*\.(csv|jsonl)\.gz$/;
const SHA256 = /^[0-9a-f]{64}$/;

const corrupt = (message: string, detail?: string) => new CodedError('DB.BACKUP_CORRUPT', message, detail);

/**
 * Reads the manifest and checks its signature, then its shape (untrusted input: file names end up on a command line).
 * An unsigned or wrongly signed manifest is refused before any part is read.
 */
export async function readBulkManifest(
  store: BackupStore,
  prefix: string,
  signer: BackupSigner,
): Promise<BulkManifest> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of store.open(`${prefix}/${MANIFEST_FILE}`)) chunks.push(chunk as Buffer);
  } catch (error) {
    throw corrupt(`the bulk backup ${prefix} has no readable manifest`, String((error as Error).message));
  }
  let manifest: BulkManifest;
  try {
    manifest = JSON.parse(Buffer.concat(chunks).toString('utf8')) as BulkManifest;
  } catch {
    throw corrupt(`the manifest of ${prefix} is not JSON`);
  }
  if (manifest === null || typeof manifest !== 'object' || Array.isArray(manifest))
    throw corrupt(`the manifest of ${prefix} is not a ${BULK_FORMAT} v1 manifest`);
  signer.verify(signedManifestPayload(manifest), manifest.signature, `the bulk backup ${prefix}`);
  const files = [...(manifest.parts ?? []), manifest.patch];
  if (
    manifest.format !== BULK_FORMAT ||
    manifest.version !== 1 ||
    !Array.isArray(manifest.parts) ||
    !Array.isArray(manifest.schema) ||
    !manifest.schema.every((s) => typeof s === 'string') ||
    !Number.isSafeInteger(manifest.nodes) ||
    !Number.isSafeInteger(manifest.relationships) ||
    !files.every((f) => f && SAFE_FILE.test(f.file) && SHA256.test(f.sha256))
  )
    throw corrupt(`the manifest of ${prefix} is not a ${BULK_FORMAT} v1 manifest`);
  const rows = (kind: string) => manifest.parts.filter((p) => p.kind === kind).reduce((n, p) => n + p.rows, 0);
  if (rows('nodes') !== manifest.nodes || rows('relationships') !== manifest.relationships)
    throw corrupt(`the manifest of ${prefix} counts other rows than its parts hold`);
  return manifest;
}

/**
 * Copies every part and the patch into `dir`, checking each one's sha256 on the way; any difference fails with
 * DB.BACKUP_CORRUPT before anything is imported.
 */
export async function stageBulkBackup(
  store: BackupStore,
  prefix: string,
  dir: string,
  signer: BackupSigner,
): Promise<BulkManifest> {
  const manifest = await readBulkManifest(store, prefix, signer);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const file of [...manifest.parts, manifest.patch]) await stageBackupFile(store, prefix, dir, file);
  return manifest;
}

/** Copies one file of a bulk backup into `dir`, checking its sha256 on the way (DB.BACKUP_CORRUPT when it differs). */
export async function stageBackupFile(
  store: BackupStore,
  prefix: string,
  dir: string,
  file: { file: string; sha256: string },
): Promise<void> {
  const hash = createHash('sha256');
  try {
    await pipeline(
      store.open(`${prefix}/${file.file}`),
      async function* (source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          hash.update(chunk);
          yield chunk;
        }
      },
      createWriteStream(join(dir, file.file)),
    );
  } catch (error) {
    throw corrupt(`the part ${file.file} of ${prefix} cannot be read`, String((error as Error).message));
  }
  const actual = hash.digest('hex');
  if (actual !== file.sha256)
    throw corrupt(`the part ${file.file} of ${prefix} is damaged`, `expected sha256 ${file.sha256}, got ${actual}`);
}

export interface AdminImportSpec {
  /** The target server's version: its own jars import into its own store format. */
  version: string;
  /** The stopped server's home (conf/neo4j.conf names its data directory). */
  home: string;
  /** Where the staged parts are. */
  dir: string;
  manifest: BulkManifest;
  heapMb?: number;
  /** The importer's caches and buffers beside the heap (its default takes most of the machine's free memory). */
  offHeapMb?: number;
  /** A small store: the tool runs on C1 only, as a quick-start server does (neo4jStartupJvmOptions). */
  quickStart?: boolean;
}

function tail(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(-20).join('\n') : '';
}

/** Where a running import's pid is kept (the importer leads its own process group; the file goes when it exits). */
export const IMPORT_PID_FILE = 'import.pid';

/**
 * Stops an importer a killed restore left running on this home (it outlives its parent: it leads its own process group),
 * so that importing again never races it on the same store. Only a process whose environment names this home is stopped.
 */
export async function stopOrphanedImport(home: string): Promise<number | undefined> {
  const file = join(home, IMPORT_PID_FILE);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  rmSync(file, { force: true });
  if (!Number.isSafeInteger(pid) || pid <= 0 || !isProcessAlive(pid) || !hasEnvironmentEntry(pid, `NEO4J_HOME=${home}`))
    return undefined;
  await killProcessGroup(pid, 'neo4j-admin import');
  return pid;
}

/** `neo4j-admin database import full` into the default database of a stopped server (overwriting it: resume = again). */
export async function runAdminImport(spec: AdminImportSpec): Promise<{ seconds: number }> {
  await stopOrphanedImport(spec.home);
  const started = Date.now();
  const log = join(spec.home, 'import.log');
  const args = [
    `-Xmx${spec.heapMb ?? 512}m`,
    ...neo4jStartupJvmOptions(spec),
    '-cp',
    `${neo4jLibDir(spec.version)}/*`,
    'org.neo4j.cli.AdminTool',
    'database',
    'import',
    'full',
    // The database first: --nodes and --relationships take several files each and would take it for one.
    'neo4j',
    '--overwrite-destination=true',
    '--id-type=integer',
    `--array-delimiter=${ARRAY_DELIMITER}`,
    `--max-off-heap-memory=${spec.offHeapMb ?? 1024}m`,
    `--report-file=${join(spec.home, 'import.report')}`,
    ...spec.manifest.parts.map((p) => `--${p.kind}=${join(spec.dir, p.file)}`),
  ];
  const out = openSync(log, 'w');
  const pidFile = join(spec.home, IMPORT_PID_FILE);
  const code = await new Promise<number | null>((resolve, reject) => {
    // Its own process group, its pid next to the store: a restore killed meanwhile leaves it findable by the next one.
    const child = spawn('java', args, {
      detached: true,
      stdio: ['ignore', out, out],
      env: { ...process.env, NEO4J_HOME: spec.home, NEO4J_CONF: join(spec.home, 'conf') },
    });
    if (child.pid !== undefined) writeFileSync(pidFile, String(child.pid));
    child.on('error', reject);
    child.on('exit', resolve);
  }).finally(() => {
    closeSync(out);
    rmSync(pidFile, { force: true });
  });
  if (code !== 0)
    throw new CodedError('DB.RESTORE_FAILED', `neo4j-admin import into ${spec.home} exited with ${code}`, tail(log));
  return { seconds: (Date.now() - started) / 1000 };
}

async function* patchEntries(path: string): AsyncGenerator<PatchEntry> {
  for await (const line of jsonLines(createReadStream(path).pipe(createGunzip()))) {
    if (!line) continue;
    const entry = JSON.parse(line) as PatchEntry;
    const problem = propertyListProblem(entry.props);
    if (problem || !/^\d+$/.test(String(entry.id))) throw corrupt(`a patch entry is malformed: ${problem ?? 'bad id'}`);
    yield entry;
  }
}

const quote = (name: string) => '`' + name.replace(/`/g, '``') + '`';
const PATCH_BATCH = 1_000;

/**
 * On the started server: the backup's schema (with the source-id constraint the patch finds nodes by), the patch, then the
 * bookkeeping removed (source ids, the restore label, the per-type relationship indexes).
 */
export async function applyBulkPatch(
  boltUri: string,
  credentials: Neo4jCredentials,
  dir: string,
  manifest: BulkManifest,
): Promise<{ entries: number }> {
  const target = new BoltGraphDatabase(boltUri, credentials);
  const driver = neo4j.driver(boltUri, boltAuth(credentials), { notificationFilter: { minimumSeverityLevel: 'OFF' } });
  const session = driver.session();
  const relIndexes: string[] = [];
  let entries = 0;
  try {
    await target.applySchema(manifest.schema);
    let batch: PatchEntry[] = [];
    const flush = async () => {
      const nodes = batch.filter((e) => e.kind === 'node');
      const rels = batch.filter((e) => e.kind === 'relationship');
      batch = [];
      await session.executeWrite(async (tx) => {
        for (const group of groupBy(nodes, (e) => (e.labels ?? []).join('\u0000')).values()) {
          const labels = (group[0].labels ?? []).map((l) => `:${quote(l)}`).join('');
          const result = await tx.run(
            `UNWIND $rows AS row MATCH (n:${quote(RESTORED_LABEL)} {${quote(SOURCE_ID_PROPERTY)}: row.id})
             SET n += row.props ${labels ? `SET n${labels}` : ''} RETURN count(n) AS c`,
            { rows: group.map((e) => ({ id: neo4j.int(e.id), props: fromPropertyList(e.props) })) },
          );
          if (Number(result.records[0].get('c')) !== group.length)
            throw new CodedError('DB.RESTORE_FAILED', 'patch entries name nodes the import did not create');
        }
        for (const group of groupBy(rels, (e) => String(e.type)).values()) {
          const result = await tx.run(
            `UNWIND $rows AS row MATCH ()-[r:${quote(String(group[0].type))} {${quote(SOURCE_ID_PROPERTY)}: row.id}]->()
             SET r += row.props RETURN count(r) AS c`,
            { rows: group.map((e) => ({ id: neo4j.int(e.id), props: fromPropertyList(e.props) })) },
          );
          if (Number(result.records[0].get('c')) !== group.length)
            throw new CodedError('DB.RESTORE_FAILED', 'patch entries name relationships the import did not create');
        }
      });
    };
    const relTypes = new Set<string>();
    // Indexes first: one pass to learn the relationship types the patch touches (the patch is small by design).
    for await (const entry of patchEntries(join(dir, manifest.patch.file)))
      if (entry.kind === 'relationship') relTypes.add(String(entry.type));
    for (const type of relTypes) {
      const name = `__dcoPatch${relIndexes.length}`;
      relIndexes.push(name);
      await session.run(
        `CREATE INDEX ${name} IF NOT EXISTS FOR ()-[r:${quote(type)}]-() ON (r.${quote(SOURCE_ID_PROPERTY)})`,
      );
    }
    if (relTypes.size > 0) await session.run('CALL db.awaitIndexes(600)');
    for await (const entry of patchEntries(join(dir, manifest.patch.file))) {
      batch.push(entry);
      entries += 1;
      if (batch.length >= PATCH_BATCH) await flush();
    }
    if (batch.length > 0) await flush();
    if (entries !== manifest.patch.entries)
      throw corrupt(`the patch holds ${entries} entries, the manifest says ${manifest.patch.entries}`);
    for (const type of relTypes)
      await session.run(
        `MATCH ()-[r:${quote(type)}]->() WHERE r.${quote(SOURCE_ID_PROPERTY)} IS NOT NULL
         CALL { WITH r REMOVE r.${quote(SOURCE_ID_PROPERTY)} } IN TRANSACTIONS OF 10000 ROWS`,
      );
    for (const name of relIndexes) await session.run(`DROP INDEX ${name} IF EXISTS`);
    await target.finishRestore();
    return { entries };
  } finally {
    await session.close();
    await driver.close();
    await target.close();
  }
}

export interface OfflineRestoreResult {
  manifest: BulkManifest;
  server: Neo4jProcess;
  importSeconds: number;
  patchEntries: number;
  /** Where the restore's time went, in seconds: parts checked and staged, the import, green started, schema and patch. */
  phases: { stage: number; import: number; start: number; schemaAndPatch: number };
}

/**
 * The local runtime's offline restore into a fresh green: parts checked and staged next to its home, the server stopped,
 * imported with its own version's tool, started again on the same home and port, schema and patch applied. Resume is the
 * same call again (the import overwrites the store).
 */
export async function restoreBulkOffline(
  store: BackupStore,
  prefix: string,
  server: { pid: number; spec: Neo4jProcessSpec },
  options: { signer: BackupSigner; readyTimeoutMs?: number },
): Promise<OfflineRestoreResult> {
  const dir = join(server.spec.home, 'import');
  const clock = stopwatch();
  const manifest = await stageBulkBackup(store, prefix, dir, options.signer);
  const stage = clock.lap();
  // Its database is replaced by the import: no clean shutdown (checkpoints) for a store about to be overwritten.
  await stopNeo4jProcess(server.pid, { discardStore: true });
  const { seconds } = await runAdminImport({
    version: server.spec.version,
    home: server.spec.home,
    dir,
    manifest,
    quickStart: server.spec.quickStart,
  });
  const imported = clock.lap();
  const started = await launchNeo4jProcess(server.spec, options);
  const start = clock.lap();
  const patched = await applyBulkPatch(started.boltUri, started.credentials, dir, manifest);
  rmSync(dir, { recursive: true, force: true });
  return {
    manifest,
    server: started,
    importSeconds: seconds,
    patchEntries: patched.entries,
    phases: { stage, import: imported, start, schemaAndPatch: clock.lap() },
  };
}

/** Seconds since the last lap (or the start). */
function stopwatch(): { lap(): number } {
  let last = process.hrtime.bigint();
  return {
    lap() {
      const now = process.hrtime.bigint();
      const seconds = Number(now - last) / 1e9;
      last = now;
      return seconds;
    },
  };
}

/** The pid the launcher recorded in a server's home (it changes when the offline restore starts the server again). */
export function recordedPid(home: string): number | undefined {
  const file = join(home, 'neo4j.pid');
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

export interface LocalOfflineRestoreOptions {
  /** The local fleet's parent directory of the servers' homes (LocalHostOptions.homeRoot). */
  homeRoot: string;
  /** The `neo4j` password the runtime gave green (LocalHostOptions.password). */
  password: string;
  heapMb?: number;
  pageCacheMb?: number;
  quickStart?: boolean;
  readyTimeoutMs?: number;
}

/**
 * The local fleet runtime's offline restore: green is a server process of this machine, in <homeRoot>/<instanceId>, on the
 * port of its Bolt URI. It is started again on the same home and port, so its URI does not change.
 */
export class LocalOfflineGreenRestorer {
  constructor(private readonly options: LocalOfflineRestoreOptions) {}

  async restore(
    green: { instanceId: string; boltUri: string; version: string },
    store: BackupStore,
    prefix: string,
    signer: BackupSigner,
  ): Promise<OfflineRestoreResult> {
    const home = join(this.options.homeRoot, green.instanceId);
    const pid = recordedPid(home);
    const port = Number(new URL(green.boltUri.replace(/^bolt/, 'http')).port);
    if (pid === undefined || !Number.isSafeInteger(port) || port <= 0)
      throw new CodedError('DB.RESTORE_FAILED', `green ${green.instanceId} has no local server in ${home}`);
    return restoreBulkOffline(
      store,
      prefix,
      {
        pid,
        spec: {
          version: green.version,
          boltPort: port,
          home,
          password: this.options.password,
          heapMb: this.options.heapMb,
          pageCacheMb: this.options.pageCacheMb,
          quickStart: this.options.quickStart,
        },
      },
      { signer, readyTimeoutMs: this.options.readyTimeoutMs },
    );
  }
}
