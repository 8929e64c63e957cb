// One Terraform configuration under management: saved plans from frozen config snapshots, the last-good record that
// rollback re-applies, and what each day's run started from. All files live under a state dir that survives restarts.
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Clock, CodedError, PlanSummary, pathWithin } from '@dco/contracts';
import { configHash, snapshotConfig } from './config-fingerprint';
import { describePlan, planHasWork, summarizePlan } from './plan-summary';
import { TofuRunner, TofuWorkdir } from './tofu-runner.port';

export interface WorkspaceOptions {
  /** The configuration as maintained in the repository (infra/). */
  configDir: string;
  /** Durable: state file, saved plans, snapshots, last-good record. */
  stateDir: string;
  vars?: Record<string, string>;
  env?: Record<string, string>;
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
  constructor(
    private readonly runner: TofuRunner,
    private readonly options: WorkspaceOptions,
    private readonly clock: Clock,
  ) {}

  get statePath(): string {
    return join(this.options.stateDir, 'terraform.tfstate');
  }

  currentHash(): Promise<string> {
    return configHash(this.options.configDir);
  }

  async lastGood(): Promise<AppliedConfig | undefined> {
    return readJson<AppliedConfig>(join(this.options.stateDir, 'last-good.json'));
  }

  async lastAppliedHash(): Promise<string | undefined> {
    return (await this.lastGood())?.configHash;
  }

  /** Freezes the configuration (infra/ or a recorded snapshot), inits and saves a plan under planId. */
  async prepare(planId: string, sourceDir = this.options.configDir, signal?: AbortSignal): Promise<PlanRecord> {
    assertSafeId(planId);
    const hash = await configHash(sourceDir);
    const snapshotDir = join(this.options.stateDir, 'snapshots', hash.replace('sha256:', ''));
    if (sourceDir !== snapshotDir) await snapshotConfig(sourceDir, snapshotDir);
    const workdir = { ...this.workdir(snapshotDir), ...(signal ? { signal } : {}) };
    await this.runner.init(workdir);
    const planPath = this.planPath(planId);
    const result = await this.runner.plan(workdir, planPath);
    const summary = summarizePlan(planId, await this.runner.show(workdir, planPath));
    const record: PlanRecord = {
      planId,
      configHash: hash,
      snapshotDir,
      summary,
      hasChanges: result.hasChanges && planHasWork(summary),
      createdAt: this.clock.now().toISOString(),
    };
    await writeJson(this.recordPath(planId), record);
    return record;
  }

  async planRecord(planId: string): Promise<PlanRecord | undefined> {
    assertSafeId(planId);
    return readJson<PlanRecord>(this.recordPath(planId));
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
    if (record.hasChanges)
      output = (await this.runner.apply(this.workdir(record.snapshotDir), this.planPath(planId))).output;
    const applied = { ...record, appliedAt: this.clock.now().toISOString() };
    await writeJson(this.recordPath(planId), applied);
    await this.markGood(applied);
    return { record: applied, output };
  }

  /** `plan -detailed-exitcode` of the current configuration, for detection (a throwaway plan id). */
  async planHasChanges(
    signal?: AbortSignal,
  ): Promise<{ changes: boolean; destroys: number; replaced: number; summary: string }> {
    const planId = `detect-${this.clock.now().getTime()}`;
    const record = await this.prepare(planId, this.options.configDir, signal);
    // A detection plan is never applied: drop it so they do not pile up in the state dir.
    await Promise.all([rm(this.planPath(planId), { force: true }), rm(this.recordPath(planId), { force: true })]);
    return {
      changes: record.hasChanges,
      destroys: record.summary.destroys,
      replaced: record.summary.replaced.length,
      summary: describePlan(record.summary),
    };
  }

  async resources(): Promise<string[]> {
    const good = await this.lastGood();
    return this.runner.stateResources(this.workdir(good?.snapshotDir ?? this.options.configDir));
  }

  async outputs(): Promise<Record<string, unknown>> {
    const good = await this.lastGood();
    return this.runner.outputs(this.workdir(good?.snapshotDir ?? this.options.configDir));
  }

  async runRecord(day: string): Promise<RunRecord> {
    return (await readJson<RunRecord>(this.runPath(day))) ?? { day, previousRevisions: {} };
  }

  /** Idempotent: only the first call of a day records what the run started from. */
  async rememberRunStart(day: string): Promise<RunRecord> {
    const existing = await readJson<RunRecord>(this.runPath(day));
    if (existing) return existing;
    const good = await this.lastGood();
    const record: RunRecord = { day, ...(good ? { previousGood: good } : {}), previousRevisions: {} };
    await writeJson(this.runPath(day), record);
    return record;
  }

  async rememberPreviousRevision(day: string, service: string, taskDefinition: string): Promise<void> {
    const record = await this.rememberRunStart(day);
    if (record.previousRevisions[service]) return;
    record.previousRevisions[service] = taskDefinition;
    await writeJson(this.runPath(day), record);
  }

  async markGood(record: Pick<PlanRecord, 'configHash' | 'snapshotDir' | 'planId'>): Promise<void> {
    const good: AppliedConfig = {
      configHash: record.configHash,
      snapshotDir: record.snapshotDir,
      planId: record.planId,
      appliedAt: this.clock.now().toISOString(),
    };
    await writeJson(join(this.options.stateDir, 'last-good.json'), good);
  }

  /**
   * Retention: saved plans, run records and config snapshots older than retentionDays go, except what rollback may
   * still need (the last good configuration and the snapshots of the run records kept).
   */
  async prune(retentionDays = 30): Promise<{ plans: number; runs: number; snapshots: number }> {
    const cutoff = this.clock.now().getTime() - retentionDays * 86_400_000;
    const good = await this.lastGood();
    const removed = { plans: 0, runs: 0, snapshots: 0 };
    const keepSnapshots = new Set(good ? [good.snapshotDir] : []);

    for (const file of await listDir(join(this.options.stateDir, 'plans'))) {
      if (!file.endsWith('.json')) continue;
      const record = await readJson<PlanRecord>(join(this.options.stateDir, 'plans', file));
      if (!record) continue;
      if (Date.parse(record.createdAt) >= cutoff || record.planId === good?.planId) {
        keepSnapshots.add(record.snapshotDir);
        continue;
      }
      await Promise.all([
        rm(this.recordPath(record.planId), { force: true }),
        rm(this.planPath(record.planId), { force: true }),
      ]);
      removed.plans++;
    }
    for (const file of await listDir(join(this.options.stateDir, 'runs'))) {
      if (!file.endsWith('.json')) continue;
      const record = await readJson<RunRecord>(join(this.options.stateDir, 'runs', file));
      if (record && Date.parse(`${record.day}T00:00:00Z`) < cutoff) {
        await rm(join(this.options.stateDir, 'runs', file), { force: true });
        removed.runs++;
      } else if (record?.previousGood) {
        keepSnapshots.add(record.previousGood.snapshotDir);
      }
    }
    for (const name of await listDir(join(this.options.stateDir, 'snapshots'))) {
      const dir = join(this.options.stateDir, 'snapshots', name);
      if (keepSnapshots.has(dir)) continue;
      await rm(dir, { recursive: true, force: true });
      removed.snapshots++;
    }
    return removed;
  }

  private workdir(dir: string): TofuWorkdir {
    return { dir, statePath: this.statePath, vars: this.options.vars, env: this.options.env };
  }

  private planPath(planId: string): string {
    return pathWithin(this.options.stateDir, 'plans', `${planId}.tfplan`);
  }

  private recordPath(planId: string): string {
    return pathWithin(this.options.stateDir, 'plans', `${planId}.json`);
  }

  private runPath(day: string): string {
    assertSafeId(day);
    return pathWithin(this.options.stateDir, 'runs', `${day}.json`);
  }
}

function assertSafeId(id: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(id))
    throw new CodedError('INFRA.APPLY_FAILED', `invalid plan or run id "${id}"`);
}

async function listDir(path: string): Promise<string[]> {
  try {
    return (await readdir(path)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Write-then-rename, so a crash never leaves a half-written record. */
async function writeJson(path: string, value: unknown): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(value, null, 2), { flush: true });
  await rename(temporary, path);
}
