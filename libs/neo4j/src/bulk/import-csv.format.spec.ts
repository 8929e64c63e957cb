// Unit specs of the import CSV: which values a typed cell carries, quoting, part headers, and what goes to the patch.
import { gunzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { CodedError } from '@dco/contracts';
import { GraphValue } from '../domain/graph-value';
import { InMemoryBackupStore } from '../memory/in-memory-backup-store.fake';
import { InMemoryGraphDatabase } from '../memory/in-memory-graph-database.fake';
import { BulkManifest, exportBulk } from './bulk-export';
import { csvCell, csvTypeOf, nodeRow, relationshipRow } from './import-csv.format';
import { readBulkManifest } from './offline-import';
import { testBackupSigner } from '../testing/test-backup-signer.fixture';

describe('import CSV format', () => {
  it.each<[string, GraphValue, string | undefined]>([
    ['a plain string', ['s', 'say "hi", ok'], 'string'],
    ['an empty string (an empty cell is no value)', ['s', ''], undefined],
    ['a string with a line break', ['s', 'a\nb'], undefined],
    ['a string with a control character', ['s', 'a\u0000b'], undefined],
    ['a string with a line separator', ['s', 'a\u2028b'], undefined],
    ['an int64 at its limit', ['i', '-9223372036854775808'], 'long'],
    ['a finite double', ['f', 5e-324], 'double'],
    ['NaN', ['f', 'NaN'], undefined],
    ['negative zero', ['f', '-0'], undefined],
    ['a boolean', ['b', false], 'boolean'],
    ['bytes', ['y', 'AAH/'], undefined],
    ['a date of years 1..9999', ['date', 2024, 2, 29], 'date'],
    ['a date out of that range', ['date', 999999999, 12, 31], undefined],
    ['a year-zero date', ['date', 0, 1, 1], undefined],
    ['a datetime with an offset', ['dt', 2024, 1, 1, 0, 0, 0, 0, 0, null], 'datetime'],
    ['a datetime with a zone id', ['dt', 2024, 10, 27, 2, 30, 0, 1, 7200, 'Europe/Berlin'], 'datetime'],
    ['a datetime with a seconds offset', ['dt', 2024, 1, 1, 0, 0, 0, 0, 30, null], undefined],
    ['a datetime out of the year range', ['dt', 10000, 1, 1, 0, 0, 0, 0, 0, null], undefined],
    ['a local datetime', ['ldt', 2024, 1, 1, 12, 0, 0, 500000000], 'localdatetime'],
    ['a local time', ['ltime', 1, 2, 3, 4], undefined],
    ['a duration', ['dur', '1', '0', '0', '0'], undefined],
    ['a point', ['pt', 7203, 1, 2], undefined],
    [
      'a list of longs',
      [
        'l',
        [
          ['i', '1'],
          ['i', '2'],
        ],
      ],
      'long[]',
    ],
    ['an empty list', ['l', []], undefined],
    ['a list item with the array delimiter', ['l', [['s', 'a;b']]], undefined],
    ['a list with an empty string', ['l', [['s', '']]], undefined],
    [
      'a list with negative zero',
      [
        'l',
        [
          ['f', 1.5],
          ['f', '-0'],
        ],
      ],
      undefined,
    ],
    ['a list of dates', ['l', [['date', 2020, 1, 1]]], undefined],
  ])('%s', (_name, value, type) => {
    expect(csvTypeOf(value)).toBe(type);
  });

  it('quotes every cell, doubling quotes, and joins arrays with the delimiter', () => {
    expect(csvCell(['s', 'say "hi", ok'])).toBe('"say ""hi"", ok"');
    expect(
      csvCell([
        'l',
        [
          ['s', 'a'],
          ['s', 'b c'],
        ],
      ]),
    ).toBe('"a;b c"');
    expect(csvCell(['date', 33, 2, 3])).toBe('"0033-02-03"');
    expect(csvCell(['dt', 2024, 10, 27, 2, 30, 0, 1, 7200, 'Europe/Berlin'])).toBe(
      '"2024-10-27T02:30:00.000000001+02:00[Europe/Berlin]"',
    );
    expect(csvCell(['dt', 2024, 1, 1, 0, 0, 0, 0, -28800, null])).toBe('"2024-01-01T00:00:00.000000000-08:00"');
    expect(csvCell(['ldt', 2024, 1, 1, 12, 0, 0, 500000000])).toBe('"2024-01-01T12:00:00.500000000"');
    expect(csvCell(['f', 1.7976931348623157e308])).toBe('"1.7976931348623157e+308"');
  });

  it('puts a node in a part by label set and typed keys, and what CSV cannot carry in its patch entry', () => {
    const plain = nodeRow(
      {
        id: '7',
        labels: ['B', 'A'],
        props: [
          ['n', ['i', '1']],
          ['s', ['s', 'x']],
        ],
      },
      '__dcoRestored',
    );
    expect(plain).toEqual({
      partKey: expect.any(String),
      header: ':ID,:LABEL,n:long,s:string',
      line: '7,"A;B","1","x"',
    });
    const odd = nodeRow(
      {
        id: '8',
        labels: ['A', 'semi;colon'],
        props: [
          ['n', ['i', '2']],
          ['odd: name', ['i', '3']],
          ['e', ['l', []]],
        ],
      },
      '__dcoRestored',
    );
    expect(odd.header).toBe(':ID,:LABEL,__dcoSourceId:long,n:long');
    expect(odd.line).toBe('8,"A;__dcoRestored",8,"2"');
    expect(odd.partKey).not.toBe(plain.partKey);
    expect(odd.patch).toEqual({
      kind: 'node',
      id: '8',
      labels: ['semi;colon'],
      props: [
        ['odd: name', ['i', '3']],
        ['e', ['l', []]],
      ],
    });
  });

  it('patches a relationship by its type and source id, and refuses a type the CSV cannot carry with a code', () => {
    const rel = relationshipRow({ id: '3', type: 'T', start: '1', end: '2', props: [['b', ['y', 'AQ==']]] });
    expect(rel.header).toBe(':START_ID,:END_ID,:TYPE,__dcoSourceId:long');
    expect(rel.line).toBe('1,2,"T",3');
    expect(rel.patch).toEqual({ kind: 'relationship', id: '3', type: 'T', props: [['b', ['y', 'AQ==']]] });
    const error = (() => {
      try {
        relationshipRow({ id: '4', type: 'LINE\nBREAK', start: '1', end: '2', props: [] });
        return undefined;
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(CodedError);
    expect((error as CodedError).code).toBe('DB.BULK_UNSUPPORTED');
  });
});

describe('exportBulk', () => {
  it('writes parts with their header first, the patch and a manifest whose sha256s and counts match the files', async () => {
    const blue = new InMemoryGraphDatabase('memory://blue', '5.20.0');
    const a = blue.createNode(['P'], [['n', ['i', '1']]]);
    const b = blue.createNode(['P'], [['n', ['i', '2']]]);
    const c = blue.createNode(['Q'], [['e', ['l', []]]]);
    blue.createRelationship('R', a, b, [['w', ['f', 0.5]]]);
    blue.createRelationship('R', b, c, [['y', ['y', 'AQ==']]]);
    const store = new InMemoryBackupStore();
    const { manifest, digest } = await exportBulk(blue, store, 'x', { signer: testBackupSigner, pageSize: 2 });
    const saved = JSON.parse(String(store.objects.get('x/manifest.json'))) as BulkManifest;
    expect(saved).toEqual(manifest);
    expect(manifest).toMatchObject({ nodes: 3, relationships: 2, patch: { entries: 2 } });
    expect(digest).toMatchObject({ nodes: 3, relationships: 2 });
    const text = (file: string) => gunzipSync(store.objects.get(`x/${file}`) as Buffer).toString('utf8');
    for (const part of [...manifest.parts, manifest.patch]) {
      expect(
        createHash('sha256')
          .update(store.objects.get(`x/${part.file}`) as Buffer)
          .digest('hex'),
      ).toBe(part.sha256);
    }
    expect(manifest.parts.map((p) => text(p.file))).toEqual([
      ':ID,:LABEL,n:long\n0,"P","1"\n1,"P","2"\n',
      ':ID,:LABEL,__dcoSourceId:long\n2,"Q;__dcoRestored",2\n',
      ':START_ID,:END_ID,:TYPE,w:double\n0,1,"R","0.5"\n',
      ':START_ID,:END_ID,:TYPE,__dcoSourceId:long\n1,2,"R",1\n',
    ]);
    expect(
      text(manifest.patch.file)
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([
      { kind: 'node', id: '2', props: [['e', ['l', []]]] },
      { kind: 'relationship', id: '1', type: 'R', props: [['y', ['y', 'AQ==']]] },
    ]);
  });

  it('signs the manifest; reading it refuses an unsigned or edited one before any part is read', async () => {
    const blue = new InMemoryGraphDatabase('memory://blue', '5.20.0');
    blue.createNode(['P'], [['n', ['i', '1']]]);
    const store = new InMemoryBackupStore();
    const { manifest } = await exportBulk(blue, store, 'x', { signer: testBackupSigner });
    expect(manifest.signature).toEqual({ keyId: 'test', hmacSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(await readBulkManifest(store, 'x', testBackupSigner)).toEqual(manifest);
    const codeWith = (edited: object) => {
      store.objects.set('y/manifest.json', Buffer.from(JSON.stringify(edited)));
      return readBulkManifest(store, 'y', testBackupSigner).then(
        () => 'read',
        (e: unknown) => (e as CodedError).code,
      );
    };
    const { signature, ...unsigned } = manifest;
    expect(await codeWith(unsigned)).toBe('DB.BACKUP_UNSIGNED');
    // A part swapped for another with its sha256 put in the manifest: the signature no longer matches.
    const swapped = { ...manifest, parts: [{ ...manifest.parts[0], sha256: 'f'.repeat(64) }] };
    expect(await codeWith(swapped)).toBe('DB.BACKUP_SIGNATURE_INVALID');
    expect(await codeWith({ ...manifest, signature: { ...signature, keyId: 'other' } })).toBe(
      'DB.BACKUP_SIGNATURE_INVALID',
    );
    expect(await codeWith(['not', 'a', 'manifest'])).toBe('DB.BACKUP_CORRUPT');
  });
});
