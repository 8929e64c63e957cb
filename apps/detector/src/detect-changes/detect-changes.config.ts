// The variables of the real DetectChanges use case (validated at boot): the seven sources, the workspace they compare, AWS.
import { IntersectionType, PickType } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { AwsClientConfig, INSTANCE_TYPE_NAME, parseImageParameterPath } from '@dco/aws';
import { IsNonNegativeNumber, IsParsedBy, Neo4jFleetConfig } from '@dco/platform';
import { InfraWorkspaceConfig } from '@dco/terraform';
import { DRIFT_POLICIES, DriftPolicy } from './drift/drift-comparison';
import { parseEngineSupport, parseRetiringInstanceTypes } from './sources/aws-offering.source';
import { parseRegistryUrl } from './dependency-updates/domain/registry-url';
import { parsePackageName } from './dependency-updates/domain/package-name';

export class DetectSourcesConfig {
  /** The Neo4j images: owners (comma-separated) and name pattern. */
  @IsString()
  DCO_NEO4J_AMI_OWNERS = 'self';

  @IsString()
  DCO_NEO4J_AMI_NAME = 'neo4j-*';

  /**
   * An SSM parameter path (or one parameter) whose values are the published Neo4j AMI ids, e.g. an owner's public
   * parameters; set, it replaces the owners + name filter as the list of published images (ADR 0022).
   */
  @IsOptional()
  @IsParsedBy((value) => parseImageParameterPath(value))
  DCO_NEO4J_AMI_SSM_PATH?: string;

  /** The type the db-migrator builds green on (same variable as the db-migrator's): a retiring type's replacement. */
  @Matches(INSTANCE_TYPE_NAME, { message: 'DCO_NEO4J_INSTANCE_TYPE must be an EC2 instance type such as r6i.large' })
  DCO_NEO4J_INSTANCE_TYPE = 'r6i.large';

  /** The release and dependency manifests (default <DCO_INFRA_CONFIG_DIR>/release/...). */
  @IsOptional()
  @IsString()
  DCO_RELEASE_MANIFEST?: string;

  @IsOptional()
  @IsString()
  DCO_DEPENDENCY_MANIFEST?: string;

  /**
   * The npm registry the dependency source asks (ADR 0029); set (default https://registry.npmjs.org in the aws profile),
   * dependency updates come from the release's lockfiles against it instead of DCO_DEPENDENCY_MANIFEST.
   */
  @IsOptional()
  @IsParsedBy(parseRegistryUrl)
  DCO_NPM_REGISTRY_URL?: string;

  /**
   * A package on that registry whose latest version's package.json field `advisories` is the advisory feed, for a
   * registry that serves no bulk advisory endpoint itself (Verdaccio); unset = POST /-/npm/v1/security/advisories/bulk.
   */
  @IsOptional()
  @IsParsedBy((name) => parsePackageName(name, 'DCO_NPM_ADVISORY_FEED'))
  DCO_NPM_ADVISORY_FEED?: string;

  /**
   * Operator override, "type:YYYY-MM-DD,type": types to leave although the region still offers them (what AWS no longer
   * offers is found by DescribeInstanceTypeOfferings without it).
   */
  @IsOptional()
  @IsParsedBy(parseRetiringInstanceTypes)
  DCO_RETIRING_INSTANCE_TYPES?: string;

  /** "engine@version:YYYY-MM-DD,..." */
  @IsOptional()
  @IsParsedBy(parseEngineSupport)
  DCO_ENGINE_END_OF_SUPPORT?: string;

  @IsNonNegativeNumber('DCO_OFFERING_HORIZON_DAYS')
  DCO_OFFERING_HORIZON_DAYS = 30;

  @IsNonNegativeNumber('DCO_DETECT_SOURCE_TIMEOUT_MS')
  DCO_DETECT_SOURCE_TIMEOUT_MS = 10_000;

  /**
   * What a detected drift (a live resource that differs from the last apply) leads to: reapply = the day's apply restores
   * the declared value (medium risk), approve = a person approves the re-apply first (high risk), ignore = not checked.
   */
  @IsIn(DRIFT_POLICIES, { message: `DCO_DRIFT_POLICY must be one of ${DRIFT_POLICIES.join(', ')}` })
  DCO_DRIFT_POLICY: DriftPolicy = 'reapply';

  /** Sources whose failure fails the detection (comma-separated names); the others only degrade it. */
  @IsOptional()
  @IsString()
  DCO_DETECT_REQUIRED_SOURCES?: string;

  /** The external inbox's reports (default <DCO_STATE_DIR>/detector/external-reports.jsonl). */
  @IsOptional()
  @IsString()
  DCO_EXTERNAL_STORE?: string;

  /**
   * The S3 bucket of the external reports, shared by every detector replica (ADR 0016); unset = the file store above
   * (one replica only; the embedded profile keeps them in memory).
   */
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'DCO_EXTERNAL_BUCKET must be an S3 bucket name' })
  DCO_EXTERNAL_BUCKET?: string;

  /** Key prefix of the reports in DCO_EXTERNAL_BUCKET (slash-separated segments of letters, digits, . _ -). */
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/, {
    message: 'DCO_EXTERNAL_PREFIX must be slash-separated segments of letters, digits, . _ -',
  })
  DCO_EXTERNAL_PREFIX = 'detector/external-reports';
}

/** The sources, the workspace and the AWS clients: what the real use case reads besides the common variables. */
export class DetectChangesConfig extends IntersectionType(InfraWorkspaceConfig, DetectSourcesConfig, AwsClientConfig) {}

/** What the operator CLI (and the benchmark) need to build the use case: the profile, the fleet's scope, no broker. */
export class DetectChangesEnvironmentConfig extends IntersectionType(
  PickType(Neo4jFleetConfig, ['DCO_PROFILE', 'DCO_ENV', 'DCO_NEO4J_FLEET_TAGS'] as const),
  DetectChangesConfig,
) {}
