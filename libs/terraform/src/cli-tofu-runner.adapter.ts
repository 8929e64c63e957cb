// Runs the real OpenTofu binary: offline (no registry), non-interactive, output captured for failures.
import { spawn } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { CodedError } from '@dco/contracts';
import { PlanJson, PlanResult, S3Backend, TofuRunner, TofuWorkdir } from './tofu-runner.port';

/** Written into the working directory at init when the state is in S3; never part of the configuration's hash. */
export const BACKEND_OVERRIDE_FILE = 'dco_backend_override.tf.json';

export interface CliTofuOptions {
  /** The tofu binary (see defaultTofuBinary). */
  binary: string;
  /** Kill a tofu command that runs longer than this. */
  timeoutMs?: number;
}

/** DCO_TOFU_BIN, or the build `npm run stack:up` caches under XDG_CACHE_HOME (default ~/.cache). */
export function defaultTofuBinary(env: { DCO_TOFU_BIN?: string; XDG_CACHE_HOME?: string }): string {
  if (env.DCO_TOFU_BIN) return env.DCO_TOFU_BIN;
  const cache = join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'dco-autopilot');
  return join(cache, 'bin', 'tofu-1.12.6');
}

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** No provider may come from the network: an empty provider_installation has no direct {} block. */
const OFFLINE_CLI_CONFIG =
  'provider_installation {\n  filesystem_mirror {\n    path    = "/nonexistent/dco-providers"\n    include = ["*/*/*"]\n  }\n}\n';

export class CliTofuRunner implements TofuRunner {
  private readonly binary: string;
  private readonly timeoutMs: number;

  constructor(options: CliTofuOptions) {
    this.binary = options.binary;
    this.timeoutMs = options.timeoutMs ?? 600_000;
  }

  async init(workdir: TofuWorkdir): Promise<void> {
    await mkdir(dirname(workdir.statePath), { recursive: true });
    const override = join(workdir.dir, BACKEND_OVERRIDE_FILE);
    if (workdir.backend) await writeFile(override, JSON.stringify(backendOverride(workdir.backend), null, 2));
    else await rm(override, { force: true });
    const result = await this.run(workdir, [
      'init',
      '-input=false',
      '-no-color',
      '-reconfigure',
      ...(workdir.backend ? [] : [`-backend-config=path=${workdir.statePath}`]),
    ]);
    if (result.code !== 0)
      throw new CodedError('INFRA.INIT_FAILED', `tofu init failed in ${workdir.dir}`, errorText(result));
  }

  async plan(workdir: TofuWorkdir, planPath: string): Promise<PlanResult> {
    await mkdir(dirname(planPath), { recursive: true });
    const result = await this.run(workdir, [
      'plan',
      '-input=false',
      '-no-color',
      '-detailed-exitcode',
      lockTimeout(workdir),
      `-out=${planPath}`,
      ...(workdir.replace ?? []).map((address) => `-replace=${address}`),
      ...varArgs(workdir),
    ]);
    if (result.code === 0 || result.code === 2) return { hasChanges: result.code === 2, text: result.stdout };
    throwIfLocked(result, 'plan');
    throw new CodedError('INFRA.PLAN_FAILED', `tofu plan failed in ${workdir.dir}`, errorText(result));
  }

  async show(workdir: TofuWorkdir, planPath: string): Promise<PlanJson> {
    const result = await this.run(workdir, ['show', '-json', '-no-color', planPath]);
    if (result.code !== 0)
      throw new CodedError('INFRA.PLAN_FAILED', `tofu show of ${planPath} failed`, errorText(result));
    return JSON.parse(result.stdout) as PlanJson;
  }

  async apply(workdir: TofuWorkdir, planPath: string): Promise<{ output: string }> {
    const result = await this.run(workdir, ['apply', '-input=false', '-no-color', lockTimeout(workdir), planPath]);
    throwIfLocked(result, 'apply');
    if (result.code !== 0 && /Saved plan is stale/i.test(result.stderr + result.stdout))
      throw new CodedError(
        'INFRA.PLAN_STALE',
        `the saved plan ${planPath} is stale: the state changed since it was made (another apply ran first)`,
        errorText(result),
      );
    if (result.code !== 0)
      throw new CodedError('INFRA.APPLY_FAILED', `tofu apply of ${planPath} failed`, errorText(result));
    return { output: result.stdout };
  }

  async stateResources(workdir: TofuWorkdir): Promise<string[]> {
    const result = await this.run(workdir, ['state', 'list', '-no-color']);
    if (result.code !== 0) {
      if (/No state file was found/i.test(result.stderr)) return [];
      throwIfLocked(result, 'state list');
      throw new CodedError('INFRA.PLAN_FAILED', 'tofu state list failed', errorText(result));
    }
    return result.stdout
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
      .sort();
  }

  async outputs(workdir: TofuWorkdir): Promise<Record<string, unknown>> {
    const result = await this.run(workdir, ['output', '-json', '-no-color']);
    if (result.code !== 0) throw new CodedError('INFRA.PLAN_FAILED', 'tofu output failed', errorText(result));
    const raw = JSON.parse(result.stdout || '{}') as Record<string, { value: unknown }>;
    return Object.fromEntries(Object.entries(raw).map(([name, output]) => [name, output.value]));
  }

  private async run(workdir: TofuWorkdir, args: string[]): Promise<RunResult> {
    const cliConfig = join(dirname(workdir.statePath), 'tofu-offline.tfrc');
    await mkdir(dirname(cliConfig), { recursive: true });
    await writeFile(cliConfig, OFFLINE_CLI_CONFIG);
    return new Promise((resolve, reject) => {
      const child = spawn(this.binary, args, {
        cwd: workdir.dir,
        env: {
          ...process.env,
          ...workdir.env,
          TF_IN_AUTOMATION: '1',
          TF_INPUT: '0',
          TF_CLI_CONFIG_FILE: cliConfig,
          CHECKPOINT_DISABLE: '1',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
      const timer = setTimeout(() => child.kill('SIGTERM'), this.timeoutMs);
      const interrupt = () => child.kill('SIGINT');
      if (workdir.signal?.aborted) interrupt();
      workdir.signal?.addEventListener('abort', interrupt, { once: true });
      child.on('error', (error) => {
        clearTimeout(timer);
        workdir.signal?.removeEventListener('abort', interrupt);
        reject(
          new CodedError('INFRA.INIT_FAILED', `cannot run ${this.binary}: ${error.message}`, undefined, {
            cause: error,
          }),
        );
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        workdir.signal?.removeEventListener('abort', interrupt);
        resolve({
          code: code ?? (signal ? 128 : 1),
          stdout: Buffer.concat(stdout).toString('utf8'),
          stderr:
            Buffer.concat(stderr).toString('utf8') + (signal ? `\nkilled by ${signal} after ${this.timeoutMs} ms` : ''),
        });
      });
    });
  }
}

function lockTimeout(workdir: TofuWorkdir): string {
  return `-lock-timeout=${Math.max(0, Math.round(workdir.lockTimeoutMs ?? 60_000))}ms`;
}

/** Another operation (another replica's plan or apply) held the state lock for longer than the lock timeout. */
function throwIfLocked(result: RunResult, operation: string): void {
  if (result.code !== 0 && /Error acquiring the state lock/i.test(result.stderr + result.stdout))
    throw new CodedError(
      'INFRA.STATE_LOCKED',
      `tofu ${operation}: the Terraform state is locked by another operation`,
      errorText(result),
    );
}

/** The s3 backend settings; credentials come from the environment (AWS_ACCESS_KEY_ID...), never from this file. */
function backendOverride(backend: S3Backend): unknown {
  const s3: Record<string, unknown> = {
    bucket: backend.bucket,
    key: backend.key,
    region: backend.region,
    use_lockfile: true,
  };
  if (backend.endpoint)
    Object.assign(s3, {
      endpoints: { s3: backend.endpoint },
      use_path_style: true,
      skip_credentials_validation: true,
      skip_region_validation: true,
      skip_requesting_account_id: true,
      skip_metadata_api_check: true,
    });
  return { terraform: { backend: { s3 } } };
}

function varArgs(workdir: TofuWorkdir): string[] {
  return Object.entries(workdir.vars ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => `-var=${name}=${value}`);
}

function errorText(result: RunResult): string {
  return `exit ${result.code}\n${result.stderr.trim()}\n${result.stdout.trim()}`.trim().slice(-16000);
}
