// Export, restore and validate between two real servers of different versions (5.20.0 -> 5.26.19), both started for this spec.
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import neo4j, { Driver } from 'neo4j-driver';
import { CodedError } from '@dco/contracts';
import { BoltGraphDatabase } from '../bolt/bolt-graph-database.adapter';
import { boltAuth } from '../bolt/neo4j-credentials';
import { checksumOf } from '../domain/graph-checksum';
import { canonicalNode, withoutRestoreBookkeeping } from '../domain/value-codec';
import { everyTypeGraphStatements } from '../testing/every-type-graph.fixture';
import { ScratchServer, startScratchServer } from '../testing/scratch-servers';
import { exportGraph } from './export-graph';
import { restoreGraph } from './restore-graph';
import { digestGraph, validateGraphs } from './validate-graph';
import { forgeBackup, forgingBackupSigner, testBackupSigner } from '../testing/test-backup-signer.fixture';

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return error instanceof CodedError ? error.code : `uncoded: ${String(error)}`;
  }
}

describe('export, restore and validate across Neo4j versions', () => {
  let blueServer: ScratchServer;
  let greenServer: ScratchServer;
  let blue: BoltGraphDatabase;
  let green: BoltGraphDatabase;
  let greenDriver: Driver;
  let dir: string;
  let backupFile: string;

  const run = async (driver: Driver, query: string, params: Record<string, unknown> = {}) =>
    (await driver.executeQuery(query, params)).records;

  beforeAll(async () => {
    [blueServer, greenServer] = await Promise.all([startScratchServer('5.20.0'), startScratchServer('5.26.19')]);
    blue = new BoltGraphDatabase(blueServer.boltUri, blueServer.credentials);
    green = new BoltGraphDatabase(greenServer.boltUri, greenServer.credentials);
    const blueDriver = neo4j.driver(blueServer.boltUri, boltAuth(blueServer.credentials));
    for (const statement of everyTypeGraphStatements)
      await blueDriver.executeQuery(statement.query, statement.params ?? {});
    await blueDriver.close();
    greenDriver = neo4j.driver(greenServer.boltUri, boltAuth(greenServer.credentials));
    dir = mkdtempSync(join(tmpdir(), 'dco-transfer-'));
    backupFile = join(dir, 'blue.backup.gz');
  }, 240_000);

  afterAll(async () => {
    await greenDriver?.close();
    await blue?.close();
    await green?.close();
    await Promise.all([blueServer?.dispose(), greenServer?.dispose()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('exports every property type into a verified backup', async () => {
    const result = await exportGraph(blue, createWriteStream(backupFile), { signer: testBackupSigner, pageSize: 3 });
    expect(result.footer).toMatchObject({ nodes: 9, relationships: 7, schemaStatements: 3 });
    expect(result.header.source.serverVersion).toBe('5.20.0');
  });

  it('refuses a truncated backup without writing anything', async () => {
    const truncated = join(dir, 'truncated.gz');
    const bytes = readFileSync(backupFile);
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    expect(await codeOf(restoreGraph(green, () => createReadStream(truncated), { signer: testBackupSigner }))).toBe(
      'DB.BACKUP_CORRUPT',
    );
    expect(await green.countEntities()).toEqual({ nodes: 0, relationships: 0 });
  });

  it('refuses a tampered backup without writing anything', async () => {
    const tampered = join(dir, 'tampered.gz');
    writeFileSync(
      tampered,
      gzipSync(Buffer.from(gunzipSync(readFileSync(backupFile)).toString('utf8').replace('"Bob"', '"Rob"'))),
    );
    expect(await codeOf(restoreGraph(green, () => createReadStream(tampered), { signer: testBackupSigner }))).toBe(
      'DB.BACKUP_CORRUPT',
    );
    expect(await green.countEntities()).toEqual({ nodes: 0, relationships: 0 });
  });

  it('refuses an unsigned backup and one re-checksummed and signed without the key, without writing anything', async () => {
    const bytes = readFileSync(backupFile);
    const unsigned = join(dir, 'unsigned.gz');
    writeFileSync(
      unsigned,
      forgeBackup(bytes, (text) => text),
    );
    const forged = join(dir, 'forged.gz');
    writeFileSync(
      forged,
      forgeBackup(bytes, (text) => text.replace('"Bob"', '"Rob"'), forgingBackupSigner),
    );
    const restore = (file: string) => restoreGraph(green, () => createReadStream(file), { signer: testBackupSigner });
    expect(await codeOf(restore(unsigned))).toBe('DB.BACKUP_UNSIGNED');
    expect(await codeOf(restore(forged))).toBe('DB.BACKUP_SIGNATURE_INVALID');
    expect(await green.countEntities()).toEqual({ nodes: 0, relationships: 0 });
  });

  it('restores into 5.26 with equal checksums and identical values', async () => {
    // The bookkeeping stays until the last test, so that the validation examples below can match entities by source id.
    const result = await restoreGraph(green, () => createReadStream(backupFile), {
      signer: testBackupSigner,
      batchSize: 2,
      keepBookkeeping: true,
    });
    expect(result).toMatchObject({ nodes: 9, relationships: 7, resumedFrom: 0 });
    const validation = await validateGraphs(blue, green, { pageSize: 4, restoreInProgress: true });
    expect(validation.checksum).toBe(checksumOf(validation.source));

    const contents = async (db: BoltGraphDatabase) =>
      (await db.readNodes(0, 1000)).map((n) => canonicalNode(withoutRestoreBookkeeping(n))).sort();
    expect(await contents(green)).toEqual(await contents(blue));
    const [a] = await run(
      greenDriver,
      "MATCH (a:Person {key: 'a'}) RETURN a.imax AS imax, a.fneg0 AS z, a.fnan AS nan, a.dtzone AS dt, a.bytes AS bytes, a.g3 AS g3",
    );
    expect(a.get('imax').toString()).toBe('9223372036854775807');
    expect(Object.is(a.get('z'), -0)).toBe(true);
    expect(Number.isNaN(a.get('nan'))).toBe(true);
    expect(a.get('dt').timeZoneId).toBe('Europe/Berlin');
    expect(a.get('dt').nanosecond.toNumber()).toBe(1);
    expect(Array.from(a.get('bytes') as Int8Array)).toEqual([0, 1, -1, 127, -128]);
    expect(a.get('g3').srid.toNumber()).toBe(4979);
    const schema = (await green.schemaStatements()).join('\n');
    expect(schema).toContain('offering_day');
    expect(schema).toContain('thing_text');
  });

  it('refuses to restore into a non-empty target', async () => {
    expect(await codeOf(restoreGraph(blue, () => createReadStream(backupFile), { signer: testBackupSigner }))).toBe(
      'DB.TARGET_NOT_EMPTY',
    );
  });

  it.each([
    [
      'one property changed',
      "MATCH (n:Person {key: 'b'}) SET n.str = 'Bobby'",
      "MATCH (n:Person {key: 'b'}) SET n.str = 'Bob'",
      /node content checksum differs[\s\S]*changed on target/,
    ],
    [
      'a stray node',
      'CREATE (:Stray)',
      'MATCH (n:Stray) DELETE n',
      /label Stray: source 0, target 1[\s\S]*extra on target/,
    ],
    [
      'a relationship dropped',
      "MATCH ()-[r:KNOWS {key: 'k3'}]->() DELETE r",
      "MATCH (b:Person {key: 'b'}), (a:Person {key: 'a'}) CREATE (b)-[:KNOWS {key: 'k3'}]->(a)",
      /type KNOWS: source 3, target 2[\s\S]*relationship \d+ \(KNOWS\): missing on target/,
    ],
    [
      'a relationship property changed',
      "MATCH ()-[r:KNOWS {key: 'k3'}]->() SET r.key = 'k3-changed'",
      "MATCH ()-[r:KNOWS {key: 'k3-changed'}]->() SET r.key = 'k3'",
      /relationship content checksum differs[\s\S]*relationship \d+ \(KNOWS\): changed on target/,
    ],
    [
      'a stray relationship between restored nodes',
      "MATCH (a:Person {key: 'a'}), (b:Person {key: 'b'}) CREATE (a)-[:STRAY]->(b)",
      'MATCH ()-[r:STRAY]->() DELETE r',
      /type STRAY: source 0, target 1[\s\S]*relationship \S+ \(STRAY\): extra on target/,
    ],
    [
      'a node deleted',
      'MATCH (n:Isolated) SET n:__dcoParked REMOVE n:Isolated, n:__dcoRestored',
      'MATCH (n:__dcoParked) SET n:Isolated:__dcoRestored REMOVE n:__dcoParked',
      /label Isolated: source 1, target 0 \(1 missing on target\)[\s\S]*node \d+ \(Isolated\): missing on target/,
    ],
  ])('catches %s on green and passes again once it is undone', async (_name, corrupt, undo, expected) => {
    await run(greenDriver, corrupt);
    const error = await validateGraphs(blue, green, { restoreInProgress: true }).then(
      () => undefined,
      (e: unknown) => e,
    );
    await run(greenDriver, undo);
    expect(error).toBeInstanceOf(CodedError);
    expect((error as CodedError).code).toBe('DB.VALIDATION_MISMATCH');
    expect((error as CodedError).detail).toMatch(expected);
    await expect(validateGraphs(blue, green, { restoreInProgress: true })).resolves.toBeDefined();
  });

  it('catches a broken ledger invariant', async () => {
    await run(
      greenDriver,
      "MATCH (a:Allocation {amount: '40000000000000000000'}) SET a.amount = '39999999999999999999'",
    );
    const error = await validateGraphs(blue, green, { restoreInProgress: true }).then(
      () => undefined,
      (e: unknown) => e,
    );
    await run(
      greenDriver,
      "MATCH (a:Allocation {amount: '39999999999999999999'}) SET a.amount = '40000000000000000000'",
    );
    expect((error as CodedError).detail).toContain(
      'ledger: Offering 2026-01-01 allocated 100000000000000000000 but its allocations sum to 99999999999999999999',
    );
  });

  it('catches a broken ledger invariant in allocation pages (ADR 0035)', async () => {
    await run(
      greenDriver,
      `CREATE (o:Offering {day: '2026-01-02', allocated: '100000000000000000001'})
       CREATE (:AllocationPage {accountIds: ['x', 'y'], amounts: ['100000000000000000000', '2']})-[:OF]->(o)`,
    );
    const error = await validateGraphs(blue, green, { restoreInProgress: true }).then(
      () => undefined,
      (e: unknown) => e,
    );
    await run(greenDriver, "MATCH (o:Offering {day: '2026-01-02'}) OPTIONAL MATCH (o)<-[:OF]-(p) DETACH DELETE o, p");
    expect((error as CodedError).detail).toContain(
      'ledger: Offering 2026-01-02 allocated 100000000000000000001 but its allocations sum to 100000000000000000002',
    );
  });

  it('counts restore bookkeeping left on a target as a difference, and removes it so that the target validates equal', async () => {
    const error = await validateGraphs(blue, green).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as CodedError).code).toBe('DB.VALIDATION_MISMATCH');
    expect((error as CodedError).detail).toMatch(/label __dcoRestored: source 0, target 9/);
    expect((error as CodedError).detail).toMatch(/label __dcoRestoreProgress: source 0, target 1/);
    await green.finishRestore();
    const leftovers = await run(
      greenDriver,
      'MATCH (n) WHERE n.__dcoSourceId IS NOT NULL OR n:__dcoRestored OR n:__dcoRestoreProgress RETURN count(n) AS c',
    );
    expect(leftovers[0].get('c').toNumber()).toBe(0);
    const relLeftovers = await run(
      greenDriver,
      'MATCH ()-[r]->() WHERE r.__dcoSourceId IS NOT NULL RETURN count(r) AS c',
    );
    expect(relLeftovers[0].get('c').toNumber()).toBe(0);
    expect((await green.schemaStatements()).join()).not.toContain('__dco');
    expect(checksumOf(await digestGraph(green))).toBe(checksumOf(await digestGraph(blue)));
    expect((await validateGraphs(blue, green)).verdict.equal).toBe(true);
  });

  it('reports an unreachable server as DB.UNREACHABLE', async () => {
    const nowhere = new BoltGraphDatabase('bolt://127.0.0.1:1', undefined);
    expect(await codeOf(nowhere.ping())).toBe('DB.UNREACHABLE');
    await nowhere.close();
  });
});
