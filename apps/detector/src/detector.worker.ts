// The detector service's command loop: routes each command to its use-case port and answers the saga.
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
  DETECT_CHANGES_PORT, DetectChangesPort,
} from '@dco/platform';

@Injectable()
export class DetectorWorker extends CommandWorkerHost {
  constructor(
    @Inject(MESSAGE_BUS) bus: MessageBus,
    @Inject(CLOCK) clock: Clock,
    @Inject(ID_GENERATOR) ids: IdGenerator,
    @Inject(PLATFORM_CONFIG) config: CommonConfig,
    health: HealthRegistry,
    @Inject(DETECT_CHANGES_PORT) private readonly detectChanges: DetectChangesPort,
  ) {
    super(bus, clock, ids, health, 'detector', `${config.DCO_NAMESPACE}.detector`);
  }

  protected routes(): CommandRoute[] {
    return [
      {
        command: 'DetectChanges',
        handle: async (command, context) => outcome('ChangesDetected', await this.detectChanges(command, context)),
        onFailure: (failure) => ({ type: 'DetectionFailed', data: { failure } }),
      } as CommandRoute<'DetectChanges'>,
    ] as CommandRoute[];
  }
}
