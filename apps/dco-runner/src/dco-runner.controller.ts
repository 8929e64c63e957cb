// The dco-runner service's command handler: RunDco goes to its use-case port, and the outcome answers the saga.
import { Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { MessageOf } from '@dco/contracts';
import { CommandContext, CommandController, handledBy, outcome, RUN_DCO_PORT, RunDcoPort } from '@dco/platform';

@CommandController()
export class DcoRunnerController {
  constructor(@Inject(RUN_DCO_PORT) private readonly runDco: RunDcoPort) {}

  @EventPattern(
    'RunDco',
    handledBy('dco-runner', { onFailure: (failure) => ({ type: 'DcoFailed', data: { failure } }) }),
  )
  async onRunDco(@Payload() command: MessageOf<'RunDco'>, @Ctx() context: CommandContext) {
    return outcome('DcoCompleted', await this.runDco(command, context));
  }
}
