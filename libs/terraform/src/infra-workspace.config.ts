// The variables that locate the Terraform workspace the infra-deployer applies and the detector compares (both apps' configs extend it).
import { IsIn, IsOptional, IsString } from 'class-validator';

export class InfraWorkspaceConfig {
  /** The Terraform configuration (default <repo>/infra). */
  @IsOptional()
  @IsString()
  DCO_INFRA_CONFIG_DIR?: string;

  /** State, plans and the last good snapshot (default <DCO_STATE_DIR>/infra-deployer; a fresh temporary one when embedded). */
  @IsOptional()
  @IsString()
  DCO_INFRA_STATE_DIR?: string;

  /** The local stack's state (default <repo>/.stack). */
  @IsOptional()
  @IsString()
  DCO_STATE_DIR?: string;

  /** tofu: the OpenTofu binary; simulated: the plan/apply simulator (always simulated when embedded). */
  @IsIn(['tofu', 'simulated'], { message: 'DCO_INFRA_ENGINE must be tofu or simulated' })
  DCO_INFRA_ENGINE: 'tofu' | 'simulated' = 'tofu';

  /** The tofu binary (default: the build `npm run stack:up` caches under XDG_CACHE_HOME, default ~/.cache). */
  @IsOptional()
  @IsString()
  DCO_TOFU_BIN?: string;

  @IsOptional()
  @IsString()
  XDG_CACHE_HOME?: string;

  /** The ECS cluster the services run in. */
  @IsString()
  DCO_ECS_CLUSTER = 'dco-autopilot';
}
