// Unit specs of the backup file format: round trip, every kind of damage caught as DB.BACKUP_CORRUPT, and the signature.
import { PassThrough, Readable } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import { CodedError } from '@dco/contracts';
import { NodeRecord, RelationshipRecord } from '../domain/graph-value';
import { BackupWriter, openBackup, verifyBackup } from './backup-file.format';
import { forgeBackup, forgingBackupSigner, testBackupSigner } from '../testing/test-backup-signer.fixture';
import { BackupSigner } from './backup-signature';

const nodes: NodeRecord[] = [
  {
    id: '0',
    labels: ['A'],
    props: [
      ['s', ['s', '\u2028 line sep 😀 \n']],
      ['f', ['f', 'NaN']],
    ],
  },
  { id: '1', labels: [], props: [] },
];
const rels: RelationshipRecord[] = [
  { id: '0', type: 'LOOP', start: '0', end: '0', props: [['i', ['i', '-9223372036854775808']]] },
];

async function writeBackup(): Promise<Buffer> {
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (c: Buffer) => chunks.push(c));
  const writer = new BackupWriter(
    sink,
    {
      createdAt: '2026-01-01T00:00:00Z',
      source: { uri: 'bolt://x', serverVersion: '5.20.0', changeMarker: 'm' },
    },
    testBackupSigner,
  );
  await writer.schema('CREATE CONSTRAINT c IF NOT EXISTS FOR (n:A) REQUIRE n.s IS UNIQUE');
  for (const n of nodes) await writer.node(n);
  for (const r of rels) await writer.relationship(r);
  await writer.finish();
  return Buffer.concat(chunks);
}

async function expectCorrupt(bytes: Buffer, message: RegExp) {
  const error = await verifyBackup(Readable.from([bytes]), testBackupSigner).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CodedError);
  expect((error as CodedError).code).toBe('DB.BACKUP_CORRUPT');
  expect((error as CodedError).message).toMatch(message);
}

function editLines(bytes: Buffer, edit: (lines: string[]) => string[]): Buffer {
  const lines = gunzipSync(bytes).toString('utf8').split('\n');
  return gzipSync(Buffer.from(edit(lines).join('\n')));
}

describe('backup file format', () => {
  it('round-trips schema, nodes and relationships with a verified footer', async () => {
    const reader = await openBackup(Readable.from([await writeBackup()]), testBackupSigner);
    const records = [];
    for await (const r of reader.records) records.push(r);
    expect(reader.header).toMatchObject({
      format: 'dco-neo4j-backup',
      version: 1,
      source: { serverVersion: '5.20.0' },
    });
    expect(records).toEqual([
      { kind: 'schema', statement: 'CREATE CONSTRAINT c IF NOT EXISTS FOR (n:A) REQUIRE n.s IS UNIQUE' },
      ...nodes.map((node) => ({ kind: 'node', node })),
      ...rels.map((relationship) => ({ kind: 'relationship', relationship })),
    ]);
    expect(reader.footer()).toMatchObject({ nodes: 2, relationships: 1, schemaStatements: 1 });
  });

  it('rejects a truncated file', async () => {
    const bytes = await writeBackup();
    await expectCorrupt(bytes.subarray(0, bytes.length - 12), /truncated|damaged/);
  });

  it('rejects a file cut at a line boundary (no footer)', async () => {
    await expectCorrupt(
      editLines(await writeBackup(), (lines) => lines.slice(0, 3)),
      /without a footer/,
    );
  });

  it('rejects a tampered record', async () => {
    await expectCorrupt(
      editLines(await writeBackup(), (lines) => lines.map((l) => l.replace('LOOP', 'POOL'))),
      /checksum does not match/,
    );
  });

  it('rejects a wrong format version', async () => {
    await expectCorrupt(
      editLines(await writeBackup(), (lines) => [lines[0].replace('"version":1', '"version":2'), ...lines.slice(1)]),
      /unsupported backup format version 2/,
    );
  });

  it('rejects bytes that are not gzip', async () => {
    await expectCorrupt(Buffer.from('hello'), /decompressed|header/);
  });

  it('rejects a malformed value even when the checksum is recomputed', async () => {
    await expectCorrupt(
      editLines(await writeBackup(), (lines) => lines.map((l) => l.replace('"NaN"', '"nan"'))),
      /bad float/,
    );
  });

  it('rejects a record using a name reserved for the migrator (label, type or property key)', async () => {
    const bytes = await writeBackup();
    await expectCorrupt(
      editLines(bytes, (lines) => lines.map((l) => l.replace('["n","0",["A"]', '["n","0",["__dcoRestored"]'))),
      /reserved name __dcoRestored/,
    );
    await expectCorrupt(
      editLines(bytes, (lines) => lines.map((l) => l.replace('"LOOP"', '"__dcoLoop"'))),
      /reserved name __dcoLoop/,
    );
    await expectCorrupt(
      editLines(bytes, (lines) => lines.map((l) => l.replace('[["i",', '[["__dcoSourceId",'))),
      /reserved name __dcoSourceId/,
    );
  });

  describe('signature', () => {
    const codeOf = (bytes: Buffer, signer = testBackupSigner) =>
      verifyBackup(Readable.from([bytes]), signer).then(
        () => 'verified',
        (e: unknown) => (e as CodedError).code,
      );
    const renamed = (text: string) => text.replace('LOOP', 'POOL');

    it('signs the footer with the signing key id', async () => {
      const { footer } = await verifyBackup(Readable.from([await writeBackup()]), testBackupSigner);
      expect(footer.signature).toEqual({ keyId: 'test', hmacSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    });

    it('refuses a backup without a signature, even with a matching sha256 (DB.BACKUP_UNSIGNED)', async () => {
      expect(await codeOf(forgeBackup(await writeBackup(), (text) => text))).toBe('DB.BACKUP_UNSIGNED');
    });

    it('refuses an edited backup whose sha256 was recomputed and signed with another secret (DB.BACKUP_SIGNATURE_INVALID)', async () => {
      const forged = forgeBackup(await writeBackup(), renamed, forgingBackupSigner);
      expect(await codeOf(forged)).toBe('DB.BACKUP_SIGNATURE_INVALID');
    });

    it('refuses an edited backup that kept the original signature (DB.BACKUP_SIGNATURE_INVALID)', async () => {
      const original = await writeBackup();
      const { footer } = await verifyBackup(Readable.from([original]), testBackupSigner);
      const edited = forgeBackup(original, renamed);
      const resigned = editLines(edited, (lines) =>
        lines.map((line) =>
          line.startsWith('{"end"') ? line.replace(/}$/, `,"signature":${JSON.stringify(footer.signature)}}`) : line,
        ),
      );
      expect(await codeOf(resigned)).toBe('DB.BACKUP_SIGNATURE_INVALID');
    });

    it('refuses a key id it does not know, and a malformed signature', async () => {
      const stranger = new BackupSigner({ keyId: 'stranger', secret: Buffer.alloc(32, 1) });
      expect(await codeOf(forgeBackup(await writeBackup(), (text) => text, stranger))).toBe(
        'DB.BACKUP_SIGNATURE_INVALID',
      );
      const malformed = editLines(await writeBackup(), (lines) =>
        lines.map((line) => line.replace(/"hmacSha256":"[0-9a-f]+"/, '"hmacSha256":"zz"')),
      );
      expect(await codeOf(malformed)).toBe('DB.BACKUP_SIGNATURE_INVALID');
    });

    it('verifies a backup signed by a key the signer only verifies with (rotation)', async () => {
      const old = await writeBackup();
      const rotated = new BackupSigner({ keyId: 'next', secret: Buffer.alloc(32, 3) }, [
        { keyId: 'test', secret: Buffer.alloc(32, 7) },
      ]);
      expect(await codeOf(old, rotated)).toBe('verified');
      expect(await codeOf(old, new BackupSigner({ keyId: 'next', secret: Buffer.alloc(32, 3) }))).toBe(
        'DB.BACKUP_SIGNATURE_INVALID',
      );
    });
  });
});
