// Starts the six services as separate OS processes on the local profile (each `node -r tools/register.js
// apps/<app>/src/main.ts`), logs to files, waits on /health, and kills (SIGKILL) or restarts one as a fault would.
import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, WriteStream } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '@dco/probes';
import { DayError } from './day-error';
import { APP_NAMES, AppName, DayWorkspace, PreparedInfo, REPO_ROOT, serviceEnvironment } from './day-workspace';

const HEALTH_TIMEOUT_MS = 240_000;

export class ServiceProcess {
  private child?: ChildProcess;
  private log?: WriteStream;
  private exit?: Promise<void>;
  exitCode: number | null | undefined;
  /** The last lines of output, for error messages. */
  private tail = '';

  constructor(
    readonly app: AppName,
    readonly port: number,
    private readonly env: Record<string, string>,
    private readonly logFile: string,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    this.exitCode = undefined;
    this.log = createWriteStream(this.logFile, { flags: 'a' });
    const child = spawn(process.execPath, ['-r', join(REPO_ROOT, 'tools', 'register.js'), join(REPO_ROOT, 'apps', this.app, 'src', 'main.ts')], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const keep = (chunk: Buffer) => {
      this.log?.write(chunk);
      this.tail = (this.tail + chunk.toString()).slice(-3000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exit = new Promise((resolve) =>
      child.once('exit', (code) => {
        this.exitCode = code;
        this.log?.end();
        resolve();
      }),
    );
  }

  async healthy(): Promise<boolean> {
    try {
      const response = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(2_000) });
      return response.ok && ((await response.json()) as { status?: string }).status === 'ok';
    } catch {
      return false;
    }
  }

  async waitHealthy(timeoutMs = HEALTH_TIMEOUT_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.exitCode !== undefined) {
        throw new DayError('DAY.SERVICE_FAILED', `${this.app} exited with ${this.exitCode} while starting (log ${this.logFile}):\n${this.tail.slice(-1500)}`);
      }
      if (await this.healthy()) return;
      if (Date.now() > deadline) throw new DayError('DAY.SERVICE_FAILED', `${this.app} was not healthy within ${timeoutMs} ms (log ${this.logFile})`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /** Commands this process completed, by type (its worker's health detail). */
  async handled(): Promise<Record<string, number>> {
    const response = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(2_000) });
    const report = (await response.json()) as { checks: Record<string, { detail?: { handled?: Record<string, number> } }> };
    const worker = Object.entries(report.checks).find(([name]) => name.endsWith('-worker'));
    return worker?.[1].detail?.handled ?? {};
  }

  /** kill -9, as a crash. */
  async kill(): Promise<void> {
    if (!this.child || this.exitCode !== undefined) return;
    this.child.kill('SIGKILL');
    await this.exit;
  }

  /** SIGTERM (graceful: finish and commit the in-flight message), SIGKILL after 20 s. */
  async stop(): Promise<void> {
    if (!this.child || this.exitCode !== undefined) return;
    const child = this.child;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await this.exit;
    clearTimeout(timer);
  }
}

export class DayServices {
  private constructor(readonly processes: Map<AppName, ServiceProcess>) {}

  /** The six services; the scheduler's catch-up tick starts the day. */
  static async launch(ws: DayWorkspace, info: PreparedInfo, now: Date, log: (line: string) => void): Promise<DayServices> {
    const processes = new Map<AppName, ServiceProcess>();
    for (const app of APP_NAMES) {
      const port = await freePort();
      processes.set(app, new ServiceProcess(app, port, serviceEnvironment(app, ws, info, port, now), join(ws.logsDir, `${app}.log`)));
    }
    const services = new DayServices(processes);
    try {
      // All at once: the orchestrator reads the scheduler's tick from the beginning of its topic whenever it joins.
      const all = APP_NAMES.map((app) => services.get(app));
      all.forEach((service) => service.start());
      await Promise.all(all.map((service) => service.waitHealthy()));
      log(`services up: ${all.map((service) => `${service.app} :${service.port}`).join(', ')}`);
      return services;
    } catch (error) {
      await services.stop();
      throw error;
    }
  }

  get(app: AppName): ServiceProcess {
    const service = this.processes.get(app);
    if (!service) throw new Error(`no ${app} process`);
    return service;
  }

  async restart(app: AppName): Promise<ServiceProcess> {
    const service = this.get(app);
    await service.kill();
    service.start();
    await service.waitHealthy();
    return service;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.processes.values()].map((service) => service.stop()));
  }
}
