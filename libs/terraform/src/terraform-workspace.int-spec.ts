// TerraformWorkspace bookkeeping on disk (with the plan simulator): last good, run records, retention of old plans.
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimulatedTofuRunner } from './simulated-tofu-runner.fake';
import { TerraformWorkspace } from './terraform-workspace';

describe('TerraformWorkspace', () => {
  let root: string;
  let now: Date;
  let workspace: TerraformWorkspace;
  const config = (value: string) =>
    writeFile(join(root, 'infra', 'main.tf'), `resource "terraform_data" "a" {\n  input = "${value}"\n}\n`);

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'dco-workspace-'));
    await mkdir(join(root, 'infra'));
    now = new Date('2026-01-01T06:00:00Z');
    workspace = new TerraformWorkspace(
      new SimulatedTofuRunner(),
      { configDir: join(root, 'infra'), stateDir: join(root, 'state') },
      { now: () => now },
    );
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('records the last good configuration and what a day started from', async () => {
    await config('one');
    await workspace.rememberRunStart('2026-01-01');
    const first = await workspace.prepare('run-1');
    await workspace.apply('run-1');
    expect(await workspace.lastAppliedHash()).toBe(first.configHash);
    await config('two');
    await workspace.rememberRunStart('2026-01-02');
    await workspace.apply((await workspace.prepare('run-2')).planId);
    expect((await workspace.runRecord('2026-01-02')).previousGood?.configHash).toBe(first.configHash);
    expect((await workspace.runRecord('2026-01-01')).previousGood).toBeUndefined();
  });

  it('prunes plans, run records and snapshots past retention, keeping what rollback needs', async () => {
    await config('one');
    await workspace.rememberRunStart('2026-01-01');
    await workspace.apply((await workspace.prepare('old-good')).planId);
    await config('abandoned');
    await workspace.prepare('old-unapplied');

    now = new Date('2026-03-01T06:00:00Z');
    await config('two');
    await workspace.rememberRunStart('2026-03-01');
    await workspace.apply((await workspace.prepare('new-good')).planId);
    const removed = await workspace.prune(30);

    expect(removed).toEqual({ plans: 2, runs: 1, snapshots: 1 });
    expect((await readdir(join(root, 'state', 'plans'))).sort()).toEqual(['new-good.json', 'new-good.tfplan']);
    const previous = (await workspace.runRecord('2026-03-01')).previousGood;
    expect(previous?.planId).toBe('old-good');
    expect(await readdir(previous?.snapshotDir ?? '/nonexistent')).toContain('main.tf');
  });
});
