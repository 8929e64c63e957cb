// The shape every part of the local stack has (install, up, down, status) and the supervised-daemon implementation they share.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { StackConfig, StackPaths } from '../stack-config';
import { StackError } from '../stack-error';
import { liveRecord, PidRecord, readPidRecord, spawnDaemon, stopDaemon, tailFile } from '../support/process-supervisor';
import { abortWaiting, canConnect, isProcessAlive, waitFor, WaitTimeoutError } from '@dco/probes';

export interface StackContext {
  config: StackConfig;
  paths: StackPaths;
  log(line: string): void;
}

export type ComponentState = 'running' | 'stopped' | 'unhealthy' | 'installed' | 'missing';

export interface ComponentStatus {
  name: string;
  state: ComponentState;
  /** Where clients reach it (host:port, URL or binary path). */
  address: string;
  pid?: number;
  /** True when `up` found it already healthy and left it alone. */
  reused?: boolean;
  detail?: string;
}

export interface StackComponent {
  readonly name: string;
  /** Downloads/builds what it needs into the cache (no-op when cached). */
  install(ctx: StackContext): Promise<void>;
  /** Idempotent: leaves a healthy instance alone, else installs, starts and waits for real readiness. */
  up(ctx: StackContext): Promise<ComponentStatus>;
  /** Stops what this stack started (by pid); false when nothing was running. */
  down(ctx: StackContext): Promise<boolean>;
  status(ctx: StackContext): Promise<ComponentStatus>;
}

/** Everything a supervised long-running process needs to be described. */
export interface DaemonDefinition {
  address: string;
  host: string;
  /** Ports it binds: must be free before a start. */
  ports: number[];
  startTimeoutMs: number;
  stopGraceMs: number;
  install(): Promise<void>;
  /** Writes config files, formats storage...; runs before every start. */
  prepare(): Promise<void>;
  launch(): { command: string; args: string[]; env?: NodeJS.ProcessEnv; cwd?: string };
  /** undefined when ready and healthy, else why not. Must not throw for "not ready". */
  probe(): Promise<string | undefined>;
  meta?: Record<string, string | number>;
}

export function pidFileOf(paths: StackPaths, name: string): string {
  return join(paths.pidsDir, `${name}.pid`);
}

export function logFileOf(paths: StackPaths, name: string): string {
  return join(paths.logsDir, `${name}.log`);
}

async function safeProbe(definition: DaemonDefinition): Promise<string | undefined> {
  try {
    return await definition.probe();
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Whether a process this stack did not start is a healthy instance: asked up to `attempts` times, because one probe
 * of a busy broker on a loaded machine can time out and a false "unhealthy" turns into STACK.PORT_IN_USE.
 */
async function healthyAfterRetries(definition: DaemonDefinition, attempts = 3): Promise<boolean> {
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    if ((await safeProbe(definition)) === undefined) return true;
  }
  return false;
}

/** A component that is one supervised OS process. */
export class DaemonComponent implements StackComponent {
  constructor(
    readonly name: string,
    private readonly define: (ctx: StackContext) => DaemonDefinition,
  ) {}

  owner(ctx: StackContext): string {
    return `${ctx.paths.stateDir}#${this.name}`;
  }

  async install(ctx: StackContext): Promise<void> {
    await this.define(ctx).install();
  }

  async up(ctx: StackContext): Promise<ComponentStatus> {
    const definition = this.define(ctx);
    const pidFile = pidFileOf(ctx.paths, this.name);
    const logFile = logFileOf(ctx.paths, this.name);
    const live = liveRecord(pidFile);
    if (live) {
      if ((await safeProbe(definition)) === undefined) return this.running(definition, live, true);
      try {
        await this.awaitReady(definition, live, logFile);
        return this.running(definition, live, true);
      } catch (error) {
        ctx.log(
          `${this.name}: pid ${live.pid} is not healthy (${error instanceof Error ? error.message : String(error)}); restarting it`,
        );
        await stopDaemon(pidFile, definition.stopGraceMs);
      }
    } else {
      rmSync(pidFile, { force: true });
    }
    const busy: number[] = [];
    for (const port of definition.ports) if (await canConnect(definition.host, port)) busy.push(port);
    if (busy.length > 0 && (await healthyAfterRetries(definition))) {
      // A healthy instance of the right version that another clone's stack (e.g. CI's fresh clone) runs: use it, never stop it.
      ctx.log(`${this.name}: using the healthy instance at ${definition.address} that this stack did not start`);
      return this.external(definition);
    }
    if (busy.length > 0) {
      throw new StackError(
        'STACK.PORT_IN_USE',
        `${this.name} cannot start: ${busy.map((port) => `${definition.host}:${port}`).join(', ')} already in use by a process this stack did not start (no live ${pidFile}) that does not pass the ${this.name} health check; stop it or change the port in stack/stack.config.json`,
      );
    }
    await definition.install();
    await definition.prepare();
    const launch = definition.launch();
    const record = spawnDaemon({
      name: this.name,
      ...launch,
      logFile,
      pidFile,
      owner: this.owner(ctx),
      meta: definition.meta,
    });
    try {
      await this.awaitReady(definition, record, logFile);
    } catch (error) {
      await stopDaemon(pidFile, definition.stopGraceMs);
      throw error;
    }
    return this.running(definition, record, false);
  }

  async down(ctx: StackContext): Promise<boolean> {
    return stopDaemon(pidFileOf(ctx.paths, this.name), this.define(ctx).stopGraceMs);
  }

  async status(ctx: StackContext): Promise<ComponentStatus> {
    const definition = this.define(ctx);
    const live = liveRecord(pidFileOf(ctx.paths, this.name));
    if (!live) {
      if ((await safeProbe(definition)) === undefined) return this.external(definition);
      const stale = readPidRecord(pidFileOf(ctx.paths, this.name));
      return {
        name: this.name,
        state: 'stopped',
        address: definition.address,
        ...(stale ? { detail: `pid ${stale.pid} is gone` } : {}),
      };
    }
    const reason = await safeProbe(definition);
    return reason === undefined
      ? this.running(definition, live, false)
      : { name: this.name, state: 'unhealthy', address: definition.address, pid: live.pid, detail: reason };
  }

  private external(definition: DaemonDefinition): ComponentStatus {
    return {
      name: this.name,
      state: 'running',
      address: definition.address,
      reused: true,
      detail: 'healthy, but not started by this stack: left alone by down',
    };
  }

  private running(definition: DaemonDefinition, record: PidRecord, reused: boolean): ComponentStatus {
    return { name: this.name, state: 'running', address: definition.address, pid: record.pid, reused };
  }

  private async awaitReady(definition: DaemonDefinition, record: PidRecord, logFile: string): Promise<void> {
    try {
      await waitFor(
        async () => {
          if (!isProcessAlive(record.pid, record.owner)) {
            abortWaiting(
              new StackError('STACK.START_FAILED', `${this.name} (pid ${record.pid}) exited while starting`, {
                logFile,
                detail: tailFile(logFile),
              }),
            );
          }
          const reason = await safeProbe(definition);
          if (reason !== undefined) throw new StackError('STACK.NOT_READY', reason);
          return true;
        },
        {
          timeoutMs: definition.startTimeoutMs,
          intervalMs: 500,
          description: `${this.name} to become ready at ${definition.address}`,
        },
      );
    } catch (error) {
      if (error instanceof WaitTimeoutError) {
        throw new StackError(
          'STACK.NOT_READY',
          `${this.name} did not become ready at ${definition.address} within ${definition.startTimeoutMs} ms: ${error.lastError instanceof Error ? error.lastError.message : 'no probe answer'}`,
          {
            logFile,
            detail: tailFile(logFile),
            cause: error,
          },
        );
      }
      throw error;
    }
  }
}
