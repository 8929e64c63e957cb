// Runs a CommandWorker inside a Nest service: starts after bootstrap, drains before shutdown, reports on /health.
import { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { Clock, IdGenerator, Producer } from '@dco/contracts';
import { MessageBus } from '@dco/messaging';
import { CommandRoute, CommandWorker } from './command-worker';
import { HealthRegistry } from './health';

/** Base class of each service's worker provider; subclasses supply the routes (their use cases). */
export abstract class CommandWorkerHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private worker?: CommandWorker;

  protected constructor(
    private readonly bus: MessageBus,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly health: HealthRegistry,
    private readonly producer: Producer,
    private readonly group: string,
  ) {}

  protected abstract routes(): CommandRoute[];

  get handled(): Record<string, number> {
    return this.worker?.handled ?? {};
  }

  async onApplicationBootstrap(): Promise<void> {
    this.worker = new CommandWorker(this.bus, {
      producer: this.producer,
      group: this.group,
      routes: this.routes(),
      clock: this.clock,
      ids: this.ids,
    });
    this.health.register({ name: `${this.producer}-worker`, check: () => ({ ok: true, detail: { handled: this.handled } }) });
    await this.worker.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.stop();
  }
}
