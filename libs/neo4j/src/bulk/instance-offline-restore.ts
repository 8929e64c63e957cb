// The offline restore of the EC2 fleet: green's own machine imports the bulk backup (instanceImportScript through
// InstanceCommands, SSM Run Command in AWS), then the migrator waits for green's Bolt and applies the schema and the patch
// over it, as the local restore does after its import. Resume is the same call again: the script imports from the same
// immutable parts with --overwrite-destination.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CodedError } from '@dco/contracts';
import { BackupSigner } from '../backup/backup-signature';
import { BackupStore } from '../backup/backup-store.port';
import { Neo4jCredentials } from '../bolt/neo4j-credentials';
import { InstanceCommands } from '../fleet/instance-commands.port';
import { awaitBolt } from '../fleet/neo4j-fleet.support';
import { BulkManifest } from './bulk-export';
import { instanceImportScript, PART_DAMAGED_EXIT } from './instance-import.script';
import { applyBulkPatch, readBulkManifest, stageBackupFile } from './offline-import';

export interface InstanceOfflineRestoreOptions {
  commands: InstanceCommands;
  /** The login of green over Bolt (the patch and the schema). */
  credentials: Neo4jCredentials;
  /** Resolves when Bolt at the URI answers with the version, rejects otherwise (the fleet's probe). */
  probe(boltUri: string, version: string): Promise<void>;
  /** How long the import may run on the instance (default 2 h: 10M nodes take minutes, the pulls from S3 besides). */
  importTimeoutSeconds?: number;
  /** How long green may take to answer once the import has started it again (default 15 min). */
  readyTimeoutMs?: number;
  /** The parts' directory on the instance (default INSTANCE_IMPORT_DIR). */
  importDir?: string;
}

export interface InstanceOfflineRestoreResult {
  manifest: BulkManifest;
  /** The SSM command that imported, for an operator to look it up. */
  commandId: string;
  patchEntries: number;
  /** Seconds: the import on the instance (pulls, checks, import, start), green answering, schema and patch. */
  phases: { import: number; ready: number; schemaAndPatch: number };
}

const tail = (text: string) => text.split('\n').slice(-20).join('\n');

export class InstanceOfflineGreenRestorer {
  constructor(private readonly options: InstanceOfflineRestoreOptions) {}

  async restore(
    green: { instanceId: string; boltUri: string; version: string },
    store: BackupStore,
    prefix: string,
    signer: BackupSigner,
  ): Promise<InstanceOfflineRestoreResult> {
    // The signature is checked here: the instance has no key, and trusts the sha256 list this script hands it.
    const manifest = await readBulkManifest(store, prefix, signer);
    const script = instanceImportScript({
      manifest,
      urlOf: (file) => store.locate(`${prefix}/${file}`),
      importDir: this.options.importDir,
    });
    let started = Date.now();
    const run = await this.options.commands.runBash(green.instanceId, script, {
      timeoutSeconds: this.options.importTimeoutSeconds ?? 7_200,
      comment: `dco offline import of ${prefix}`,
    });
    if (run.status !== 'Success') {
      const where = `on ${green.instanceId} (command ${run.commandId})`;
      if (run.exitCode === PART_DAMAGED_EXIT)
        throw new CodedError('DB.BACKUP_CORRUPT', `a part of ${prefix} failed its check ${where}`, tail(run.stderr));
      throw new CodedError(
        'DB.RESTORE_FAILED',
        `the offline import of ${prefix} ${where} ended ${run.status} with exit code ${run.exitCode}`,
        tail(run.stderr),
      );
    }
    const importSeconds = lap();
    await awaitBolt(this.options.probe, {
      id: green.instanceId,
      boltUri: green.boltUri,
      version: green.version,
      timeoutMs: this.options.readyTimeoutMs ?? 900_000,
    });
    const readySeconds = lap();
    const dir = mkdtempSync(join(tmpdir(), 'dco-patch-'));
    try {
      await stageBackupFile(store, prefix, dir, manifest.patch);
      const patched = await applyBulkPatch(green.boltUri, this.options.credentials, dir, manifest);
      return {
        manifest,
        commandId: run.commandId,
        patchEntries: patched.entries,
        phases: { import: importSeconds, ready: readySeconds, schemaAndPatch: lap() },
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    function lap(): number {
      const now = Date.now();
      const seconds = (now - started) / 1000;
      started = now;
      return seconds;
    }
  }
}
