// Terraform state in the S3 backend of the stack's moto, locked with use_lockfile, run by the real tofu binary: two
// replicas' applies for one environment serialize on the lock (the second waits, then finds its plan stale, or gives up
// with INFRA.STATE_LOCKED), never both apply, never corrupt the state; a plan saved by one replica is applied by another.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CodedError, isTransientErrorCode } from '@dco/contracts';
import { localEmulatorOptions, S3ObjectStore } from '@dco/aws';
import { waitFor } from '@dco/probes';
import { CliTofuRunner, defaultTofuBinary } from './cli-tofu-runner.adapter';
import { remoteStateOf } from './remote-workspace';
import { TerraformWorkspace } from './terraform-workspace';

const tofu = new CliTofuRunner({ binary: defaultTofuBinary(process.env) });
const bucket = `dco-tfstate-${Date.now().toString(36)}`;
const clock = { now: () => new Date() };
const s3 = S3ObjectStore.client(localEmulatorOptions());
afterAll(() => s3.destroy());
let root: string;
let configDir: string;
let marks: string;
let test = 0;

/** Each resource's create-time provisioner appends its name to `marks` (after `seconds`): one line per real create. */
const config = (value: string, seconds = 0) =>
  writeFile(
    join(configDir, 'main.tf'),
    ['one', 'two']
      .map(
        (name) =>
          `resource "terraform_data" "${name}" {\n  input = "${value}"\n  provisioner "local-exec" {\n    command = "sleep ${seconds}; echo ${name}-${value} >> ${marks}"\n  }\n}\n`,
      )
      .join('\n'),
  );

/** One infra-deployer replica: its own local cache dir, the shared S3 backend and store. */
function replica(name: string, prefix: string, lockTimeoutMs: number) {
  const remote = remoteStateOf({
    DCO_AWS_ENDPOINT: localEmulatorOptions().endpoint,
    DCO_INFRA_BUCKET: bucket,
    DCO_INFRA_PREFIX: prefix,
    DCO_INFRA_LOCK_TIMEOUT_MS: lockTimeoutMs,
  });
  const workspace = new TerraformWorkspace(
    tofu,
    { configDir, stateDir: join(root, name), ...remote.options, env: remote.env },
    clock,
  );
  return { workspace, remote };
}

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'applied',
    (error: unknown) => (error instanceof CodedError ? error.code : String(error)),
  );

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'dco-remote-state-'));
  configDir = join(root, 'infra');
  marks = join(root, 'creates.log');
  await mkdir(configDir);
  await writeFile(join(configDir, 'versions.tf'), 'terraform {\n  backend "local" {}\n}\n');
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe('Terraform state in S3 with a lock (moto, real tofu), two replicas', () => {
  it('serializes two concurrent applies: one applies, the other waits for the lock and finds its plan stale', async () => {
    const prefix = `env-${++test}`;
    const a = replica('a', prefix, 60_000);
    const b = replica('b', prefix, 60_000);
    await a.remote.prepare();
    await config('v1', 2);
    const [planA, planB] = [await a.workspace.prepare('run-a'), await b.workspace.prepare('run-b')];
    expect(planA.hasChanges && planB.hasChanges).toBe(true);

    const outcomes = await Promise.all([codeOf(a.workspace.apply('run-a')), codeOf(b.workspace.apply('run-b'))]);
    expect(outcomes.sort()).toEqual(['INFRA.PLAN_STALE', 'applied']);
    // Exactly one apply created the resources; the state lists them once, read by either replica.
    expect((await readFile(marks, 'utf8')).trim().split('\n').sort()).toEqual(['one-v1', 'two-v1']);
    expect(await a.workspace.resources()).toEqual(['terraform_data.one', 'terraform_data.two']);
    expect(await b.workspace.resources()).toEqual(['terraform_data.one', 'terraform_data.two']);
    // The state object is whole, and no lock is left behind.
    const objects = new S3ObjectStore(s3, { bucket, prefix });
    const state = JSON.parse((await objects.get('terraform.tfstate'))!.body.toString('utf8')) as {
      serial: number;
      resources: unknown[];
    };
    expect(state.resources).toHaveLength(2);
    expect(await objects.get('terraform.tfstate.tflock')).toBeUndefined();
  }, 120_000);

  it('gives up with INFRA.STATE_LOCKED (transient: the bus retries) while another apply holds the lock past the timeout', async () => {
    const prefix = `env-${++test}`;
    const a = replica('a', prefix, 60_000);
    const b = replica('b', prefix, 500);
    await a.remote.prepare();
    await config('v1', 4);
    await a.workspace.prepare('run-a');
    const applying = a.workspace.apply('run-a');
    // a is inside its apply once its lock object is in S3 (its provisioners then take 4 s)
    await waitFor(() => lockHeld(prefix), {
      timeoutMs: 30_000,
      intervalMs: 100,
      description: "a's apply to take the state lock",
    });
    const locked = await b.workspace.prepare('run-b').catch((error: CodedError) => error);
    expect(locked).toBeInstanceOf(CodedError);
    expect((locked as CodedError).code).toBe('INFRA.STATE_LOCKED');
    expect(isTransientErrorCode('INFRA.STATE_LOCKED')).toBe(true);
    await applying;
    // Once a is done, b plans on the state a left: nothing to do.
    expect((await b.workspace.prepare('run-b2')).hasChanges).toBe(false);
  }, 120_000);

  it('applies on one replica the plan another saved, and shares the last-good record and run records', async () => {
    const prefix = `env-${++test}`;
    const a = replica('a', prefix, 60_000);
    const b = replica('b', prefix, 60_000);
    await a.remote.prepare();
    await config('v1');
    await a.workspace.rememberRunStart('2026-12-05');
    const plan = await a.workspace.prepare('run-1');
    const applied = await b.workspace.apply('run-1'); // b has never seen this plan or its snapshot
    expect(applied.record.configHash).toBe(plan.configHash);
    expect(await a.workspace.lastAppliedHash()).toBe(plan.configHash);
    expect(await a.workspace.resources()).toEqual(['terraform_data.one', 'terraform_data.two']);
    await Promise.all([
      a.workspace.rememberPreviousRevision('2026-12-05', 'scheduler', 'td:1'),
      b.workspace.rememberPreviousRevision('2026-12-05', 'dco-runner', 'td:7'),
    ]);
    expect((await b.workspace.runRecord('2026-12-05')).previousRevisions).toEqual({
      scheduler: 'td:1',
      'dco-runner': 'td:7',
    });
  }, 120_000);
});

async function lockHeld(prefix: string): Promise<boolean> {
  return (await new S3ObjectStore(s3, { bucket, prefix }).get('terraform.tfstate.tflock')) !== undefined;
}
