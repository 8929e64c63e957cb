// Runs an install/build step (mvn, go, pip, java tools) to completion with its output appended to a log file.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { StackError } from '../stack-error';
import { tailFile } from './process-supervisor';

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  logFile: string;
  /** What the step does, for the error message ("download the Kafka 3.9.1 jars"). */
  description: string;
}

/** Resolves when the command exits 0; otherwise throws STACK.BUILD_FAILED naming the log file, with its tail as detail. */
export async function runLogged(command: string, args: string[], options: RunOptions): Promise<void> {
  requireTool(command);
  mkdirSync(dirname(options.logFile), { recursive: true });
  const fd = openSync(options.logFile, 'a');
  writeSync(fd, `\n=== ${new Date().toISOString()} ${options.description}: ${[command, ...args].join(' ')}\n`);
  try {
    const code = await new Promise<number | string>((resolveExit, reject) => {
      const child = spawn(command, args, {
        cwd: options.cwd,
        env: { ...process.env, ...options.env },
        stdio: ['ignore', fd, fd],
      });
      child.once('error', reject);
      child.once('exit', (exitCode, signal) => resolveExit(exitCode ?? signal ?? 'unknown'));
    });
    if (code !== 0) {
      throw new StackError('STACK.BUILD_FAILED', `could not ${options.description}: ${command} exited with ${code}`, {
        logFile: options.logFile,
        detail: tailFile(options.logFile),
      });
    }
  } finally {
    closeSync(fd);
  }
}

/** Output of a quick command (version checks); throws when it fails. */
export function captureOutput(command: string, args: string[], env?: NodeJS.ProcessEnv): string {
  const result = spawnSync(command, args, { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60000 });
  if (result.error) throw result.error;
  if (result.status !== 0)
    throw new StackError(
      'STACK.COMMAND_FAILED',
      `${command} ${args.join(' ')} exited with ${result.status}: ${result.stderr.trim().slice(0, 2000)}`,
    );
  return `${result.stdout}${result.stderr}`;
}

/** Throws STACK.TOOL_MISSING unless `command` is an existing path or found on PATH. */
export function requireTool(command: string): void {
  if (command.includes('/')) return;
  const found = spawnSync('sh', ['-c', `command -v "${command}"`], { encoding: 'utf8' });
  if (found.status !== 0) {
    throw new StackError(
      'STACK.TOOL_MISSING',
      `"${command}" is not installed or not on PATH; the local stack needs java 17, mvn, go >= 1.26 and python3 (see docs/adr/0002-local-stack.md)`,
    );
  }
}
