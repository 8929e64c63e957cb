// Environment of the infra-deployer service (validated at boot).
import { IntersectionType } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { CommonConfig, IsParsedBy, parseSimulatedBehaviour, StageEngineConfig } from '@dco/platform';
import { ApplyInfraConfig } from './apply-infra/apply-infra.config';

/** Every variable the infra-deployer reads: the common ones, the real use cases' and the stage engine's. */
export class InfraDeployerConfig extends IntersectionType(CommonConfig, ApplyInfraConfig, StageEngineConfig) {
  /** Outcome of the in-memory ApplyInfra stand-in: ok, ok:<ms>, fail:<CODE>[:<ms>] or hang. */
  @IsOptional()
  @IsParsedBy((value) => parseSimulatedBehaviour('DCO_SIMULATE_APPLY_INFRA', value))
  DCO_SIMULATE_APPLY_INFRA?: string;

  /** Outcome of the in-memory RollbackInfra stand-in: ok, ok:<ms>, fail:<CODE>[:<ms>] or hang. */
  @IsOptional()
  @IsParsedBy((value) => parseSimulatedBehaviour('DCO_SIMULATE_ROLLBACK_INFRA', value))
  DCO_SIMULATE_ROLLBACK_INFRA?: string;
}
