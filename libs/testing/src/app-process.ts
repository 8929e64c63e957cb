// One service (apps/<name>/src/main.ts) as its own OS process, for the e2e specs and the day scenarios: started with
// only the environment it is given (plus PATH and HOME, as a container has), health-checked, killed with SIGKILL as a
// crash would, or stopped gracefully; optionally with its output appended to a log file.
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { abortWaiting, waitFor } from '@dco/probes';
import { SpawnedTs, spawnTs } from './spawn-ts';

export interface HealthReport {
  status: string;
  checks: Record<string, { ok: boolean; detail?: Record<string, unknown> }>;
}

export interface AppProcessOptions {
  /** Append the process's stdout and stderr to this file (across restarts). */
  logFile?: string;
  /** How long stop() waits after SIGTERM before SIGKILL (default 15 s). */
  stopGraceMs?: number;
  /** The app (apps/<app>/src/main.ts) when the name is a replica's (`dco-runner-1`); default: the name. */
  app?: string;
}

/** The tail of the output kept in memory, for the error of a process that exits while starting. */
const OUTPUT_TAIL_CHARS = 64 * 1024;

export class AppProcess {
  private process?: SpawnedTs;
  /** undefined while running (or never started); the exit code (null when killed by a signal) once exited. */
  exitCode: number | null | undefined;

  constructor(
    readonly name: string,
    readonly port: number,
    private readonly env: NodeJS.ProcessEnv,
    private readonly options: AppProcessOptions = {},
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get logFile(): string | undefined {
    return this.options.logFile;
  }

  get pid(): number | undefined {
    return this.process?.pid;
  }

  start(): this {
    this.exitCode = undefined;
    const started = spawnTs(join('apps', this.options.app ?? this.name, 'src', 'main.ts'), {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...this.env },
      inheritEnv: false,
      maxOutputChars: OUTPUT_TAIL_CHARS,
    });
    if (this.options.logFile) {
      const log = createWriteStream(this.options.logFile, { flags: 'a' });
      const write = (chunk: string) => log.write(chunk);
      started.child.stdout?.on('data', write);
      started.child.stderr?.on('data', write);
      void started.exited.then(() => log.end());
    }
    void started.exited.then((exit) => (this.exitCode = exit.code));
    this.process = started;
    return this;
  }

  async health(): Promise<HealthReport> {
    const response = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(3_000) });
    return (await response.json()) as HealthReport;
  }

  /** Resolves once /health says ok; rejects at once if the process exits first, or with WaitTimeoutError. */
  async waitHealthy(timeoutMs = 240_000): Promise<void> {
    await waitFor(
      async () => {
        if (this.exitCode !== undefined)
          abortWaiting(
            new Error(
              `${this.name} exited with ${this.exitCode} while starting:\n${this.process?.output().slice(-3000)}`,
            ),
          );
        return (await this.health()).status === 'ok';
      },
      { description: `${this.name} to be healthy`, timeoutMs, intervalMs: 300 },
    );
  }

  /** Commands this process completed, by type (from its worker's health check). */
  async handled(): Promise<Record<string, number>> {
    return this.workerCounts('handled');
  }

  /** Commands this process is handling right now, by type (from its worker's health check). */
  async inFlight(): Promise<Record<string, number>> {
    return this.workerCounts('inFlight');
  }

  private async workerCounts(kind: 'handled' | 'inFlight'): Promise<Record<string, number>> {
    const report = await this.health();
    const worker = Object.entries(report.checks).find(([name]) => name.endsWith('-worker'));
    return (worker?.[1].detail?.[kind] as Record<string, number> | undefined) ?? {};
  }

  /** kill -9, as a crash. */
  async kill(): Promise<void> {
    await this.process?.kill('SIGKILL');
  }

  /** SIGTERM (graceful: the in-flight message is finished and committed), SIGKILL after the grace period. */
  async stop(): Promise<void> {
    await this.process?.kill('SIGTERM', this.options.stopGraceMs ?? 15_000);
  }
}
