// The bulk backup writer under a fast reader: rows come faster than the compressor drains, and every flush that waits
// waits on one drain of its file (a listener per waiting flush went past Node's limit of 10, with a warning per range).
import { randomBytes } from 'node:crypto';
import { PassThrough, Writable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { BackupStore } from '../backup/backup-store.port';
import { InMemoryBackupStore } from '../memory/in-memory-backup-store.fake';
import { InMemoryGraphDatabase } from '../memory/in-memory-graph-database.fake';
import { testBackupSigner } from '../testing/test-backup-signer.fixture';
import { BulkBackupWriter, exportBulk } from './bulk-export';

/** A store whose artifacts take `capacity` bytes each and then fail every write, as a full disk or a dropped upload. */
function failingStore(capacity: number): BackupStore & { failures: number } {
  const store = {
    failures: 0,
    locate: (key: string) => `failing://${key}`,
    create: () => {
      let written = 0;
      const stream = new Writable({
        highWaterMark: 16 * 1024,
        write(chunk: Buffer, _encoding, callback) {
          written += chunk.length;
          if (written <= capacity) return setImmediate(callback);
          store.failures += 1;
          callback(new Error('no space left on device'));
        },
      });
      return { stream, commit: async () => undefined };
    },
    open: () => new PassThrough(),
    exists: async () => false,
  };
  return store;
}

describe('BulkBackupWriter', () => {
  it('keeps every row when many flushes wait on the compressor at once, with one drain listener per file', async () => {
    const store = new InMemoryBackupStore();
    const writer = new BulkBackupWriter(store, 'run-1');
    const flushes: Promise<void>[] = [];
    const rows = 40_000;
    for (let i = 0; i < rows; i++) {
      const flush = writer.addNode({
        id: String(i),
        labels: ['Account'],
        props: [['name', ['s', `n${i}-`.repeat(40)]]],
      });
      if (flush) flushes.push(flush);
    }
    // About 9 MB of CSV in 256 KiB chunks, none awaited until now: dozens of flushes found the compressor full, and
    // all of them wait on its one next drain.
    expect(flushes.length).toBeGreaterThan(20);
    expect(new Set(flushes).size).toBe(1);
    await Promise.all(flushes);
    const manifest = await writer.finish(
      {
        createdAt: '2026-12-07T00:00:00.000Z',
        source: { uri: 'bolt://blue', serverVersion: '5.20.0', changeMarker: 'm' },
        schema: [],
      },
      testBackupSigner,
    );
    expect(manifest.parts).toEqual([expect.objectContaining({ kind: 'nodes', rows })]);
    const lines = gunzipSync(store.objects.get(`run-1/${manifest.parts[0].file}`) ?? Buffer.alloc(0))
      .toString('utf8')
      .trimEnd()
      .split('\n');
    expect(lines).toHaveLength(rows + 1);
    expect(lines[rows]).toMatch(new RegExp(`^${rows - 1},`));
  });

  it('fails the export with DB.BACKUP_FAILED when the store fails mid-write, instead of waiting for a drain forever', async () => {
    const blue = new InMemoryGraphDatabase('memory://blue', '5.20.0');
    // About 4 MB of incompressible text: the node part's compressed bytes outgrow the store's capacity early on.
    for (let i = 0; i < 2_000; i++) blue.createNode(['Account'], [['blob', ['s', randomBytes(1_500).toString('hex')]]]);
    const store = failingStore(256 * 1024);
    await expect(exportBulk(blue, store, 'run-1', { signer: testBackupSigner, pageSize: 100 })).rejects.toMatchObject({
      code: 'DB.BACKUP_FAILED',
      message: expect.stringContaining('no space left on device'),
    });
    expect(store.failures).toBeGreaterThan(0);
  });
});
