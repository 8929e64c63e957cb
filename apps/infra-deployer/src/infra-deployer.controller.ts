// The infra-deployer service's command handlers: each command goes to its use-case port, and the outcome answers the saga.
import { Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { MessageOf } from '@dco/contracts';
import {
  CommandContext,
  CommandController,
  handledBy,
  outcome,
  APPLY_INFRA_PORT,
  APPLY_TO_STAGING_PORT,
  ApplyInfraPort,
  ApplyToStagingPort,
  ROLLBACK_INFRA_PORT,
  RollbackInfraPort,
} from '@dco/platform';

@CommandController()
export class InfraDeployerController {
  constructor(
    @Inject(APPLY_TO_STAGING_PORT) private readonly applyToStaging: ApplyToStagingPort,
    @Inject(APPLY_INFRA_PORT) private readonly applyInfra: ApplyInfraPort,
    @Inject(ROLLBACK_INFRA_PORT) private readonly rollbackInfra: RollbackInfraPort,
  ) {}

  /** Answers StagingSoaked, or StagingFailed when staging failed or regressed across its soak (ADR 0032). */
  @EventPattern(
    'ApplyToStaging',
    handledBy('infra-deployer', { onFailure: (failure) => ({ type: 'StagingFailed', data: { failure } }) }),
  )
  async onApplyToStaging(@Payload() command: MessageOf<'ApplyToStaging'>, @Ctx() context: CommandContext) {
    return this.applyToStaging(command, context);
  }

  /** Answers InfraApplied, or InfraApprovalRequired when the plan needs a person's approval. */
  @EventPattern(
    'ApplyInfra',
    handledBy('infra-deployer', { onFailure: (failure) => ({ type: 'InfraApplyFailed', data: { failure } }) }),
  )
  async onApplyInfra(@Payload() command: MessageOf<'ApplyInfra'>, @Ctx() context: CommandContext) {
    return this.applyInfra(command, context);
  }

  @EventPattern(
    'RollbackInfra',
    handledBy('infra-deployer', { onFailure: (failure) => ({ type: 'InfraRollbackFailed', data: { failure } }) }),
  )
  async onRollbackInfra(@Payload() command: MessageOf<'RollbackInfra'>, @Ctx() context: CommandContext) {
    return outcome('InfraRolledBack', await this.rollbackInfra(command, context));
  }
}
