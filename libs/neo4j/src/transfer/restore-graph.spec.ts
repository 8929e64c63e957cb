// Unit specs of the pipelined restore on in-memory servers: batches commit in file order, a failed batch stops the restore
// with the progress marker on the last committed batch, and a resumed restore creates nothing twice.
import { gunzipSync, gzipSync } from 'node:zlib';
import { CodedError } from '@dco/contracts';
import { RestoreProgress } from '../graph-database.port';
import { BackupFooter } from '../backup/backup-file.format';
import { InMemoryBackupStore } from '../memory/in-memory-backup-store.fake';
import { InMemoryGraphDatabase } from '../memory/in-memory-graph-database.fake';
import { exportGraph } from './export-graph';
import { restoreGraph } from './restore-graph';
import { validateGraphs } from './validate-graph';
import { forgeBackup, forgingBackupSigner, testBackupSigner } from '../testing/test-backup-signer.fixture';

async function backupOf(
  blue: InMemoryGraphDatabase,
): Promise<{ store: InMemoryBackupStore; total: number; footer: BackupFooter }> {
  const store = new InMemoryBackupStore();
  const artifact = store.create('b');
  const exported = await exportGraph(blue, artifact.stream, { signer: testBackupSigner, pageSize: 3 });
  await artifact.commit();
  return { store, total: exported.footer.nodes + exported.footer.relationships, footer: exported.footer };
}

function graph(): InMemoryGraphDatabase {
  const blue = new InMemoryGraphDatabase('memory://blue', '5.20.0');
  const ids = Array.from({ length: 10 }, (_, i) => blue.createNode(['N'], [['i', ['i', String(i)]]]));
  ids.forEach((id, i) => blue.createRelationship('NEXT', id, ids[(i + 1) % ids.length], [['w', ['f', i / 2]]]));
  return blue;
}

/** Fails the n-th write (1-based) once; records every write's progress as it starts and as it commits. */
class FailingTarget extends InMemoryGraphDatabase {
  writes = 0;
  readonly started: number[] = [];
  constructor(private readonly failAt: number) {
    super('memory://green', '5.26.19');
  }

  override async writeNodes(
    batch: Parameters<InMemoryGraphDatabase['writeNodes']>[0],
    progress: RestoreProgress,
  ): Promise<void> {
    await this.step(progress);
    return super.writeNodes(batch, progress);
  }

  override async writeRelationships(
    batch: Parameters<InMemoryGraphDatabase['writeRelationships']>[0],
    progress: RestoreProgress,
  ): Promise<void> {
    await this.step(progress);
    return super.writeRelationships(batch, progress);
  }

  private async step(progress: RestoreProgress): Promise<void> {
    this.writes += 1;
    this.started.push(progress.recordsDone);
    await new Promise((resolve) => setImmediate(resolve));
    if (this.writes === this.failAt) throw new Error(`write ${this.failAt} failed`);
  }
}

describe('restoreGraph (pipelined batches)', () => {
  it('commits batches in file order and reports progress after each commit', async () => {
    const blue = graph();
    const { store, total } = await backupOf(blue);
    const green = new FailingTarget(0);
    const progress: number[] = [];
    await restoreGraph(green, () => store.open('b'), {
      signer: testBackupSigner,
      batchSize: 4,
      onProgress: (p) => progress.push(p.done),
    });
    // 10 nodes then 10 relationships, never mixed in one batch.
    expect(green.started).toEqual([4, 8, 10, 14, 18, 20]);
    expect(progress).toEqual([4, 8, 10, 14, 18, 20]);
    expect(total).toBe(20);
    expect((await validateGraphs(blue, green)).verdict.equal).toBe(true);
  });

  it('stops at a failed batch with the marker on the last committed one, and a resume ends equal without duplicates', async () => {
    const blue = graph();
    const { store } = await backupOf(blue);
    const green = new FailingTarget(3);
    await expect(
      restoreGraph(green, () => store.open('b'), { signer: testBackupSigner, batchSize: 4 }),
    ).rejects.toThrow('write 3 failed');
    // No batch after the failed one was started.
    expect(green.started).toEqual([4, 8, 10]);
    expect((await green.readRestoreProgress())?.recordsDone).toBe(8);
    const resumed = await restoreGraph(green, () => store.open('b'), { signer: testBackupSigner, batchSize: 4 });
    expect(resumed.resumedFrom).toBe(8);
    expect(await green.countEntities()).toEqual({ nodes: 10, relationships: 10 });
    expect((await validateGraphs(blue, green)).verdict.equal).toBe(true);
  });

  it('with the footer already known, reads the file once and still fails a tampered one with DB.BACKUP_CORRUPT at its end', async () => {
    const blue = graph();
    const { store, footer } = await backupOf(blue);
    let opened = 0;
    const green = new InMemoryGraphDatabase('memory://green', '5.26.19');
    await restoreGraph(green, () => ((opened += 1), store.open('b')), {
      signer: testBackupSigner,
      verified: footer,
      batchSize: 4,
    });
    expect(opened).toBe(1);
    expect((await validateGraphs(blue, green)).verdict.equal).toBe(true);

    // One property of the last node changed, the footer left as it was: only the end of the file can tell.
    const lines = gunzipSync(store.objects.get('b') as Buffer)
      .toString('utf8')
      .split('\n');
    const last = lines.map((line) => line.startsWith('["n"')).lastIndexOf(true);
    lines[last] = lines[last].replace('"9"', '"99"');
    store.objects.set('tampered', gzipSync(lines.join('\n')));
    const target = new InMemoryGraphDatabase('memory://green2', '5.26.19');
    const error = await restoreGraph(target, () => store.open('tampered'), {
      signer: testBackupSigner,
      verified: footer,
      batchSize: 4,
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CodedError);
    expect((error as CodedError).code).toBe('DB.BACKUP_CORRUPT');

    // An intact file that is another backup than the one verified.
    const other = graph();
    other.createNode(['Extra'], []);
    const { store: otherStore } = await backupOf(other);
    const mixedUp = await restoreGraph(
      new InMemoryGraphDatabase('memory://green3', '5.26.19'),
      () => otherStore.open('b'),
      { signer: testBackupSigner, verified: footer },
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((mixedUp as CodedError).code).toBe('DB.BACKUP_CORRUPT');
    expect((mixedUp as CodedError).message).toContain('not the one that was verified');
  });

  it('leaves exactly the source graph once finished: no restored label, source id or progress marker', async () => {
    const blue = graph();
    const { store } = await backupOf(blue);
    const green = new InMemoryGraphDatabase('memory://green', '5.26.19');
    await restoreGraph(green, () => store.open('b'), { signer: testBackupSigner, batchSize: 4 });
    expect(await green.readRestoreProgress()).toBeUndefined();
    const names = (await green.readNodes(0, 100)).flatMap((n) => [...n.labels, ...n.props.map(([key]) => key)]);
    expect(names.filter((name) => name.startsWith('__dco'))).toEqual([]);
    expect((await validateGraphs(blue, green)).verdict.equal).toBe(true);
  });

  it('counts bookkeeping left on the target as a difference unless the restore is declared unfinished', async () => {
    const blue = graph();
    const { store } = await backupOf(blue);
    const green = new InMemoryGraphDatabase('memory://green', '5.26.19');
    await restoreGraph(green, () => store.open('b'), { signer: testBackupSigner, batchSize: 4, keepBookkeeping: true });
    expect((await validateGraphs(blue, green, { restoreInProgress: true })).verdict.equal).toBe(true);
    const error = (await validateGraphs(blue, green).then(
      () => undefined,
      (e: unknown) => e,
    )) as CodedError;
    expect(error.code).toBe('DB.VALIDATION_MISMATCH');
    expect(error.detail).toContain('label __dcoRestored: source 0, target 10');
    expect(error.detail).toContain('label __dcoRestoreProgress: source 0, target 1');
    expect(error.detail).toContain('node content checksum differs');
    await green.finishRestore();
    expect((await validateGraphs(blue, green)).verdict.equal).toBe(true);
  });

  it('refuses to back up a graph that uses a name reserved for the migrator, with a code', async () => {
    for (const [what, make] of [
      ['label', (db: InMemoryGraphDatabase) => db.createNode(['__dcoMine'], [])],
      ['property', (db: InMemoryGraphDatabase) => db.createNode(['N'], [['__dcoSourceId', ['i', '7']]])],
      [
        'type',
        (db: InMemoryGraphDatabase) =>
          db.createRelationship('__dcoLink', db.createNode(['N'], []), db.createNode(['N'], []), []),
      ],
    ] as const) {
      const blue = graph();
      make(blue);
      const error = await backupOf(blue).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect({
        what,
        code: (error as { code?: string }).code,
        message: String((error as Error).message),
      }).toMatchObject({
        what,
        code: 'DB.RESERVED_NAME',
        message: expect.stringContaining('reserved for the migrator'),
      });
    }
  });

  it('refuses an unsigned or wrongly signed backup before writing anything, also with a footer given as verified', async () => {
    const { store, footer } = await backupOf(graph());
    const original = store.objects.get('b') as Buffer;
    store.objects.set(
      'unsigned',
      forgeBackup(original, (text) => text),
    );
    store.objects.set(
      'forged',
      forgeBackup(original, (text) => text.replace('"9"', '"99"'), forgingBackupSigner),
    );
    const codeOf = (key: string, verified?: BackupFooter) => {
      const target = new InMemoryGraphDatabase(`memory://${key}`, '5.26.19');
      return restoreGraph(target, () => store.open(key), { signer: testBackupSigner, verified }).then(
        async () => ['restored', await target.countEntities()],
        async (e: unknown) => [(e as CodedError).code, await target.countEntities()],
      );
    };
    const nothing = { nodes: 0, relationships: 0 };
    expect(await codeOf('unsigned')).toEqual(['DB.BACKUP_UNSIGNED', nothing]);
    expect(await codeOf('forged')).toEqual(['DB.BACKUP_SIGNATURE_INVALID', nothing]);
    const { signature: _signature, ...unsignedFooter } = footer;
    expect(await codeOf('b', { ...unsignedFooter, end: true })).toEqual(['DB.BACKUP_UNSIGNED', nothing]);
  });
});
