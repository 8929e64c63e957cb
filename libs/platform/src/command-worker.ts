// The command workers of detector, infra-deployer, db-migrator and dco-runner: their controllers' @EventPattern handlers
// run on the bus transport, and each service's handled and in-flight counts are reported on /health.
import { INestApplication, Inject, Injectable } from '@nestjs/common';
import { Clock, IdGenerator } from '@dco/contracts';
import { BusTransportServer, MessageBus, startBusTransport } from '@dco/messaging';
import { CommonConfig } from './config';
import { HealthRegistry } from './health';
import { CLOCK, ID_GENERATOR, MESSAGE_BUS, PLATFORM_CONFIG } from './tokens';

export { CommandContext, CommandController, Outcome, handledBy, outcome } from '@dco/messaging';

/** What the command workers need from the platform, injected as one piece. */
@Injectable()
export class WorkerRuntime {
  constructor(
    @Inject(MESSAGE_BUS) readonly bus: MessageBus,
    @Inject(CLOCK) readonly clock: Clock,
    @Inject(ID_GENERATOR) readonly ids: IdGenerator,
    @Inject(PLATFORM_CONFIG) readonly config: CommonConfig,
    readonly health: HealthRegistry,
  ) {}
}

/**
 * Starts the command controllers of every service in the app (one in its own process, four when embedded). Replicas
 * of one service share its consumer group `<namespace>.<service>`; its health check is `<service>-worker`.
 */
export async function startCommandWorkers(app: INestApplication): Promise<BusTransportServer> {
  const { bus, clock, ids, config, health } = app.get(WorkerRuntime);
  const server = await startBusTransport(app, {
    bus,
    clock,
    ids,
    groupOf: (service) => `${config.DCO_NAMESPACE}.${service}`,
  });
  for (const [service, counts] of server.services) {
    health.register({ name: `${service}-worker`, check: () => ({ ok: true, detail: counts }) });
  }
  return server;
}
