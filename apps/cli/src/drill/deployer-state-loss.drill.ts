// Drill `deployer-state-loss`: an infra-deployer applies into the shared (S3, locked) tofu state, loses its working
// directory, and a fresh one recovers from the shared state alone: every applied resource listed, a plan with no change.
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { AwsClientVariables } from '@dco/aws';
import { CliTofuRunner, remoteStateOf, TerraformWorkspace } from '@dco/terraform';
import { DrillObservation } from './drill.model';

export interface DeployerStateLossOptions {
  /** The tofu binary (defaultTofuBinary). */
  tofuBinary: string;
  /** The bucket of the shared state and its emulator/region (the infra-deployer's own variables). */
  aws: AwsClientVariables & { DCO_INFRA_BUCKET: string };
  /** Applies acknowledged before the loss, one new resource each. */
  applies?: number;
  now?: () => number;
}

const clock = { now: () => new Date() };

/** The configuration after `count` writes: one terraform_data resource per write, so the state lists each write. */
const configOf = (count: number) =>
  Array.from(
    { length: count },
    (_, i) => `resource "terraform_data" "w${i + 1}" {\n  input = "write-${i + 1}"\n}\n`,
  ).join('\n');

export async function deployerStateLossDrill(options: DeployerStateLossOptions): Promise<DrillObservation> {
  const now = options.now ?? (() => performance.now());
  const applies = options.applies ?? 3;
  const root = await mkdtemp(join(tmpdir(), 'dco-dr-deployer-'));
  const configDir = join(root, 'infra');
  await mkdir(configDir);
  await writeFile(join(configDir, 'versions.tf'), 'terraform {\n  backend "local" {}\n}\n');
  const remote = remoteStateOf({ ...options.aws, DCO_INFRA_PREFIX: `dr-drill/${randomUUID().slice(0, 8)}` });
  const tofu = new CliTofuRunner({ binary: options.tofuBinary });
  const replica = (stateDir: string) =>
    new TerraformWorkspace(tofu, { configDir, stateDir, ...remote.options, env: remote.env }, clock);
  try {
    await remote.prepare();
    const deployer = replica(join(root, 'deployer'));
    const acknowledged: string[] = [];
    for (let write = 1; write <= applies; write += 1) {
      await writeFile(join(configDir, 'main.tf'), configOf(write));
      await deployer.prepare(`drill-${write}`);
      await deployer.apply(`drill-${write}`);
      acknowledged.push(`terraform_data.w${write}`);
    }
    // Baseline: the probe's own work (a no-change plan) on the healthy deployer's warm working directory.
    const baselineStarted = now();
    const warm = await deployer.planHasChanges();
    const baselineMs = now() - baselineStarted;
    if (warm.changes) throw new Error(`the drill's deployer plans changes before the loss: ${warm.summary}`);

    // The loss: the working directory (providers, saved plans, the config snapshots, the local cache) is gone.
    const lossAtMs = now();
    await rm(join(root, 'deployer'), { recursive: true, force: true });

    // Recovery: a fresh replica with an empty working directory; serving once it plans no change against the shared state.
    const fresh = replica(join(root, 'fresh'));
    const recovered = await fresh.resources();
    const plan = await fresh.planHasChanges();
    const servingAtMs = now();
    return {
      kind: 'deployer-state-loss',
      lossAtMs,
      servingAtMs,
      acknowledged,
      covered: acknowledged,
      // A plan that wants changes has not recovered what was applied: count nothing as recovered then.
      recovered: plan.changes ? [] : recovered,
      baselineMs,
      parameters: { applies, plan_after_recovery: plan.summary },
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
