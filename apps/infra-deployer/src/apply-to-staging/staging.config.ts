// The variables of the staging environment the infra-deployer applies a change set to before production (ADR 0032).
import { IsOptional, Matches } from 'class-validator';
import { parseHealthEndpoints } from '@dco/aws';
import { IsParsedBy } from '@dco/platform';

export class StagingConfig {
  /**
   * Staging's environment definition, relative to DCO_INFRA_CONFIG_DIR: the Terraform variables (environment, cluster,
   * apps, Neo4j) that make infra/ staging instead of production.
   */
  @Matches(/^(?!.*\.\.)[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*\.tfvars\.json$/, {
    message: 'DCO_STAGING_TFVARS must be a relative path to a .tfvars.json file inside DCO_INFRA_CONFIG_DIR',
  })
  DCO_STAGING_TFVARS = 'environments/staging.tfvars.json';

  /** Key prefix of staging's Terraform state in DCO_INFRA_BUCKET (never production's). */
  @Matches(/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/, {
    message: 'DCO_STAGING_INFRA_PREFIX must be slash-separated segments of letters, digits, . _ -',
  })
  DCO_STAGING_INFRA_PREFIX = 'staging/infra';

  /** Where the rollout and the soak read staging's services: "service=healthUrl|metricsUrl,...". */
  @IsOptional()
  @IsParsedBy(parseHealthEndpoints)
  DCO_STAGING_HEALTH_ENDPOINTS?: string;
}
