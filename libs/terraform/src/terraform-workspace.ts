// One Terraform configuration under management: saved plans from frozen config snapshots, the last-good record that
// rollback re-applies, and what each day's run started from. Records, saved plans and config snapshots live in a store
// (a directory that survives restarts, or S3 shared by replicas: ADR 0016); the state dir is then a local cache where
// tofu finds plan files and snapshot directories, filled from the store on demand.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Clock, CodedError, PlanSummary, pathWithin } from '@dco/contracts';
import { ObjectStore, readJsonObject, updateJsonObject } from '@dco/aws';
import { configHash, configFiles, snapshotConfig } from './config-fingerprint';
import { DirObjectStore } from './dir-object-store.adapter';
import { describePlan, planHasWork, summarizePlan } from './plan-summary';
import { S3Backend, TofuRunner, TofuWorkdir } from './tofu-runner.port';

export interface WorkspaceOptions {
  /** The configuration as maintained in the repository (infra/). */
  configDir: string;
  /** Durable without a store (state file, saved plans, snapshots, last-good record); a local cache with one. */
  stateDir: string;
  /** Where records, saved plans and config snapshots live (default: a DirObjectStore on stateDir). */
  store?: ObjectStore;
  /** Terraform state in S3 with a lock (default: the local backend in stateDir). */
  backend?: S3Backend;
  /** How long plan and apply wait for the state lock (default 60 s). */
  lockTimeoutMs?: number;
  vars?: Record<string, string>;
  env?: Record<string, string>;
}

/** A config snapshot as one object: every file's relative path and base64 content. */
interface SnapshotBundle {
  configHash: string;
  files: Record<string, string>;
}

export interface PlanRecord {
  planId: string;
  configHash: string;
  snapshotDir: string;
  summary: PlanSummary;
  hasChanges: boolean;
  createdAt: string;
  appliedAt?: string;
}

export interface AppliedConfig {
  configHash: string;
  snapshotDir: string;
  planId: string;
  appliedAt: string;
}

export interface RunRecord {
  day: string;
  /** The last-good configuration when this day's run first touched the infrastructure: what rollback restores. */
  previousGood?: AppliedConfig;
  /** Task definition each service ran before this day's first rollout of it. */
  previousRevisions: Record<string, string>;
}

export class TerraformWorkspace {
  private readonly store: ObjectStore;

  constructor(
    private readonly runner: TofuRunner,
    private readonly options: WorkspaceOptions,
    private readonly clock: Clock,
  ) {
    this.store = options.store ?? new DirObjectStore(options.stateDir);
  }

  get statePath(): string {
    return join(this.options.stateDir, 'terraform.tfstate');
  }

  currentHash(): Promise<string> {
    return configHash(this.options.configDir);
  }

  /** The last good configuration, its snapshot materialized in the local cache. */
  async lastGood(): Promise<AppliedConfig | undefined> {
    const good = await this.readRecord<AppliedConfig>('last-good.json');
    return good ? { ...good, snapshotDir: await this.materialize(good.configHash) } : undefined;
  }

  async lastAppliedHash(): Promise<string | undefined> {
    return (await this.lastGood())?.configHash;
  }

  /**
   * Freezes the configuration (infra/ or a recorded snapshot), inits and saves a plan under planId; `replace` names
   * resources replaced even when unchanged (the re-apply of drift).
   */
  async prepare(
    planId: string,
    sourceDir = this.options.configDir,
    signal?: AbortSignal,
    replace: string[] = [],
  ): Promise<PlanRecord> {
    assertSafeId(planId);
    const hash = await configHash(sourceDir);
    const snapshotDir = this.snapshotPath(hash);
    if (sourceDir !== snapshotDir) await snapshotConfig(sourceDir, snapshotDir);
    await this.saveSnapshot(hash, snapshotDir);
    const workdir = { ...this.workdir(snapshotDir), ...(signal ? { signal } : {}) };
    await this.runner.init(workdir);
    const planPath = this.planPath(planId);
    const result = await this.runner.plan(replace.length > 0 ? { ...workdir, replace } : workdir, planPath);
    const summary = summarizePlan(planId, await this.runner.show(workdir, planPath));
    await this.guard('save the plan', async () => this.store.put(planKey(planId), await readFile(planPath)));
    const record: PlanRecord = {
      planId,
      configHash: hash,
      snapshotDir,
      summary,
      hasChanges: result.hasChanges && planHasWork(summary),
      createdAt: this.clock.now().toISOString(),
    };
    await this.writeRecord(recordKey(planId), record);
    return record;
  }

  /** A saved plan's record (made by any replica), its snapshot materialized in the local cache. */
  async planRecord(planId: string): Promise<PlanRecord | undefined> {
    assertSafeId(planId);
    const record = await this.readRecord<PlanRecord>(recordKey(planId));
    return record ? { ...record, snapshotDir: await this.materialize(record.configHash) } : undefined;
  }

  /** Applies exactly the saved plan (never re-plans), then records its configuration as the last good one. */
  async apply(planId: string): Promise<{ record: PlanRecord; output: string }> {
    const record = await this.planRecord(planId);
    if (!record)
      throw new CodedError(
        'INFRA.APPLY_FAILED',
        `no saved plan ${planId}`,
        'the plan was never made on this state dir, or was removed',
      );
    if (record.appliedAt) return { record, output: 'already applied' };
    let output = 'No changes.';
    if (record.hasChanges) {
      const workdir = this.workdir(record.snapshotDir);
      const planPath = await this.materializePlan(planId);
      // Perhaps another replica's snapshot: its backend must be set up here too (the local one was, by prepare).
      if (this.options.backend) await this.runner.init(workdir);
      output = (await this.runner.apply(workdir, planPath)).output;
    }
    const applied = { ...record, appliedAt: this.clock.now().toISOString() };
    await this.writeRecord(recordKey(planId), applied);
    await this.markGood(applied);
    return { record: applied, output };
  }

  /** `plan -detailed-exitcode` of the current configuration, for detection (a throwaway plan id). */
  async planHasChanges(
    signal?: AbortSignal,
  ): Promise<{ changes: boolean; destroys: number; replaced: number; summary: string }> {
    const planId = `detect-${this.clock.now().getTime()}`;
    const record = await this.prepare(planId, this.options.configDir, signal);
    // A detection plan is never applied: drop it so they do not pile up in the store.
    await this.removePlan(planId);
    return {
      changes: record.hasChanges,
      destroys: record.summary.destroys,
      replaced: record.summary.replaced.length,
      summary: describePlan(record.summary),
    };
  }

  async resources(): Promise<string[]> {
    return this.runner.stateResources(await this.initializedWorkdir());
  }

  async outputs(): Promise<Record<string, unknown>> {
    return this.runner.outputs(await this.initializedWorkdir());
  }

  async runRecord(day: string): Promise<RunRecord> {
    const record = await this.readRecord<RunRecord>(runKey(day));
    if (!record) return { day, previousRevisions: {} };
    return record.previousGood
      ? {
          ...record,
          previousGood: { ...record.previousGood, snapshotDir: await this.materialize(record.previousGood.configHash) },
        }
      : record;
  }

  /** Idempotent, also across replicas (a conditional create): only the first call of a day records the starting point. */
  async rememberRunStart(day: string): Promise<RunRecord> {
    const existing = await this.readRecord<RunRecord>(runKey(day));
    if (existing) return existing;
    const good = await this.lastGood();
    const record: RunRecord = { day, ...(good ? { previousGood: good } : {}), previousRevisions: {} };
    const created = await this.guard('record the run start', () =>
      this.store.create(runKey(day), JSON.stringify(record)),
    );
    if (created === 'exists') return (await this.readRecord<RunRecord>(runKey(day)))!;
    return record;
  }

  /** The first revision recorded for a service wins; concurrent replicas' updates are compare-and-set, none lost. */
  async rememberPreviousRevision(day: string, service: string, taskDefinition: string): Promise<void> {
    await this.rememberRunStart(day);
    await this.guard('record a previous revision', () =>
      updateJsonObject<RunRecord>(this.store, runKey(day), (record) => {
        if (!record || record.previousRevisions[service]) return undefined;
        return { ...record, previousRevisions: { ...record.previousRevisions, [service]: taskDefinition } };
      }),
    );
  }

  async markGood(record: Pick<PlanRecord, 'configHash' | 'snapshotDir' | 'planId'>): Promise<void> {
    const good: AppliedConfig = {
      configHash: record.configHash,
      snapshotDir: record.snapshotDir,
      planId: record.planId,
      appliedAt: this.clock.now().toISOString(),
    };
    await this.writeRecord('last-good.json', good);
  }

  /**
   * Retention: saved plans, run records and config snapshots older than retentionDays go, except what rollback may
   * still need (the last good configuration and the snapshots of the run records kept).
   */
  async prune(retentionDays = 30): Promise<{ plans: number; runs: number; snapshots: number }> {
    const cutoff = this.clock.now().getTime() - retentionDays * 86_400_000;
    const good = await this.readRecord<AppliedConfig>('last-good.json');
    const removed = { plans: 0, runs: 0, snapshots: 0 };
    const keepHashes = new Set(good ? [good.configHash] : []);

    for (const key of await this.store.list('plans/')) {
      if (!key.endsWith('.json')) continue;
      const record = await this.readRecord<PlanRecord>(key);
      if (!record) continue;
      if (Date.parse(record.createdAt) >= cutoff || record.planId === good?.planId) {
        keepHashes.add(record.configHash);
        continue;
      }
      await this.removePlan(record.planId);
      removed.plans++;
    }
    for (const key of await this.store.list('runs/')) {
      if (!key.endsWith('.json')) continue;
      const record = await this.readRecord<RunRecord>(key);
      if (record && Date.parse(`${record.day}T00:00:00Z`) < cutoff) {
        await this.store.delete(key);
        removed.runs++;
      } else if (record?.previousGood) {
        keepHashes.add(record.previousGood.configHash);
      }
    }
    for (const key of await this.store.list('snapshots/')) {
      const match = /^snapshots\/([0-9a-f]{64})\.json$/.exec(key);
      if (!match || keepHashes.has(`sha256:${match[1]}`)) continue;
      await this.store.delete(key);
      await rm(this.snapshotPath(`sha256:${match[1]}`), { recursive: true, force: true });
      removed.snapshots++;
    }
    return removed;
  }

  /** The local snapshot directory of a configuration hash, filled from the store when this replica has not got it. */
  private async materialize(hash: string): Promise<string> {
    const dir = this.snapshotPath(hash);
    if ((await configHash(dir).catch(() => undefined)) === hash) return dir;
    const bundle = await this.readRecord<SnapshotBundle>(snapshotKey(hash));
    if (!bundle)
      throw new CodedError(
        'INFRA.STORE_FAILED',
        `config snapshot ${hash} is missing from ${this.store.locate(snapshotKey(hash))}`,
      );
    await rm(dir, { recursive: true, force: true });
    for (const [file, content] of Object.entries(bundle.files)) {
      const path = join(dir, file);
      if (!path.startsWith(dir + '/'))
        throw new CodedError('INFRA.STORE_FAILED', `snapshot ${hash} names a file outside it: ${file}`);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, Buffer.from(content, 'base64'));
    }
    return dir;
  }

  /** Content addressed: a snapshot already in the store is the same one. */
  private async saveSnapshot(hash: string, dir: string): Promise<void> {
    const key = snapshotKey(hash);
    if (await this.guard('read a config snapshot', () => this.store.get(key))) return;
    const files: Record<string, string> = {};
    for (const file of await configFiles(dir)) files[file] = (await readFile(join(dir, file))).toString('base64');
    const bundle: SnapshotBundle = { configHash: hash, files };
    await this.guard('save a config snapshot', () => this.store.create(key, JSON.stringify(bundle)));
  }

  /** The saved plan's file in the local cache, fetched from the store when another replica made it. */
  private async materializePlan(planId: string): Promise<string> {
    const path = this.planPath(planId);
    if (this.store instanceof DirObjectStore && this.store.root === this.options.stateDir) return path;
    const object = await this.guard('read the saved plan', () => this.store.get(planKey(planId)));
    if (!object)
      throw new CodedError(
        'INFRA.STORE_FAILED',
        `saved plan ${planId} is missing from ${this.store.locate(planKey(planId))}`,
      );
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, object.body);
    return path;
  }

  private async removePlan(planId: string): Promise<void> {
    await Promise.all([
      this.store.delete(planKey(planId)),
      this.store.delete(recordKey(planId)),
      rm(this.planPath(planId), { force: true }),
    ]);
  }

  /** The last good snapshot (or the configuration itself before any apply), initialized against the state backend. */
  private async initializedWorkdir(): Promise<TofuWorkdir> {
    const good = await this.lastGood();
    const workdir = this.workdir(good?.snapshotDir ?? this.options.configDir);
    if (this.options.backend) await this.runner.init(workdir);
    return workdir;
  }

  private async readRecord<T>(key: string): Promise<T | undefined> {
    return (await this.guard(`read ${key}`, () => readJsonObject<T>(this.store, key)))?.value;
  }

  private async writeRecord(key: string, value: unknown): Promise<void> {
    await this.guard(`write ${key}`, () => this.store.put(key, JSON.stringify(value, null, 2)));
  }

  /** A store failure (S3 unreachable, access denied) is INFRA.STORE_FAILED; coded errors pass through. */
  private async guard<T>(action: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof CodedError) throw error;
      throw new CodedError(
        'INFRA.STORE_FAILED',
        `cannot ${action} in ${this.store.locate('')}: ${(error as Error).message}`,
        undefined,
        {
          cause: error,
        },
      );
    }
  }

  private workdir(dir: string): TofuWorkdir {
    return {
      dir,
      statePath: this.statePath,
      vars: this.options.vars,
      env: this.options.env,
      ...(this.options.backend ? { backend: this.options.backend } : {}),
      ...(this.options.lockTimeoutMs !== undefined ? { lockTimeoutMs: this.options.lockTimeoutMs } : {}),
    };
  }

  private planPath(planId: string): string {
    return pathWithin(this.options.stateDir, planKey(planId));
  }

  private snapshotPath(hash: string): string {
    return join(this.options.stateDir, 'snapshots', hash.replace('sha256:', ''));
  }
}

function planKey(planId: string): string {
  return `plans/${planId}.tfplan`;
}

function recordKey(planId: string): string {
  return `plans/${planId}.json`;
}

function runKey(day: string): string {
  assertSafeId(day);
  return `runs/${day}.json`;
}

/** Bundles sit beside (not inside) the local snapshot directories: snapshots/<hex>.json vs snapshots/<hex>/. */
function snapshotKey(hash: string): string {
  return `snapshots/${hash.replace('sha256:', '')}.json`;
}

function assertSafeId(id: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(id))
    throw new CodedError('INFRA.APPLY_FAILED', `invalid plan or run id "${id}"`);
}
