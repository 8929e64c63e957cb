// Restores a verified backup into an empty GraphDatabase: schema first, then batched upserts, resumable from the last committed batch.
import { Readable } from 'node:stream';
import { CodedError } from '@dco/contracts';
import {
  BackupFooter,
  BackupRecord,
  openBackup,
  signedFooterPayload,
  verifyBackup,
} from '../backup/backup-file.format';
import { BackupSigner } from '../backup/backup-signature';
import { NodeRecord, RelationshipRecord } from '../domain/graph-value';
import { GraphDatabase } from '../graph-database.port';
import { TransferProgress } from './export-graph';

export interface RestoreOptions {
  /** Verifies the footer's signature: an unsigned or wrongly signed backup is refused before anything is written. */
  signer: BackupSigner;
  batchSize?: number;
  onProgress?: (progress: TransferProgress) => void;
  /**
   * The backup's footer as its caller already knows it (it wrote the backup, or verified it). The file is then checked
   * while it is restored rather than in a pass before: a damaged file still fails with DB.BACKUP_CORRUPT, but only at the
   * end, after writing to the target. For a fresh target that is discarded on failure (a blue-green green) only.
   */
  verified?: BackupFooter;
  /**
   * Leaves the restore's bookkeeping (source ids, restored label, progress marker) on the target, for a caller that
   * validates with examples matched by source id and calls `finishRestore` itself (the blue-green migrator). By default a
   * finished restore removes it: the target then holds exactly the backup's graph.
   */
  keepBookkeeping?: boolean;
}

export interface RestoreResult {
  nodes: number;
  relationships: number;
  backupSha256: string;
  /** Records found already committed by an interrupted earlier run (0 for a fresh restore). */
  resumedFrom: number;
}

export const DEFAULT_BATCH_SIZE = 10_000;

type Batch = { kind: 'node'; items: NodeRecord[] } | { kind: 'relationship'; items: RelationshipRecord[] };

/**
 * `open` is called twice: the whole file is verified (header, records, counts, sha256, signature) before anything is
 * written, so a truncated, tampered or unsigned backup changes nothing on the target. With `verified`, once: see there.
 */
export async function restoreGraph(
  target: GraphDatabase,
  open: () => Readable,
  options: RestoreOptions,
): Promise<RestoreResult> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  // A footer the caller holds is checked too: only a signed one may skip the pass before.
  if (options.verified)
    options.signer.verify(signedFooterPayload(options.verified), options.verified.signature, 'the backup');
  const footer = options.verified ?? (await verifyBackup(open(), options.signer)).footer;
  const total = footer.nodes + footer.relationships;
  const progress = await target.readRestoreProgress();
  if (progress && progress.backupSha256 !== footer.sha256) {
    throw new CodedError(
      'DB.TARGET_NOT_EMPTY',
      `the target ${target.uri} holds a partial restore of another backup`,
      `marker ${progress.backupSha256}, backup ${footer.sha256}`,
    );
  }
  if (!progress) {
    const counts = await target.countEntities();
    if (counts.nodes > 0 || counts.relationships > 0) {
      throw new CodedError(
        'DB.TARGET_NOT_EMPTY',
        `the target ${target.uri} is not empty (${counts.nodes} nodes, ${counts.relationships} relationships); restore needs an empty server`,
      );
    }
  }
  const resumedFrom = progress?.recordsDone ?? 0;
  let done = 0;
  let schemaApplied = false;
  const schema: string[] = [];
  let batch: Batch | undefined;

  // One batch is written while the next is read and parsed from the file. Batches still commit one after another, in file
  // order, each with its progress marker, so a crash leaves a prefix of the file committed and the marker naming it.
  let inFlight: Promise<void> = Promise.resolve();
  const flush = async () => {
    if (!batch || batch.items.length === 0) return;
    const items = batch;
    batch = undefined;
    await inFlight;
    const next = { backupSha256: footer.sha256, recordsDone: done + items.items.length };
    inFlight = (
      items.kind === 'node' ? target.writeNodes(items.items, next) : target.writeRelationships(items.items, next)
    ).then(() => {
      done = next.recordsDone;
      options.onProgress?.({ done, total });
    });
    // Observed by the next flush or the final wait; this only keeps a failure from being reported as unhandled meanwhile.
    inFlight.catch(() => undefined);
  };

  try {
    const reader = await openBackup(open(), options.signer);
    let seen = 0;
    for await (const record of reader.records as AsyncGenerator<BackupRecord>) {
      if (record.kind === 'schema') {
        schema.push(record.statement);
        continue;
      }
      if (!schemaApplied) {
        await target.applySchema(schema);
        schemaApplied = true;
      }
      seen += 1;
      if (seen <= resumedFrom) {
        done = seen;
        continue;
      }
      if (batch && (batch.kind !== record.kind || batch.items.length >= batchSize)) await flush();
      if (record.kind === 'node') {
        if (!batch) batch = { kind: 'node', items: [] };
        (batch.items as NodeRecord[]).push(record.node);
      } else {
        if (!batch) batch = { kind: 'relationship', items: [] };
        (batch.items as RelationshipRecord[]).push(record.relationship);
      }
    }
    // The reader checked the file's own footer against its content; it must also be the backup the caller meant.
    if (reader.footer().sha256 !== footer.sha256) {
      throw new CodedError(
        'DB.BACKUP_CORRUPT',
        'the backup is not the one that was verified (its checksum changed)',
        `expected ${footer.sha256}, file ${reader.footer().sha256}`,
      );
    }
  } catch (error) {
    // No write may still be running once the restore has failed.
    await inFlight.catch(() => undefined);
    throw error;
  }
  if (!schemaApplied) await target.applySchema(schema);
  await flush();
  await inFlight;
  if (!options.keepBookkeeping) await target.finishRestore();
  return { nodes: footer.nodes, relationships: footer.relationships, backupSha256: footer.sha256, resumedFrom };
}
