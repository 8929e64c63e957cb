// The offline import as a shell script that green's own machine runs (EC2: SSM Run Command's AWS-RunShellScript, as root):
// every part pulled from S3 and checked against the manifest's sha256 before anything is stopped, the Neo4j service
// stopped, `neo4j-admin database import full` of the instance's own version (as the neo4j user), the service started.
// The patch and the schema are not its business: the migrator applies them over Bolt once green answers (ADR 0018).
// Pure: the script is text, built from values checked here, each of them single-quoted besides.
import { CodedError } from '@dco/contracts';
import { BulkManifest } from './bulk-export';
import { ARRAY_DELIMITER } from './import-csv.format';

/** The script's exit code when a part cannot be fetched or differs from its sha256: nothing was stopped or imported. */
export const PART_DAMAGED_EXIT = 65;

/** Where the parts go on the instance by default: under the package's Neo4j directory, readable by its user. */
export const INSTANCE_IMPORT_DIR = '/var/lib/neo4j/import/dco-restore';

export interface InstanceImportScriptSpec {
  manifest: BulkManifest;
  /** The s3:// URL of a file of the backup (BackupStore.locate of `<prefix>/<file>`). */
  urlOf(file: string): string;
  /** The parts' directory on the instance (emptied first, removed after a successful import). */
  importDir?: string;
}

const S3_URL = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/[A-Za-z0-9._/-]+$/;
const ABSOLUTE_DIR = /^\/[A-Za-z0-9._/-]+$/;
const SAFE_FILE = /^[a-z]+-?\d*\.(csv|jsonl)\.gz$/;
const SHA256 = /^[0-9a-f]{64}$/;

const refuse = (message: string) => new CodedError('DB.RESTORE_FAILED', message);
/** A POSIX-shell single-quoted word: safe for any value. */
export const shellQuote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

/** The S3 folder all parts are in (`urlOf` of each is `<folder>/<file>`), checked before it reaches a command line. */
function folderOf(urlOf: (file: string) => string, parts: Array<{ file: string }>): string {
  const folders = new Set(
    parts.map((part) => {
      const url = urlOf(part.file);
      if (!S3_URL.test(url) || url.includes('/../') || !url.endsWith(`/${part.file}`))
        throw refuse(`the instance import pulls parts from S3 only (DCO_BACKUP_BUCKET): ${JSON.stringify(url)}`);
      return url.slice(0, -part.file.length - 1);
    }),
  );
  if (folders.size !== 1)
    throw refuse(`the parts of one backup are in one S3 folder, not ${folders.size}: ${JSON.stringify([...folders])}`);
  return [...folders][0];
}

/** The script, one command per line (AWS-RunShellScript takes them as its `commands` list, and so does bash). */
export function instanceImportScript(spec: InstanceImportScriptSpec): string {
  const dir = spec.importDir ?? INSTANCE_IMPORT_DIR;
  if (!ABSOLUTE_DIR.test(dir) || dir.split('/').includes('..') || dir === '/')
    throw refuse(`the instance import directory ${JSON.stringify(dir)} is not a plain absolute path`);
  const { manifest } = spec;
  for (const part of manifest.parts) {
    if (!SAFE_FILE.test(part.file) || !SHA256.test(part.sha256))
      throw refuse(`the manifest names a part ${JSON.stringify(part.file)} the instance import cannot take`);
  }
  // One AWS CLI run fetches every part, several at a time, from the backup's folder: a run per part cost about 0.5 s of
  // CLI start each (20 parts of a small graph: 9 s). The filters name the parts exactly (plain names, no pattern
  // characters), so nothing else of the folder is fetched; a part the run did not bring is named below.
  const folder = manifest.parts.length > 0 ? folderOf(spec.urlOf, manifest.parts) : undefined;
  const fetch =
    folder === undefined
      ? []
      : [
          `aws s3 cp --only-show-errors --recursive ${shellQuote(folder + '/')} "$dir" --exclude '*' ` +
            manifest.parts.map((part) => `--include ${shellQuote(part.file)}`).join(' ') +
            ` || { echo 'dco: the parts cannot be fetched: nothing was imported' >&2; exit ${PART_DAMAGED_EXIT}; }`,
        ];
  const present = manifest.parts.map(
    (part) =>
      `[ -f "$dir"/${shellQuote(part.file)} ] || ` +
      `{ echo ${shellQuote(`dco: the part ${part.file} cannot be fetched: nothing was imported`)} >&2; exit ${PART_DAMAGED_EXIT}; }`,
  );
  const sums = manifest.parts.map((part) => `${part.sha256}  ${part.file}`);
  const inputs = manifest.parts.map((part) => `--${part.kind}="$dir"/${shellQuote(part.file)}`).join(' ');
  return [
    '#!/bin/bash',
    `# dco: offline import of ${manifest.nodes} nodes and ${manifest.relationships} relationships into this green (ADR 0018)`,
    'set -euo pipefail',
    `dir=${shellQuote(dir)}`,
    'rm -rf "$dir"',
    'mkdir -p "$dir"',
    ...fetch,
    ...present,
    'cd "$dir"',
    "if ! sha256sum --check --strict --quiet <<'DCO_SUMS'",
    ...sums,
    'DCO_SUMS',
    'then',
    `  echo 'dco: a part differs from its sha256 in the manifest: nothing was imported' >&2`,
    `  exit ${PART_DAMAGED_EXIT}`,
    'fi',
    // The store belongs to the service's user: the import runs as it when the machine has one (the package's neo4j).
    'as_neo4j=()',
    'if [ "$(id -u)" = 0 ] && id -u neo4j >/dev/null 2>&1; then chown -R neo4j:neo4j "$dir"; as_neo4j=(runuser -u neo4j --); fi',
    'systemctl stop neo4j',
    '"${as_neo4j[@]}" neo4j-admin database import full neo4j --overwrite-destination=true --id-type=integer ' +
      `--array-delimiter=${shellQuote(ARRAY_DELIMITER)} --report-file="$dir"/import.report ${inputs}`,
    // Out of the directory removed next (a process started from inside it would have no working directory).
    'cd /',
    'systemctl start neo4j',
    'rm -rf "$dir"',
    `echo ${shellQuote(`dco: imported ${manifest.nodes} nodes and ${manifest.relationships} relationships`)}`,
    '',
  ].join('\n');
}
