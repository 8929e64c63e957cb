// The dco-runner service's command loop: routes each command to its use-case port and answers the saga.
import { Inject, Injectable } from '@nestjs/common';
import { Clock, IdGenerator } from '@dco/contracts';
import { MessageBus } from '@dco/messaging';
import {
  CLOCK,
  CommandRoute,
  CommandWorkerHost,
  HealthRegistry,
  ID_GENERATOR,
  MESSAGE_BUS,
  PLATFORM_CONFIG,
  CommonConfig,
  outcome,
  RUN_DCO_PORT, RunDcoPort,
} from '@dco/platform';

@Injectable()
export class DcoRunnerWorker extends CommandWorkerHost {
  constructor(
    @Inject(MESSAGE_BUS) bus: MessageBus,
    @Inject(CLOCK) clock: Clock,
    @Inject(ID_GENERATOR) ids: IdGenerator,
    @Inject(PLATFORM_CONFIG) config: CommonConfig,
    health: HealthRegistry,
    @Inject(RUN_DCO_PORT) private readonly runDco: RunDcoPort,
  ) {
    super(bus, clock, ids, health, 'dco-runner', `${config.DCO_NAMESPACE}.dco-runner`);
  }

  protected routes(): CommandRoute[] {
    return [
      {
        command: 'RunDco',
        handle: async (command, context) => outcome('DcoCompleted', await this.runDco(command, context)),
        onFailure: (failure) => ({ type: 'DcoFailed', data: { failure } }),
      } as CommandRoute<'RunDco'>,
    ] as CommandRoute[];
  }
}
