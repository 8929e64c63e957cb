// The variables that locate the Terraform workspace the infra-deployer applies and the detector compares (both apps' configs extend it).
import { IsIn, IsInt, IsOptional, IsString, Matches, Min } from 'class-validator';

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

  /**
   * Remote state (ADR 0016): the S3 bucket of the Terraform state (S3 backend, locked with use_lockfile), saved plans,
   * config snapshots, run records and the last-good record, shared by every infra-deployer and detector replica.
   * Unset = the local backend and files in DCO_INFRA_STATE_DIR (one replica).
   */
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'DCO_INFRA_BUCKET must be an S3 bucket name' })
  DCO_INFRA_BUCKET?: string;

  /** Key prefix in DCO_INFRA_BUCKET: one per environment (the state is <prefix>/terraform.tfstate). */
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/, {
    message: 'DCO_INFRA_PREFIX must be slash-separated segments of letters, digits, . _ -',
  })
  DCO_INFRA_PREFIX = 'infra';

  /** How long plan and apply wait for another replica's state lock before INFRA.STATE_LOCKED (retried by the bus). */
  @IsInt({ message: 'DCO_INFRA_LOCK_TIMEOUT_MS must be an integer number of milliseconds' })
  @Min(0, { message: 'DCO_INFRA_LOCK_TIMEOUT_MS must not be negative' })
  DCO_INFRA_LOCK_TIMEOUT_MS = 60_000;

  /** The ECS cluster the services run in. */
  @IsString()
  DCO_ECS_CLUSTER = 'dco-autopilot';
}
