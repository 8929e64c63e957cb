// Starts the six services as separate OS processes on the local profile (each `node -r tools/register.js
// apps/<app>/src/main.ts`), as many replicas of each as asked (the topology spec asks for what k8s/ deploys), logs to
// files, waits on /health, and kills (SIGKILL) or restarts one replica as a fault would.
import { join } from 'node:path';
import { AppProcess, freePort } from '@dco/testing';
import { DayError } from './day-error';
import { deployedNodeOptions } from './deployed-topology';
import { APP_NAMES, AppName, DayWorkspace, PreparedInfo, serviceEnvironment } from './day-workspace';

/** SIGTERM lets a service finish and commit its in-flight message; SIGKILL after this. */
const STOP_GRACE_MS = 20_000;

/** Replicas per app; an app left out runs one. */
export type Replicas = Partial<Record<AppName, number>>;

export class DayServices {
  private constructor(private readonly processes: Map<AppName, AppProcess[]>) {}

  /**
   * The six services; the scheduler's catch-up tick starts the day. Replica i > 0 of an app gets the instance id and log
   * file `<app>-<i>`: each replica's id survives its own restarts (a restarted replica fences its killed predecessor at
   * once) and no two replicas share one.
   */
  static async launch(
    ws: DayWorkspace,
    info: PreparedInfo,
    log: (line: string) => void,
    replicas: Replicas = {},
  ): Promise<DayServices> {
    const processes = new Map<AppName, AppProcess[]>();
    // Each process gets the V8 heap its Deployment gives its container, as deployed.
    const nodeOptions = deployedNodeOptions();
    for (const app of APP_NAMES) {
      const count = replicas[app] ?? 1;
      if (!Number.isInteger(count) || count < 1)
        throw new DayError('DAY.TOPOLOGY_INVALID', `${app}: ${count} replicas is not a positive whole number`);
      const instances: AppProcess[] = [];
      for (let index = 0; index < count; index += 1) {
        const port = await freePort();
        const name = index === 0 ? app : `${app}-${index}`;
        const heap = nodeOptions[app];
        const env: Record<string, string> = {
          ...serviceEnvironment(app, ws, info, port),
          ...(heap ? { NODE_OPTIONS: heap } : {}),
        };
        instances.push(
          new AppProcess(
            name,
            port,
            index === 0 ? env : { ...env, DCO_INSTANCE_ID: `${env.DCO_INSTANCE_ID}-${index}` },
            {
              app,
              logFile: join(ws.logsDir, `${name}.log`),
              stopGraceMs: STOP_GRACE_MS,
            },
          ),
        );
      }
      processes.set(app, instances);
    }
    const services = new DayServices(processes);
    try {
      // All at once: the orchestrator reads the scheduler's tick from the beginning of its topic whenever it joins.
      const all = services.all();
      all.forEach((service) => service.start());
      await Promise.all(all.map((service) => waitHealthy(service)));
      log(`services up: ${all.map((service) => `${service.name} :${service.port}`).join(', ')}`);
      return services;
    } catch (error) {
      await services.stop();
      throw error;
    }
  }

  /** The app's first replica (the only one outside the topology spec). */
  get(app: AppName): AppProcess {
    return this.replicas(app)[0];
  }

  replicas(app: AppName): AppProcess[] {
    const instances = this.processes.get(app);
    if (!instances || instances.length === 0) throw new DayError('DAY.UNEXPECTED', `no ${app} process`);
    return instances;
  }

  all(): AppProcess[] {
    return [...this.processes.values()].flat();
  }

  /**
   * SIGKILL of one replica, then the same replica (same port, instance id and log file) started again. A replica that
   * exits while starting (e.g. its broker is down: the services stop rather than run without one) is started again
   * with a growing back-off, as Kubernetes' restart policy does, up to `attempts` starts.
   */
  async restart(app: AppName, index = 0, attempts = 1): Promise<AppProcess> {
    const service = this.replicas(app)[index];
    if (!service) throw new DayError('DAY.UNEXPECTED', `no replica ${index} of ${app}`);
    await service.kill();
    for (let attempt = 1; ; attempt += 1) {
      service.start();
      try {
        await waitHealthy(service);
        return service;
      } catch (error) {
        if (attempt >= attempts || service.exitCode === undefined) throw error;
        await service.kill();
        await new Promise((resolve) => setTimeout(resolve, Math.min(10_000, 1_000 * 2 ** (attempt - 1))));
      }
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.all().map((service) => service.stop()));
  }
}

/** A service that exits or stays unhealthy while starting fails the day with DAY.SERVICE_FAILED, naming its log. */
async function waitHealthy(service: AppProcess): Promise<void> {
  await service.waitHealthy().catch((error: Error) => {
    throw new DayError('DAY.SERVICE_FAILED', `${error.message} (log ${service.logFile ?? 'none'})`);
  });
}
