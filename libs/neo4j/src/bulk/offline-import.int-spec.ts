// The offline restore end to end on private servers started for this spec (never the stack's blue or green: it stops and
// starts green): bulk export of 5.20.0 through range reads, neo4j-admin import of 5.26.19 into green, patch, validation,
// and a restore killed -9 during its import resumed.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { CodedError } from '@dco/contracts';
import { isProcessAlive } from '@dco/probes';
import { FileBackupStore } from '../backup/file-backup-store.adapter';
import { BoltGraphDatabase } from '../bolt/bolt-graph-database.adapter';
import { Neo4jProcess, Neo4jProcessSpec, stopNeo4jProcess } from '../fleet/neo4j-process.launcher';
import { ScratchServer } from '../testing/scratch-servers';
import { validateGraphs } from '../transfer/validate-graph';
import { BoltBlockReader, RECORD_GROUP } from './bolt-block.reader';
import { exportBulk } from './bulk-export';
import { IMPORT_PID_FILE, recordedPid, restoreBulkOffline } from './offline-import';
import { spawnTs } from '@dco/testing';
import { existsSync } from 'node:fs';
import { waitFor } from '@dco/probes';
import { startOfflineRestoreServers } from '../testing/offline-restore-servers.fixture';
import { testBackupSigner } from '../testing/test-backup-signer.fixture';

describe('offline bulk restore (neo4j-admin import into a stopped green)', () => {
  let blueServer: ScratchServer;
  let blue: BoltGraphDatabase;
  let reader: BoltBlockReader;
  let green: Neo4jProcess;
  let greenSpec: Neo4jProcessSpec;
  let dir: string;
  let store: FileBackupStore;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dco-bulk-'));
    ({ blueServer, blue, green, greenSpec } = await startOfflineRestoreServers(dir, 50));
    reader = new BoltBlockReader(blueServer.boltUri, blueServer.credentials);
    store = new FileBackupStore(join(dir, 'backups'));
  }, 240_000);

  afterAll(async () => {
    await blue?.close();
    await reader?.close();
    await blueServer?.dispose();
    if (green) await stopNeo4jProcess(green.pid);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('exports typed CSV parts, a patch of what CSV cannot carry, and a manifest with a sha256 per part', async () => {
    const result = await exportBulk(blue, store, 'b1', { signer: testBackupSigner, reader, pageSize: 7, readAhead: 2 });
    const { manifest } = result;
    expect(manifest).toMatchObject({ nodes: 111, relationships: 59, source: { serverVersion: '5.20.0' } });
    expect(manifest.schema.join('\n')).toContain('offering_day');
    // The every-type node and relationship, both awkward nodes' odd values and the space-typed relationship's bytes.
    expect(manifest.patch.entries).toBeGreaterThanOrEqual(4);
    const header = (file: string) =>
      gunzipSync(readFileSync(store.locate(`b1/${file}`)))
        .toString('utf8')
        .split('\n')[0];
    const bulk = manifest.parts.find((p) => header(p.file).includes('name:string'));
    expect(header(bulk?.file ?? '')).toBe(':ID,:LABEL,i:long,name:string,v:double');
    expect(manifest.parts.every((p) => /^[0-9a-f]{64}$/.test(p.sha256))).toBe(true);
    // Zoned and offset date-times (one at an ambiguous DST hour) and local date-times go through CSV, not the patch.
    const everyType = manifest.parts.map((p) => header(p.file)).find((h) => h.includes('dtzone')) ?? '';
    expect(everyType).toMatch(/dtoffset:datetime.*dtzone:datetime.*ldt:localdatetime/);
  });

  it('reads every value of the graph as the per-record reads do, temporal values from their fields on the server', async () => {
    const max = await blue.maxNodeId();
    const [nodes, relationships] = [await reader.readNodes(0, max + 1), await reader.readRelationships(0, max + 1)];
    expect(nodes).toEqual(await blue.readNodes(0, max + 1));
    const byId = (a: { id: string }, b: { id: string }) => Number(a.id) - Number(b.id);
    expect([...relationships].sort(byId)).toEqual([...(await blue.readRelationships(0, max + 1))].sort(byId));
    // Ranges that end inside a group of RECORD_GROUP ids read each id once: together they are the whole read.
    const bounds = [0, 5, RECORD_GROUP + 13, max + 1];
    const ranges = bounds.slice(1).map((to, k) => [bounds[k], to]);
    expect((await Promise.all(ranges.map(([f, t]) => reader.readNodes(f, t)))).flat()).toEqual(nodes);
    const split = (await Promise.all(ranges.map(([f, t]) => reader.readRelationships(f, t)))).flat();
    expect(split.sort(byId)).toEqual([...relationships].sort(byId));
    // Every temporal kind was read, in lists too (the every-type node's `dates`, `times`, `dts`).
    const kinds = new Set<string>(
      nodes.flatMap((node) =>
        node.props.flatMap(([, value]) => [value[0], ...(value[0] === 'l' ? value[1].map((item) => item[0]) : [])]),
      ),
    );
    for (const kind of ['date', 'time', 'ltime', 'dt', 'ldt', 'dur'])
      expect([kind, kinds.has(kind)]).toEqual([kind, true]);
  });

  it('streams a range record by record, and a handler that throws fails the range with nothing handed over after it', async () => {
    const max = await blue.maxNodeId();
    const streamed: string[] = [];
    await reader.streamNodes(0, max + 1, (node) => streamed.push(node.id));
    expect(streamed).toEqual((await reader.readNodes(0, max + 1)).map((node) => node.id));
    expect(streamed.length).toBeGreaterThan(2);

    const handed: string[] = [];
    const refused = reader.streamRelationships(0, max + 1, (rel) => {
      handed.push(rel.id);
      throw new CodedError('DB.RESERVED_NAME', `refused ${rel.id}`);
    });
    const error = await refused.then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(handed).toHaveLength(1);
    expect(error).toMatchObject({ code: 'DB.RESERVED_NAME', message: `refused ${handed[0]}` });
  });

  it('refuses an unsigned or tampered manifest before green is stopped or any part is read', async () => {
    const manifestOf = (prefix: string) => JSON.parse(readFileSync(store.locate(`${prefix}/manifest.json`), 'utf8'));
    const attempt = async (prefix: string, edit: (manifest: { signature?: unknown; nodes: number }) => object) => {
      cpSync(store.locate('b1'), store.locate(prefix), { recursive: true });
      writeFileSync(store.locate(`${prefix}/manifest.json`), JSON.stringify(edit(manifestOf(prefix))));
      return restoreBulkOffline(store, prefix, { pid: green.pid, spec: greenSpec }, { signer: testBackupSigner }).then(
        () => 'restored',
        (e: unknown) => (e as CodedError).code,
      );
    };
    expect(await attempt('unsigned', ({ signature: _signature, ...rest }) => rest)).toBe('DB.BACKUP_UNSIGNED');
    expect(
      await attempt('tampered', (manifest) => ({ ...manifest, schema: ['CREATE INDEX evil FOR (n:X) ON (n.x)'] })),
    ).toBe('DB.BACKUP_SIGNATURE_INVALID');
    expect(isProcessAlive(green.pid)).toBe(true);
  });

  it('fails a damaged part with DB.BACKUP_CORRUPT before green is stopped or anything imported', async () => {
    cpSync(store.locate('b1'), store.locate('bad'), { recursive: true });
    const part = store.locate('bad/nodes-0001.csv.gz');
    const bytes = readFileSync(part);
    bytes[bytes.length - 5] ^= 0xff;
    writeFileSync(part, bytes);
    const error = await restoreBulkOffline(
      store,
      'bad',
      { pid: green.pid, spec: greenSpec },
      { signer: testBackupSigner },
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CodedError);
    expect((error as CodedError).code).toBe('DB.BACKUP_CORRUPT');
    expect(isProcessAlive(green.pid)).toBe(true);
  });

  it('imports into green, applies schema and patch, and leaves exactly the source graph (strict validation)', async () => {
    const restored = await restoreBulkOffline(
      store,
      'b1',
      { pid: green.pid, spec: greenSpec },
      { signer: testBackupSigner },
    );
    green = restored.server;
    const target = new BoltGraphDatabase(green.boltUri, green.credentials);
    try {
      const greenReader = new BoltBlockReader(green.boltUri, green.credentials);
      const validation = await validateGraphs(blue, target, { targetReader: greenReader }).finally(() =>
        greenReader.close(),
      );
      expect(validation.verdict.equal).toBe(true);
      // The range reads digest green exactly as the per-record ones do.
      expect((await validateGraphs(blue, target)).checksum).toBe(validation.checksum);
      expect(validation.target).toMatchObject({ nodes: 111, relationships: 59 });
      const schema = (await target.schemaStatements()).join('\n');
      expect(schema).toContain('offering_day');
      expect(schema).toContain('thing_text');
      expect(schema).not.toContain('__dco');
      expect(await target.readRestoreProgress()).toBeUndefined();
    } finally {
      await target.close();
    }
  });

  it('resumes by importing the same parts again over the store it wrote', async () => {
    const restored = await restoreBulkOffline(
      store,
      'b1',
      { pid: green.pid, spec: greenSpec },
      { signer: testBackupSigner },
    );
    green = restored.server;
    const target = new BoltGraphDatabase(green.boltUri, green.credentials);
    try {
      expect((await validateGraphs(blue, target)).verdict.equal).toBe(true);
    } finally {
      await target.close();
    }
  });

  it('resumes a restore killed -9 during the import: the orphaned importer is stopped first, then it imports again', async () => {
    const child = spawnTs('libs/neo4j/src/testing/offline-restore.child.ts', {
      env: {
        DCO_SPEC_RESTORE: JSON.stringify({
          storeDir: join(dir, 'backups'),
          prefix: 'b1',
          pid: green.pid,
          spec: greenSpec,
        }),
      },
    });
    const pidFile = join(greenSpec.home, IMPORT_PID_FILE);
    await waitFor(() => existsSync(pidFile) || !isProcessAlive(child.pid), {
      timeoutMs: 120_000,
      description: 'the restore in its own process to start its importer',
    });
    if (!existsSync(pidFile)) throw new Error(`the restore ended before its import began:\n${child.output()}`);
    const importer = Number(readFileSync(pidFile, 'utf8'));
    await child.kill('SIGKILL');
    // The importer outlives the restore that started it: a resume that imported at once would race it on the store.
    expect(isProcessAlive(importer)).toBe(true);
    const restored = await restoreBulkOffline(
      store,
      'b1',
      { pid: recordedPid(greenSpec.home) ?? green.pid, spec: greenSpec },
      { signer: testBackupSigner },
    );
    green = restored.server;
    expect(isProcessAlive(importer)).toBe(false);
    expect(existsSync(pidFile)).toBe(false);
    const target = new BoltGraphDatabase(green.boltUri, green.credentials);
    try {
      expect((await validateGraphs(blue, target)).verdict.equal).toBe(true);
    } finally {
      await target.close();
    }
  });
});
