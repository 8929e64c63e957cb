// Runs a TypeScript file as its own Node process (`node -r ./tools/register.js file.ts`), captures its output and stops it reliably.
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { findRepoRoot } from '@dco/stack';
import { waitFor, WaitTimeoutError } from '@dco/probes';

export interface SpawnTsOptions {
  args?: string[];
  env?: NodeJS.ProcessEnv;
  /** false: the process sees only `env`, as a container would (default true: this process's environment plus `env`). */
  inheritEnv?: boolean;
  /** Default: the repository root (so relative paths in `file` resolve from there). */
  cwd?: string;
  /** Keep at most this many characters of combined output (default 4 MB). */
  maxOutputChars?: number;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SpawnedTs {
  readonly pid: number;
  readonly child: ChildProcess;
  /** Resolves once, when the process has exited. */
  readonly exited: Promise<ExitInfo>;
  /** stdout and stderr as received so far, interleaved. */
  output(): string;
  stdout(): string;
  stderr(): string;
  /** Resolves with the output once it matches `pattern`; rejects when the process exits first or on timeout. */
  waitForOutput(pattern: RegExp | string, timeoutMs: number): Promise<string>;
  /** SIGTERM (or `signal`), then SIGKILL after `graceMs`; resolves with how it exited. No-op when already exited. */
  kill(signal?: NodeJS.Signals, graceMs?: number): Promise<ExitInfo>;
}

const running = new Set<SpawnedTs>();

export function spawnTs(file: string, options: SpawnTsOptions = {}): SpawnedTs {
  const root = findRepoRoot();
  const limit = options.maxOutputChars ?? 4 * 1024 * 1024;
  const child = spawn(process.execPath, ['-r', join(root, 'tools', 'register.js'), file, ...(options.args ?? [])], {
    cwd: options.cwd ?? root,
    env: options.inheritEnv === false ? { ...options.env } : { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`could not spawn ${file}`);
  let all = '';
  let out = '';
  let err = '';
  const keep = (text: string) => (text.length > limit ? text.slice(text.length - limit) : text);
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out = keep(out + chunk);
    all = keep(all + chunk);
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err = keep(err + chunk);
    all = keep(all + chunk);
  });
  let exit: ExitInfo | undefined;
  const exited = new Promise<ExitInfo>((resolveExit) => {
    child.once('close', (code, signal) => {
      exit = { code, signal };
      resolveExit(exit);
    });
  });
  const handle: SpawnedTs = {
    pid: child.pid,
    child,
    exited,
    output: () => all,
    stdout: () => out,
    stderr: () => err,
    async waitForOutput(pattern, timeoutMs) {
      const matches = () => (typeof pattern === 'string' ? all.includes(pattern) : pattern.test(all));
      return waitFor(
        () => {
          if (matches()) return all;
          if (exit)
            throw new Error(
              `${file} exited (${exit.code ?? exit.signal}) before printing ${String(pattern)}:\n${all.slice(-4000)}`,
            );
          return undefined;
        },
        { timeoutMs, intervalMs: 50, description: `${file} to print ${String(pattern)}` },
      ).catch((error: unknown) => {
        if (error instanceof WaitTimeoutError) throw new Error(`${error.message}; output so far:\n${all.slice(-4000)}`);
        throw error;
      });
    },
    async kill(signal = 'SIGTERM', graceMs = 10000) {
      if (!exit) {
        child.kill(signal);
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        try {
          await exited;
        } finally {
          clearTimeout(timer);
        }
      }
      running.delete(handle);
      return exited;
    },
  };
  running.add(handle);
  void exited.then(() => running.delete(handle));
  return handle;
}

/** Runs a TypeScript file to completion and returns its exit and output. */
export async function runTs(
  file: string,
  options: SpawnTsOptions & { timeoutMs?: number } = {},
): Promise<ExitInfo & { stdout: string; stderr: string; output: string }> {
  const spawned = spawnTs(file, options);
  const timer = setTimeout(() => void spawned.kill('SIGTERM'), options.timeoutMs ?? 600000);
  try {
    const exit = await spawned.exited;
    return { ...exit, stdout: spawned.stdout(), stderr: spawned.stderr(), output: spawned.output() };
  } finally {
    clearTimeout(timer);
  }
}

/** Kills every process spawned by spawnTs that is still running (for afterAll). */
export async function killAllSpawned(graceMs = 10000): Promise<void> {
  await Promise.all([...running].map((spawned) => spawned.kill('SIGTERM', graceMs)));
}
