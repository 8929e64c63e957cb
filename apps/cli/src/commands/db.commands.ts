// `dco db backup|restore|validate|migrate|rollback|status`: the operator's handle on the Neo4j blue-green redeployment.
import { createReadStream, createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Command } from 'commander';
import { systemClock } from '@dco/contracts';
import { loadConfig } from '@dco/platform';
import { BackupSigner, BoltGraphDatabase, checksumOf, exportGraph, restoreGraph, validateGraphs } from '@dco/neo4j';
import {
  backupSignerOf,
  BackupSigningEnvironmentConfig,
  blueGreenEnvironmentFromEnv,
  DEFAULT_BLUE_URI,
  neo4jCredentialsFromEnv,
} from '../../../db-migrator/src';
import { CliError, EXIT, runCoded, parsePositiveInt } from '../cli-error';

interface Progress {
  phase: string;
  done: number;
  total: number;
}

const BOLT_URI = /^(bolt|neo4j)(\+s|\+ssc)?:\/\/[\w.-]+(:\d{1,5})?$/;
const RUN_ID = /^[a-z0-9][a-z0-9-]{0,80}$/;

function boltUri(name: string, value: string): string {
  if (!BOLT_URI.test(value))
    throw new CliError(
      'CLI.INVALID_ARGUMENT',
      `${name} must be a Bolt URI like bolt://127.0.0.1:7687, got "${value}"`,
      EXIT.USAGE,
    );
  return value;
}

/**
 * The signer of `db backup|restore`: the configured keys, or the local state directory's generated key (as the local
 * db-migrator uses), so that the CLI restores what a local migration backed up and the other way round.
 */
function backupSigner(): BackupSigner {
  const config = loadConfig(BackupSigningEnvironmentConfig);
  return backupSignerOf(config, config.DCO_PROFILE === 'aws' ? 'aws' : 'local', resolve(config.DCO_STATE_DIR));
}

/** A redrawn bar on a terminal; on a pipe one line per phase and quarter; nothing with --json. */
export function progressPrinter(
  json: boolean,
  stream: NodeJS.WriteStream = process.stderr,
): (progress: Progress) => void {
  let last = '';
  return ({ phase, done, total }) => {
    if (json) return;
    const ratio = total > 0 ? Math.min(done / total, 1) : 1;
    const percent = Math.floor(ratio * 100);
    if (stream.isTTY) {
      const width = 30;
      const filled = Math.round(ratio * width);
      stream.write(
        `\r${phase.padEnd(9)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(percent).padStart(3)}% ${done}/${total}${ratio === 1 ? '\n' : ''}`,
      );
      return;
    }
    const key = `${phase}:${Math.floor(percent / 25)}`;
    if (key !== last) {
      last = key;
      stream.write(`${phase} ${percent}% (${done}/${total})\n`);
    }
  };
}

function exitCodeOf(code: string): number {
  if (code === 'DB.UNREACHABLE' || code === 'DB.UNAUTHORIZED') return EXIT.UNAVAILABLE;
  if (code === 'DB.TARGET_NOT_EMPTY') return EXIT.CONFLICT;
  return EXIT.FAILURE;
}

const run = <T>(json: boolean | undefined, work: () => Promise<T>, text: (result: T) => string): Promise<void> =>
  runCoded(json, work, text, exitCodeOf);

async function withDatabases<T>(uris: string[], work: (dbs: BoltGraphDatabase[]) => Promise<T>): Promise<T> {
  const credentials = neo4jCredentialsFromEnv(process.env);
  const dbs = uris.map((uri) => new BoltGraphDatabase(uri, credentials));
  try {
    for (const db of dbs) await db.ping();
    return await work(dbs);
  } finally {
    await Promise.all(dbs.map((db) => db.close()));
  }
}

export function register(program: Command): void {
  const db = program.command('db').description('Neo4j backup, restore, validation and blue-green migration');

  db.command('backup')
    .description('stream every node, relationship, constraint and index into a compressed, checksummed backup file')
    .option('--neo4j <uri>', `source Bolt URI (default: env NEO4J_URI or ${DEFAULT_BLUE_URI})`)
    .requiredOption('--out <file>', 'backup file to write (.backup.gz)')
    .option('--page-size <n>', 'ids read per query', '10000')
    .option('--json', 'machine-readable output')
    .action(async (options: { neo4j?: string; out: string; pageSize: string; json?: boolean }) => {
      const uri = boltUri('--neo4j', options.neo4j ?? process.env.NEO4J_URI ?? DEFAULT_BLUE_URI);
      const pageSize = parsePositiveInt('--page-size', options.pageSize);
      const out = resolve(options.out);
      await run(
        options.json,
        () =>
          withDatabases([uri], async ([source]) => {
            mkdirSync(dirname(out), { recursive: true });
            const started = Date.now();
            const progress = progressPrinter(Boolean(options.json));
            const result = await exportGraph(source, createWriteStream(out), {
              signer: backupSigner(),
              pageSize,
              clock: systemClock,
              onProgress: (p) => progress({ phase: 'backup', ...p }),
            });
            return {
              file: out,
              nodes: result.footer.nodes,
              relationships: result.footer.relationships,
              schemaStatements: result.footer.schemaStatements,
              sha256: result.footer.sha256,
              sourceVersion: result.header.source.serverVersion,
              seconds: (Date.now() - started) / 1000,
            };
          }),
        (r) =>
          `backed up ${r.nodes} nodes and ${r.relationships} relationships of Neo4j ${r.sourceVersion} to ${r.file} (sha256 ${r.sha256}) in ${r.seconds.toFixed(1)} s`,
      );
    });

  db.command('restore <file>')
    .description('restore a backup into an empty server (resumes an interrupted restore of the same backup)')
    .requiredOption('--target <uri>', 'target Bolt URI')
    .option('--batch-size <n>', 'records per transaction', '10000')
    .option('--json', 'machine-readable output')
    .action(async (file: string, options: { target: string; batchSize: string; json?: boolean }) => {
      const target = boltUri('--target', options.target);
      const batchSize = parsePositiveInt('--batch-size', options.batchSize);
      const path = resolve(file);
      if (!existsSync(path)) throw new CliError('CLI.NOT_FOUND', `no backup file ${path}`, EXIT.NOT_FOUND);
      await run(
        options.json,
        () =>
          withDatabases([target], async ([db]) => {
            const progress = progressPrinter(Boolean(options.json));
            const started = Date.now();
            const result = await restoreGraph(db, () => createReadStream(path), {
              signer: backupSigner(),
              batchSize,
              onProgress: (p) => progress({ phase: 'restore', ...p }),
            });
            return { ...result, target, seconds: (Date.now() - started) / 1000 };
          }),
        (r) =>
          `restored ${r.nodes} nodes and ${r.relationships} relationships into ${r.target}${r.resumedFrom ? ` (resumed after ${r.resumedFrom} records)` : ''} in ${r.seconds.toFixed(1)} s`,
      );
    });

  db.command('validate')
    .description('compare two servers: counts per label and type, content checksum, DCO ledger invariants')
    .requiredOption('--source <uri>', 'source (blue) Bolt URI')
    .requiredOption('--target <uri>', 'target (green) Bolt URI')
    .option('--json', 'machine-readable output')
    .action(async (options: { source: string; target: string; json?: boolean }) => {
      const uris = [boltUri('--source', options.source), boltUri('--target', options.target)];
      await run(
        options.json,
        () =>
          withDatabases(uris, async ([source, target]) => {
            const progress = progressPrinter(Boolean(options.json));
            const result = await validateGraphs(source, target, {
              onProgress: (p) => progress({ phase: 'validate', ...p }),
            });
            return {
              equal: true,
              checksum: result.checksum,
              sourceChecksum: checksumOf(result.source),
              nodes: result.target.nodes,
              relationships: result.target.relationships,
              labelCounts: result.target.labelCounts,
              typeCounts: result.target.typeCounts,
            };
          }),
        (r) => `equal: ${r.nodes} nodes, ${r.relationships} relationships, checksum ${r.checksum}`,
      );
    });

  db.command('migrate')
    .description(
      'blue-green: provision green from the image, back up, restore, validate, switch, retire (env: DCO_PROFILE, NEO4J_URI, ...)',
    )
    .requiredOption('--image <id>', 'the image (AMI) green is built from')
    .option('--run-id <id>', 'idempotency key of this migration (default: manual-<timestamp>)')
    .option('--json', 'machine-readable output')
    .action(async (options: { image: string; runId?: string; json?: boolean }) => {
      const runId = options.runId ?? `manual-${Date.now()}`;
      if (!RUN_ID.test(runId))
        throw new CliError(
          'CLI.INVALID_ARGUMENT',
          `--run-id must be lower-case letters, digits and dashes, got "${runId}"`,
          EXIT.USAGE,
        );
      if (!/^[\w.-]{1,128}$/.test(options.image))
        throw new CliError('CLI.INVALID_ARGUMENT', `--image must be an image id, got "${options.image}"`, EXIT.USAGE);
      await run(
        options.json,
        async () => {
          const { migrator } = await blueGreenEnvironmentFromEnv(process.env);
          return {
            runId,
            ...(await migrator.migrate(
              { runId, targetImageId: options.image },
              progressPrinter(Boolean(options.json)),
            )),
          };
        },
        (r) =>
          `migrated ${r.nodes} nodes and ${r.relationships} relationships from ${r.fromInstanceId} (Neo4j ${r.fromVersion}) to ${r.toInstanceId} (Neo4j ${r.toVersion}) at ${r.boltUri}; checksum ${r.checksum}`,
      );
    });

  db.command('rollback')
    .description('put the database of a run back on blue: pointer, services, green terminated')
    .requiredOption('--run-id <id>', 'the run whose migration to undo')
    .option('--json', 'machine-readable output')
    .action(async (options: { runId: string; json?: boolean }) => {
      if (!RUN_ID.test(options.runId))
        throw new CliError(
          'CLI.INVALID_ARGUMENT',
          `--run-id must be lower-case letters, digits and dashes, got "${options.runId}"`,
          EXIT.USAGE,
        );
      await run(
        options.json,
        async () => (await blueGreenEnvironmentFromEnv(process.env)).migrator.rollback({ runId: options.runId }),
        (r) =>
          `serving from ${r.servingInstanceId} at ${r.boltUri}${r.terminatedInstanceId ? `; terminated ${r.terminatedInstanceId}` : ''}`,
      );
    });

  db.command('status')
    .description('the connection pointer (current, previous, write freeze) and the live Neo4j instances')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      await run(
        options.json,
        async () => {
          const environment = await blueGreenEnvironmentFromEnv(process.env);
          return {
            pointer: await environment.migrator.currentPointer(),
            pointerLocation: environment.pointer.location,
            instances: await environment.fleet.describe(),
          };
        },
        (r) =>
          [
            `current: ${r.pointer.current.instanceId} ${r.pointer.current.boltUri} (Neo4j ${r.pointer.current.version}), writes ${r.pointer.writes}`,
            r.pointer.previous
              ? `previous: ${r.pointer.previous.instanceId} ${r.pointer.previous.boltUri}, retired after ${r.pointer.previous.retireAfter}`
              : 'previous: none',
            ...r.instances.map((i) => `instance ${i.instanceId} ${i.color ?? ''} ${i.boltUri} Neo4j ${i.version}`),
          ].join('\n'),
      );
    });
}
