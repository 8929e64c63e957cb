// Starts the six services as separate OS processes on the local profile (each `node -r tools/register.js
// apps/<app>/src/main.ts`), logs to files, waits on /health, and kills (SIGKILL) or restarts one as a fault would.
import { join } from 'node:path';
import { AppProcess, freePort } from '@dco/testing';
import { DayError } from './day-error';
import { APP_NAMES, AppName, DayWorkspace, PreparedInfo, serviceEnvironment } from './day-workspace';

/** SIGTERM lets a service finish and commit its in-flight message; SIGKILL after this. */
const STOP_GRACE_MS = 20_000;

export class DayServices {
  private constructor(readonly processes: Map<AppName, AppProcess>) {}

  /** The six services; the scheduler's catch-up tick starts the day. */
  static async launch(
    ws: DayWorkspace,
    info: PreparedInfo,
    now: Date,
    log: (line: string) => void,
  ): Promise<DayServices> {
    const processes = new Map<AppName, AppProcess>();
    for (const app of APP_NAMES) {
      const port = await freePort();
      const logFile = join(ws.logsDir, `${app}.log`);
      processes.set(
        app,
        new AppProcess(app, port, serviceEnvironment(app, ws, info, port, now), {
          logFile,
          stopGraceMs: STOP_GRACE_MS,
        }),
      );
    }
    const services = new DayServices(processes);
    try {
      // All at once: the orchestrator reads the scheduler's tick from the beginning of its topic whenever it joins.
      const all = APP_NAMES.map((app) => services.get(app));
      all.forEach((service) => service.start());
      await Promise.all(all.map((service) => waitHealthy(service)));
      log(`services up: ${all.map((service) => `${service.name} :${service.port}`).join(', ')}`);
      return services;
    } catch (error) {
      await services.stop();
      throw error;
    }
  }

  get(app: AppName): AppProcess {
    const service = this.processes.get(app);
    if (!service) throw new DayError('DAY.UNEXPECTED', `no ${app} process`);
    return service;
  }

  async restart(app: AppName): Promise<AppProcess> {
    const service = this.get(app);
    await service.kill();
    service.start();
    await waitHealthy(service);
    return service;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.processes.values()].map((service) => service.stop()));
  }
}

/** A service that exits or stays unhealthy while starting fails the day with DAY.SERVICE_FAILED, naming its log. */
async function waitHealthy(service: AppProcess): Promise<void> {
  await service.waitHealthy().catch((error: Error) => {
    throw new DayError('DAY.SERVICE_FAILED', `${error.message} (log ${service.logFile ?? 'none'})`);
  });
}
