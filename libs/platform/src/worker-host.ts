// Runs a CommandWorker inside a Nest service: starts after bootstrap, drains before shutdown, reports on /health.
import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Clock, IdGenerator, Producer } from '@dco/contracts';
import { MessageBus } from '@dco/messaging';
import { CommandRoute, CommandWorker } from './command-worker';
import { CommonConfig } from './config';
import { HealthRegistry } from './health';
import { CLOCK, ID_GENERATOR, MESSAGE_BUS, PLATFORM_CONFIG } from './tokens';

/** What every worker needs from the platform, injected as one piece. */
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

/** Base class of each service's worker provider; subclasses supply the routes (their use cases). */
export abstract class CommandWorkerHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private worker?: CommandWorker;
  private readonly bus: MessageBus;
  private readonly clock: Clock;
  private readonly ids: IdGenerator;
  private readonly health: HealthRegistry;
  /** Replicas of one service share this consumer group: `<namespace>.<service>`. */
  private readonly group: string;

  protected constructor(
    runtime: WorkerRuntime,
    private readonly producer: Producer,
  ) {
    ({ bus: this.bus, clock: this.clock, ids: this.ids, health: this.health } = runtime);
    this.group = `${runtime.config.DCO_NAMESPACE}.${producer}`;
  }

  protected abstract routes(): CommandRoute[];

  get handled(): Record<string, number> {
    return this.worker?.handled ?? {};
  }

  get inFlight(): Record<string, number> {
    return this.worker?.inFlight ?? {};
  }

  async onApplicationBootstrap(): Promise<void> {
    this.worker = new CommandWorker(this.bus, {
      producer: this.producer,
      group: this.group,
      routes: this.routes(),
      clock: this.clock,
      ids: this.ids,
    });
    this.health.register({ name: `${this.producer}-worker`, check: () => ({ ok: true, detail: { handled: this.handled, inFlight: this.inFlight } }) });
    await this.worker.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.stop();
  }
}
