// The variables of the real DetectChanges use case (validated at boot): the six sources, the workspace they compare, AWS.
import { IntersectionType, PickType } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import { AwsClientConfig } from '@dco/aws';
import { IsNonNegativeNumber, IsParsedBy, Neo4jFleetConfig } from '@dco/platform';
import { InfraWorkspaceConfig } from '@dco/terraform';
import { parseEngineSupport } from './sources/aws-offering.source';

export class DetectSourcesConfig {
  /** The Neo4j images: owners (comma-separated) and name pattern. */
  @IsString()
  DCO_NEO4J_AMI_OWNERS = 'self';

  @IsString()
  DCO_NEO4J_AMI_NAME = 'neo4j-*';

  /** The release and dependency manifests (default <DCO_INFRA_CONFIG_DIR>/release/...). */
  @IsOptional()
  @IsString()
  DCO_RELEASE_MANIFEST?: string;

  @IsOptional()
  @IsString()
  DCO_DEPENDENCY_MANIFEST?: string;

  /** "type:YYYY-MM-DD,type" */
  @IsOptional()
  @IsString()
  DCO_RETIRING_INSTANCE_TYPES?: string;

  /** "engine@version:YYYY-MM-DD,..." */
  @IsOptional()
  @IsParsedBy(parseEngineSupport)
  DCO_ENGINE_END_OF_SUPPORT?: string;

  @IsNonNegativeNumber('DCO_OFFERING_HORIZON_DAYS')
  DCO_OFFERING_HORIZON_DAYS = 30;

  @IsNonNegativeNumber('DCO_DETECT_SOURCE_TIMEOUT_MS')
  DCO_DETECT_SOURCE_TIMEOUT_MS = 10_000;

  /** Sources whose failure fails the detection (comma-separated names); the others only degrade it. */
  @IsOptional()
  @IsString()
  DCO_DETECT_REQUIRED_SOURCES?: string;

  /** The external inbox's reports (default <DCO_STATE_DIR>/detector/external-reports.jsonl). */
  @IsOptional()
  @IsString()
  DCO_EXTERNAL_STORE?: string;
}

/** The sources, the workspace and the AWS clients: what the real use case reads besides the common variables. */
export class DetectChangesConfig extends IntersectionType(InfraWorkspaceConfig, DetectSourcesConfig, AwsClientConfig) {}

/** What the operator CLI (and the benchmark) need to build the use case: the profile, the fleet's scope, no broker. */
export class DetectChangesEnvironmentConfig extends IntersectionType(
  PickType(Neo4jFleetConfig, ['DCO_PROFILE', 'DCO_ENV', 'DCO_NEO4J_FLEET_TAGS'] as const),
  DetectChangesConfig,
) {}
