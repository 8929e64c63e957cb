// The detector service's command handler: DetectChanges goes to its use-case port, and the outcome answers the saga.
import { Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { MessageOf } from '@dco/contracts';
import {
  CommandContext,
  CommandController,
  handledBy,
  outcome,
  DETECT_CHANGES_PORT,
  DetectChangesPort,
} from '@dco/platform';

@CommandController()
export class DetectorController {
  constructor(@Inject(DETECT_CHANGES_PORT) private readonly detectChanges: DetectChangesPort) {}

  @EventPattern(
    'DetectChanges',
    handledBy('detector', { onFailure: (failure) => ({ type: 'DetectionFailed', data: { failure } }) }),
  )
  async onDetectChanges(@Payload() command: MessageOf<'DetectChanges'>, @Ctx() context: CommandContext) {
    return outcome('ChangesDetected', await this.detectChanges(command, context));
  }
}
