// The blue-green redeployment of Neo4j: provision green, back up blue, restore, validate, freeze + switch, retire; and rollback.
import { setTimeout as delay } from 'node:timers/promises';
import { Clock, CodedError, DataOf, MigrationPhase } from '@dco/contracts';
import {
  BackupFooter,
  BackupSigner,
  BackupStore,
  BoltBlockReader,
  exportBulk,
  MANIFEST_FILE,
  readBulkManifest,
  ConnectionPointer,
  ConnectionPointerStore,
  exportGraph,
  GraphDatabase,
  GraphDatabaseFactory,
  Neo4jCredentials,
  GraphDigest,
  MigrationRecord,
  Neo4jConsumers,
  Neo4jEndpoint,
  Neo4jFleet,
  Neo4jInstance,
  restoreGraph,
  validateGraphs,
  verifyBackup,
} from '@dco/neo4j';
import { rollBackToBlue } from '../rollback-db/roll-back-to-blue';

export interface MigrationProgress {
  phase: MigrationPhase;
  done: number;
  total: number;
}

export type ProgressListener = (progress: MigrationProgress) => void;

/**
 * Fills a fresh green from a bulk backup before it serves (ADR 0018): the parts checked against the manifest, the target
 * version's `neo4j-admin database import full` into green's store, green started again at the same Bolt URI, schema and
 * patch applied, the patch's bookkeeping removed. Doing it again imports again from the same parts.
 */
export interface OfflineGreenRestorer {
  restore(
    green: Neo4jInstance,
    backups: BackupStore,
    prefix: string,
    signer: BackupSigner,
  ): Promise<{ phases?: Record<string, number> }>;
}

export interface BlueGreenDependencies {
  fleet: Neo4jFleet;
  graphs: GraphDatabaseFactory;
  pointer: ConnectionPointerStore;
  consumers: Neo4jConsumers;
  backups: BackupStore;
  /** Signs the backups the migrator writes and verifies the ones it reads (its own, from an earlier attempt). */
  signer: BackupSigner;
  clock: Clock;
  /** The fleet runtime's offline restore; the migrator uses it when `restoreMode` is offline-import. */
  offlineRestorer?: OfflineGreenRestorer;
  /** The login of blue and every green over Bolt (the graphs factory has it too): the range readers of the offline copy. */
  credentials?: Neo4jCredentials;
  /** Where the migrator says how long each step of a copy took (the service's logger; nothing by default). */
  log?: (message: string) => void;
}

export interface BlueGreenOptions {
  /** The server in use when no pointer has been written yet (first migration of an environment). */
  initialEndpoint: Neo4jEndpoint;
  /** How long blue stays (for rollback) after a successful switch; 0 retires it at the end of the migration. */
  retireGraceMs: number;
  readyTimeoutMs: number;
  /** How long consumers need to notice a write freeze and finish in-flight transactions (their pointer poll interval + margin). */
  freezeDrainMs: number;
  /** Blue changed during the copy (ADR 0006): copy again under the write freeze, or give up. */
  onSourceChanged: 'recopy-frozen' | 'abort';
  pageSize?: number;
  batchSize?: number;
  /** offline-import (needs `offlineRestorer`) or online (batched UNWIND over Bolt); online by default. */
  restoreMode?: 'offline-import' | 'online';
  /** Ranges read ahead of the one being written by the bulk export. */
  readAhead?: number;
}

export type DbMigrated = DataOf<'DbMigrated'>;
export type DbRolledBack = DataOf<'DbRolledBack'>;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const endpointOf = (instance: Neo4jInstance): Neo4jEndpoint => ({
  instanceId: instance.instanceId,
  boltUri: instance.boltUri,
  version: instance.version,
});

interface CopyResult {
  nodes: number;
  relationships: number;
  checksum: string;
  /** Blue's change marker when its backup started. */
  sourceMarker: string;
}

/**
 * Validates green against blue; 'moved' when blue changed meanwhile (a mismatch then proves nothing, and neither does a
 * match): only an unchanged marker from the backup's start to the validation's end makes the result count.
 */
async function validateUnlessMoved<T>(
  unchanged: () => Promise<boolean>,
  validate: () => Promise<T>,
): Promise<T | 'moved'> {
  let validation: T;
  try {
    validation = await validate();
  } catch (error) {
    if (error instanceof CodedError && error.code === 'DB.VALIDATION_MISMATCH' && !(await unchanged())) return 'moved';
    throw error;
  }
  return (await unchanged()) ? validation : 'moved';
}

export class BlueGreenMigrator {
  constructor(
    private readonly deps: BlueGreenDependencies,
    private readonly options: BlueGreenOptions,
  ) {}

  async currentPointer(): Promise<ConnectionPointer> {
    return (
      (await this.deps.pointer.read()) ?? {
        current: this.options.initialEndpoint,
        writes: 'open',
        generation: 0,
        updatedAt: this.deps.clock.now().toISOString(),
      }
    );
  }

  async migrate(
    request: { runId: string; targetImageId: string },
    onProgress: ProgressListener = () => undefined,
  ): Promise<DbMigrated> {
    let pointer = await this.currentPointer();
    const done = pointer.lastMigration;
    if (done?.runId === request.runId && pointer.current.instanceId === done.to.instanceId) {
      // A redelivered command after success: answer the same, act on nothing.
      return this.migratedData(done.from, done.to, done);
    }
    const blue = pointer.writes === 'frozen' && pointer.previous ? pointer.previous : pointer.current;
    const blueDb = this.deps.graphs.connect(blue.boltUri);
    let green: Neo4jInstance | undefined;
    let frozen = pointer.writes === 'frozen';
    let switched: { green: Neo4jEndpoint; record: MigrationRecord };
    let blueFenced = false;
    try {
      // Blue serves: a fence an earlier attempt closed before it crashed (between the close and opening green) opens again
      // before anything is copied, so that no copy carries a closed fence to green. Writes nothing when it is open.
      await blueDb.openLedgerWrites();
      let attempt = 1;
      let copy: CopyResult;
      for (;;) {
        const result = await this.copy(request, attempt, blue, blueDb, onProgress);
        green = result.green;
        copy = result.copy;
        if (!result.changed) {
          onProgress({ phase: 'switch', done: 0, total: 4 });
          if (!frozen) {
            pointer = await this.freeze(pointer);
            frozen = true;
          }
          if ((await blueDb.changeMarker()) === copy.sourceMarker) break;
        }
        // Blue took writes after its backup started (ADR 0006): copy again with writes frozen, or give up.
        if (this.options.onSourceChanged === 'abort' || attempt >= 2) {
          throw new CodedError(
            'DB.SOURCE_CHANGED',
            `${blue.boltUri} was written to during the migration; the copy on green is stale`,
            `backup marker ${copy.sourceMarker}`,
          );
        }
        if (!frozen) {
          pointer = await this.freeze(pointer);
          frozen = true;
        }
        await this.deps.fleet.terminate(green.instanceId);
        green = undefined;
        attempt += 1;
      }
      onProgress({ phase: 'switch', done: 1, total: 4 });
      const greenEndpoint = endpointOf(green);
      const markerBeforeSwitch = copy.sourceMarker;
      // A write blue took since the copy would be lost on green: the abandon below keeps blue instead.
      const stayOnBlueIfWritten = async (what: string) => {
        if ((await blueDb.changeMarker()) !== markerBeforeSwitch) throw new CodedError('DB.SOURCE_CHANGED', what);
      };
      pointer = await this.writePointer(pointer, {
        current: greenEndpoint,
        writes: 'frozen',
        previous: {
          ...blue,
          retireAfter: new Date(this.deps.clock.now().getTime() + this.options.retireGraceMs).toISOString(),
        },
      });
      await stayOnBlueIfWritten(`a writer ignored the write freeze on ${blue.boltUri}; staying on blue`);
      onProgress({ phase: 'switch', done: 2, total: 4 });
      await this.deps.consumers.pointTo(greenEndpoint, { runId: request.runId });
      // The rollout replaced every consumer task: one of the old revision may have written to blue while it drained
      // (ignoring the freeze). Checked again at steady state, before writes open on green.
      await stayOnBlueIfWritten(
        `blue (${blue.boltUri}) took a write while the consumers rolled over to green; staying on blue`,
      );
      // From here blue itself refuses ledger writes (ADR 0006): a runner that missed the pointer gets DB.WRITES_FROZEN from
      // blue. The close waits for the ledger writes in flight, and is refused (blue stays open, the run stays on it) if
      // blue's fence counted a ledger write that green's copy of it lacks.
      await this.closeBlueWrites(blueDb, greenEndpoint, request.runId, pointer.generation);
      blueFenced = true;
      onProgress({ phase: 'switch', done: 3, total: 4 });
      const record = {
        runId: request.runId,
        from: blue,
        to: greenEndpoint,
        nodes: copy.nodes,
        relationships: copy.relationships,
        checksum: copy.checksum,
      };
      pointer = await this.writePointer(pointer, { writes: 'open', lastMigration: record });
      frozen = false;
      switched = { green: greenEndpoint, record };
    } catch (error) {
      await this.abandon(request.runId, blue, green, frozen, error, blueFenced ? blueDb : undefined);
      throw error instanceof CodedError
        ? error
        : new CodedError(
            'DB.SWITCH_FAILED',
            `migration failed: ${(error as Error).message}`,
            String((error as Error).stack),
            { cause: error },
          );
    } finally {
      await blueDb.close();
    }
    // Writes are open on green from here: nothing below may send the run back to blue. A failure here fails the command, and
    // its redelivery finds the recorded migration and answers DbMigrated.
    await this.deps.fleet.setColor(switched.green.instanceId, 'blue');
    await this.deps.fleet.setColor(blue.instanceId, 'retiring');
    onProgress({ phase: 'switch', done: 4, total: 4 });
    if (this.options.retireGraceMs === 0) await this.retireDue(onProgress);
    return this.migratedData(blue, switched.green, switched.record);
  }

  /** Provision (or find) green, back blue up (or reuse this attempt's backup), restore, validate, remove the bookkeeping. */
  private async copy(
    request: { runId: string; targetImageId: string },
    attempt: number,
    blue: Neo4jEndpoint,
    blueDb: GraphDatabase,
    onProgress: ProgressListener,
  ): Promise<{ green: Neo4jInstance; copy: CopyResult; changed: boolean }> {
    onProgress({ phase: 'provision', done: 0, total: 1 });
    const provisioning = this.deps.fleet
      .provision(request.targetImageId, {
        clientToken: `${request.runId}-green-${attempt}`,
        readyTimeoutMs: this.options.readyTimeoutMs,
      })
      .then((provisioned) => {
        onProgress({ phase: 'provision', done: 1, total: 1 });
        return provisioned;
      });
    // Awaited below, after the offline path's backup: its failure must not count as unhandled meanwhile.
    provisioning.catch(() => undefined);
    const offline = this.options.restoreMode === 'offline-import' ? this.deps.offlineRestorer : undefined;
    if (offline) return this.copyOffline(offline, request, attempt, blue, blueDb, provisioning, onProgress);
    const green = await provisioning;
    const greenDb = this.deps.graphs.connect(green.boltUri);
    try {
      const key = `${request.runId}/${blue.instanceId}-attempt-${attempt}.backup.gz`;
      let sourceMarker: string;
      // Blue's digest from the export's own reads; a reused backup (resumed migration) has none and validation reads blue.
      let sourceDigest: GraphDigest | undefined;
      // Known and checked before the restore: the restore then checks the file while it writes, in one read instead of two.
      let footer: BackupFooter;
      if (await this.deps.backups.exists(key)) {
        const verified = await verifyBackup(this.deps.backups.open(key), this.deps.signer);
        sourceMarker = verified.header.source.changeMarker;
        footer = verified.footer;
      } else {
        const artifact = this.deps.backups.create(key);
        const exported = await exportGraph(blueDb, artifact.stream, {
          signer: this.deps.signer,
          pageSize: this.options.pageSize,
          clock: this.deps.clock,
          onProgress: (p) => onProgress({ phase: 'backup', ...p }),
        });
        await artifact.commit();
        sourceMarker = exported.changeMarker;
        sourceDigest = exported.digest;
        footer = exported.footer;
      }
      const progress = await greenDb.readRestoreProgress();
      const counts = await greenDb.countEntities();
      const finished = !progress && (counts.nodes > 0 || counts.relationships > 0);
      if (!finished) {
        // Green is fresh and discarded if anything fails, so it may be written before the file's end is checked.
        await restoreGraph(greenDb, () => this.deps.backups.open(key), {
          signer: this.deps.signer,
          verified: footer,
          keepBookkeeping: true,
          batchSize: this.options.batchSize,
          onProgress: (p) => onProgress({ phase: 'restore', ...p }),
        });
      }
      const unchanged = async () => (await blueDb.changeMarker()) === sourceMarker;
      const stale = { green, copy: { nodes: 0, relationships: 0, checksum: '', sourceMarker }, changed: true };
      // Comparing a moving blue with green proves nothing: only an unchanged marker from backup start to validation end does.
      if (!(await unchanged())) return stale;
      // The export's digest describes blue as long as its marker is unchanged, which `unchanged()` checks before and after.
      const validation = await validateUnlessMoved(unchanged, () =>
        validateGraphs(blueDb, greenDb, {
          pageSize: this.options.pageSize,
          sourceDigest,
          restoreInProgress: true,
          onProgress: (p) => onProgress({ phase: 'validate', ...p }),
        }),
      );
      if (validation === 'moved') return stale;
      await greenDb.finishRestore();
      return {
        green,
        copy: {
          nodes: validation.target.nodes,
          relationships: validation.target.relationships,
          checksum: validation.checksum,
          sourceMarker,
        },
        changed: false,
      };
    } catch (error) {
      (error as { green?: Neo4jInstance }).green = green;
      throw error;
    } finally {
      await greenDb.close();
    }
  }

  /**
   * The offline path (ADR 0018): a bulk backup of blue (or this attempt's, when it is complete), taken while green is being
   * provisioned, imported into green before green serves, then validated strictly: a finished restore leaves exactly
   * blue's graph. A failed backup still waits for the provisioning, so that the green it made is terminated with the rest.
   */
  private async copyOffline(
    restorer: OfflineGreenRestorer,
    request: { runId: string },
    attempt: number,
    blue: Neo4jEndpoint,
    blueDb: GraphDatabase,
    provisioning: Promise<Neo4jInstance>,
    onProgress: ProgressListener,
  ): Promise<{ green: Neo4jInstance; copy: CopyResult; changed: boolean }> {
    const prefix = `${request.runId}/${blue.instanceId}-attempt-${attempt}.bulk`;
    let backup: { sourceMarker: string; sourceDigest?: GraphDigest };
    try {
      backup = await this.bulkBackup(prefix, blue, blueDb, onProgress);
    } catch (error) {
      const provisioned = await provisioning.catch(() => undefined);
      if (provisioned) (error as { green?: Neo4jInstance }).green = provisioned;
      throw error;
    }
    const green = await provisioning;
    const { sourceMarker, sourceDigest } = backup;
    let greenDb: GraphDatabase | undefined;
    let greenReader: BoltBlockReader | undefined;
    try {
      onProgress({ phase: 'restore', done: 0, total: 1 });
      const started = performance.now();
      const { phases } = await restorer.restore(green, this.deps.backups, prefix, this.deps.signer);
      this.deps.log?.(
        `green ${green.instanceId} filled by the offline import of ${prefix} in ${seconds(performance.now() - started)}` +
          (phases
            ? ` (${Object.entries(phases)
                .map(([phase, s]) => `${phase} ${s.toFixed(1)} s`)
                .join(', ')})`
            : ''),
      );
      onProgress({ phase: 'restore', done: 1, total: 1 });
      const unchanged = async () => (await blueDb.changeMarker()) === sourceMarker;
      const stale = { green, copy: { nodes: 0, relationships: 0, checksum: '', sourceMarker }, changed: true };
      if (!(await unchanged())) return stale;
      greenDb = this.deps.graphs.connect(green.boltUri);
      // Green read as blue was: through the same range reader as the export.
      greenReader = green.boltUri.startsWith('bolt')
        ? new BoltBlockReader(green.boltUri, this.deps.credentials)
        : undefined;
      const target = greenDb;
      const validating = performance.now();
      const validation = await validateUnlessMoved(unchanged, () =>
        validateGraphs(blueDb, target, {
          pageSize: this.options.pageSize,
          sourceDigest,
          targetReader: greenReader,
          onProgress: (p) => onProgress({ phase: 'validate', ...p }),
        }),
      );
      if (validation === 'moved') return stale;
      this.deps.log?.(`green ${green.instanceId} validated against blue in ${seconds(performance.now() - validating)}`);
      return {
        green,
        copy: {
          nodes: validation.target.nodes,
          relationships: validation.target.relationships,
          checksum: validation.checksum,
          sourceMarker,
        },
        changed: false,
      };
    } catch (error) {
      (error as { green?: Neo4jInstance }).green = green;
      throw error;
    } finally {
      await greenReader?.close();
      await greenDb?.close();
    }
  }

  /** This attempt's bulk backup of blue: reused when its manifest is there (resume), else exported now with its digest. */
  private async bulkBackup(
    prefix: string,
    blue: Neo4jEndpoint,
    blueDb: GraphDatabase,
    onProgress: ProgressListener,
  ): Promise<{ sourceMarker: string; sourceDigest?: GraphDigest }> {
    if (await this.deps.backups.exists(`${prefix}/${MANIFEST_FILE}`))
      return {
        sourceMarker: (await readBulkManifest(this.deps.backups, prefix, this.deps.signer)).source.changeMarker,
      };
    const reader = blue.boltUri.startsWith('bolt')
      ? new BoltBlockReader(blue.boltUri, this.deps.credentials)
      : undefined;
    try {
      const started = performance.now();
      const exported = await exportBulk(blueDb, this.deps.backups, prefix, {
        signer: this.deps.signer,
        pageSize: this.options.pageSize,
        readAhead: this.options.readAhead,
        reader,
        clock: this.deps.clock,
        onProgress: (p) => onProgress({ phase: 'backup', ...p }),
      });
      const { nodes, relationships, parts } = exported.manifest;
      this.deps.log?.(
        `blue ${blue.instanceId} backed up as ${prefix}: ${nodes} nodes, ${relationships} relationships in ` +
          `${parts.length} parts, ${seconds(performance.now() - started)}`,
      );
      return { sourceMarker: exported.changeMarker, sourceDigest: exported.digest };
    } finally {
      await reader?.close();
    }
  }

  /** Green's fence opened (its copy's count read), then blue's closed at that count (ADR 0006). */
  private async closeBlueWrites(
    blueDb: GraphDatabase,
    green: Neo4jEndpoint,
    runId: string,
    generation: number,
  ): Promise<void> {
    const greenDb = this.deps.graphs.connect(green.boltUri);
    try {
      const copied = await greenDb.openLedgerWrites();
      await blueDb.closeLedgerWrites({
        closedBy: runId,
        closedAt: this.deps.clock.now().toISOString(),
        expectedWrites: copied,
        generation,
      });
    } finally {
      await greenDb.close();
    }
  }

  /** Consumers hold writes, then get time to notice and finish in-flight transactions. */
  private async freeze(pointer: ConnectionPointer): Promise<ConnectionPointer> {
    const frozen = await this.writePointer(pointer, { writes: 'frozen' });
    await delay(this.options.freezeDrainMs);
    return frozen;
  }

  /** Any failure before writes open on green: blue serves (writes open), services on blue, green terminated. */
  private async abandon(
    runId: string,
    blue: Neo4jEndpoint,
    green: Neo4jInstance | undefined,
    frozen: boolean,
    error: unknown,
    fencedBlue?: GraphDatabase,
  ): Promise<void> {
    const failedGreen = green ?? (error as { green?: Neo4jInstance }).green;
    try {
      // Blue's fence was closed for a switch that did not happen: blue takes ledger writes again before writes open on it.
      await fencedBlue?.openLedgerWrites();
      const pointer = await this.currentPointer();
      if (pointer.current.instanceId !== blue.instanceId || frozen || pointer.writes === 'frozen') {
        await this.writePointer(pointer, { current: blue, writes: 'open', previous: undefined });
        await this.deps.consumers.pointTo(blue, { runId });
      }
      if (failedGreen) await this.deps.fleet.terminate(failedGreen.instanceId);
    } catch (cleanupError) {
      // Never swallowed: the saga must learn that blue may not be fully serving.
      const cause = error instanceof Error ? error.message : String(error);
      throw new CodedError(
        'DB.ROLLBACK_FAILED',
        `migration failed (${cause}) and going back to blue failed: ${(cleanupError as Error).message}`,
        undefined,
        { cause: cleanupError },
      );
    }
  }

  /** Terminates the previous server once its grace period has passed; returns the retired instance ids. */
  async retireDue(onProgress: ProgressListener = () => undefined): Promise<string[]> {
    const pointer = await this.currentPointer();
    const previous = pointer.previous;
    if (
      !previous ||
      new Date(previous.retireAfter).getTime() > this.deps.clock.now().getTime() ||
      pointer.writes === 'frozen'
    )
      return [];
    onProgress({ phase: 'retire', done: 0, total: 1 });
    await this.deps.fleet.terminate(previous.instanceId);
    await this.writePointer(pointer, { previous: undefined });
    onProgress({ phase: 'retire', done: 1, total: 1 });
    return [previous.instanceId];
  }

  /** Back to blue: pointer, services, then green terminated (the RollbackDb use case: rollback-db/roll-back-to-blue.ts). */
  rollback(request: { runId: string }): Promise<DbRolledBack> {
    return rollBackToBlue(
      this.deps,
      { current: () => this.currentPointer(), write: (pointer, change) => this.writePointer(pointer, change) },
      request,
    );
  }

  private async writePointer(
    pointer: ConnectionPointer,
    change: Partial<ConnectionPointer>,
  ): Promise<ConnectionPointer> {
    const next: ConnectionPointer = {
      ...pointer,
      ...change,
      generation: pointer.generation + 1,
      updatedAt: this.deps.clock.now().toISOString(),
    };
    for (const key of ['previous', 'lastMigration'] as const) if (next[key] === undefined) delete next[key];
    await this.deps.pointer.write(next);
    return next;
  }

  private migratedData(
    from: Neo4jEndpoint,
    to: Neo4jEndpoint,
    record: { nodes: number; relationships: number; checksum: string },
  ): DbMigrated {
    return {
      fromInstanceId: from.instanceId,
      toInstanceId: to.instanceId,
      fromVersion: from.version,
      toVersion: to.version,
      boltUri: to.boltUri,
      nodes: record.nodes,
      relationships: record.relationships,
      checksum: record.checksum,
    };
  }
}
