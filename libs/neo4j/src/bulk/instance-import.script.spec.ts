// The instance import script as text: its order (everything pulled and checked before the service stops), its quoting,
// and the values it refuses to put on a command line.
import { CodedError } from '@dco/contracts';
import { BULK_FORMAT, BulkManifest } from './bulk-export';
import { instanceImportScript, PART_DAMAGED_EXIT } from './instance-import.script';

const sha = (c: string) => c.repeat(64);
const manifest: BulkManifest = {
  format: BULK_FORMAT,
  version: 1,
  createdAt: '2026-12-07T00:00:00.000Z',
  source: { uri: 'bolt://blue:7687', serverVersion: '5.20.0', changeMarker: 'm' },
  schema: [],
  nodes: 3,
  relationships: 1,
  parts: [
    { file: 'nodes-0001.csv.gz', kind: 'nodes', rows: 3, sha256: sha('a') },
    { file: 'relationships-0001.csv.gz', kind: 'relationships', rows: 1, sha256: sha('b') },
  ],
  patch: { file: 'patch.jsonl.gz', entries: 0, sha256: sha('c') },
};
const urlOf = (file: string) => `s3://dco-backups/neo4j-backups/dco-2026-12-07/${file}`;

describe('the instance import script', () => {
  it('pulls and checks every part before it stops the service, imports as the service user, then starts it', () => {
    const script = instanceImportScript({ manifest, urlOf });
    const at = (text: string) => {
      const index = script.indexOf(text);
      expect([text, index >= 0]).toEqual([text, true]);
      return index;
    };
    const order = [
      // One CLI run for every part, several at a time, of the backup's folder and nothing else of it.
      at(
        `aws s3 cp --only-show-errors --recursive 's3://dco-backups/neo4j-backups/dco-2026-12-07/' "$dir" ` +
          `--exclude '*' --include 'nodes-0001.csv.gz' --include 'relationships-0001.csv.gz' || `,
      ),
      at(`[ -f "$dir"/'nodes-0001.csv.gz' ] || { echo 'dco: the part nodes-0001.csv.gz cannot be fetched`),
      at(`[ -f "$dir"/'relationships-0001.csv.gz' ] || `),
      at(`${sha('a')}  nodes-0001.csv.gz\n${sha('b')}  relationships-0001.csv.gz\nDCO_SUMS`),
      at(`exit ${PART_DAMAGED_EXIT}\nfi`),
      at('systemctl stop neo4j'),
      at(
        `"\${as_neo4j[@]}" neo4j-admin database import full neo4j --overwrite-destination=true --id-type=integer ` +
          `--array-delimiter=';' --report-file="$dir"/import.report --nodes="$dir"/'nodes-0001.csv.gz' ` +
          `--relationships="$dir"/'relationships-0001.csv.gz'`,
      ),
      at('systemctl start neo4j'),
    ];
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // The patch is applied over Bolt by the migrator: the instance never pulls it.
    expect(script).not.toContain('patch.jsonl.gz');
    expect(script.startsWith('#!/bin/bash\n')).toBe(true);
    expect(script).toContain("dir='/var/lib/neo4j/import/dco-restore'");
  });

  it.each([
    ['a part outside S3', { urlOf: (file: string) => `/backups/${file}` }],
    ['a URL with a quote', { urlOf: (file: string) => `s3://dco-backups/x'; rm -rf /; '/${file}` }],
    ['a URL climbing out of its prefix', { urlOf: (file: string) => `s3://dco-backups/a/../b/${file}` }],
    [
      'parts in two folders',
      { urlOf: (file: string) => `s3://dco-backups/${file.startsWith('nodes') ? 'a' : 'b'}/${file}` },
    ],
    ['a URL that does not end in its part', { urlOf: () => 's3://dco-backups/a/other.csv.gz' }],
    ['a relative import directory', { importDir: 'import' }],
    ['an import directory with ..', { importDir: '/var/lib/../../etc' }],
    ['the root as import directory', { importDir: '/' }],
    [
      'a part name that is not one of the export',
      { manifest: { ...manifest, parts: [{ ...manifest.parts[0], file: '$(reboot).csv.gz' }] } },
    ],
  ])('refuses %s with DB.RESTORE_FAILED', (_name, change) => {
    const attempt = () => instanceImportScript({ manifest, urlOf, ...change });
    expect(attempt).toThrow(CodedError);
    try {
      attempt();
    } catch (error) {
      expect((error as CodedError).code).toBe('DB.RESTORE_FAILED');
    }
  });
});
