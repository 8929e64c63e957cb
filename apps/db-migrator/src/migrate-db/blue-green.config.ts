// The variables of the blue-green migration (validated at boot): where blue is, the pointer, backups, consumers, timings, the local fleet.
import { IntersectionType, PickType } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { AwsClientConfig, HealthComparisonConfig, parseHealthEndpoints } from '@dco/aws';
import {
  ConnectionPointerConfig,
  DEFAULT_BATCH_SIZE,
  DEFAULT_PAGE_SIZE,
  Neo4jCredentialsConfig,
  READ_AHEAD,
} from '@dco/neo4j';
import { IsParsedBy, Neo4jFleetConfig } from '@dco/platform';
import { BackupSigningConfig } from './backup-signing.config';
import { parseConsumerServices } from './consumer-services';

export const DEFAULT_BLUE_URI = 'bolt://127.0.0.1:17687';

const MILLISECONDS = /^\d+$/;

export const NEO4J_FLEETS = ['ec2', 'ecs'] as const;
export type Neo4jFleetKind = (typeof NEO4J_FLEETS)[number];
const ECS_NAME = /^[A-Za-z0-9_-]{1,255}$/;
const CONTAINER_REPOSITORY = /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;

export const RESTORE_MODES = ['offline-import', 'online'] as const;
export type RestoreMode = (typeof RESTORE_MODES)[number];
const milliseconds = (name: string) => ({ message: `${name} must be a non-negative integer number of milliseconds` });

/** The migration's variables; the connection pointer's (shared with the dco-runner) come from ConnectionPointerConfig. */
export class BlueGreenConfig extends IntersectionType(
  AwsClientConfig,
  IntersectionType(ConnectionPointerConfig, Neo4jCredentialsConfig),
  BackupSigningConfig,
  HealthComparisonConfig,
) {
  /** Blue before the first migration (the connection pointer wins once it exists). */
  @IsString()
  NEO4J_URI = DEFAULT_BLUE_URI;

  @IsString()
  DCO_NEO4J_INSTANCE_ID = 'local-blue';

  /** Backups: an S3 bucket, or a directory (default <DCO_STATE_DIR>/backups). */
  @IsOptional()
  @IsString()
  DCO_BACKUP_BUCKET?: string;

  @IsOptional()
  @IsString()
  DCO_BACKUP_DIR?: string;

  /** ECS services that follow the database: "cluster/service,cluster/service"; unset = only the pointer moves. */
  @IsOptional()
  @IsParsedBy(parseConsumerServices)
  DCO_NEO4J_CONSUMER_SERVICES?: string;

  /** Where the consumer services' health and metrics are read for the before/after comparison (ADR 0025), "service=healthUrl|metricsUrl". */
  @IsOptional()
  @IsParsedBy(parseHealthEndpoints)
  DCO_HEALTH_ENDPOINTS?: string;

  /** How long blue stays for a rollback after the switch; default 24 h in aws, 15 min elsewhere (it must outlive the run). */
  @IsOptional()
  @Matches(MILLISECONDS, milliseconds('DCO_NEO4J_RETIRE_GRACE_MS'))
  DCO_NEO4J_RETIRE_GRACE_MS?: string;

  /** How long green may take to answer; default 15 min in aws, 2 min elsewhere. */
  @IsOptional()
  @Matches(MILLISECONDS, milliseconds('DCO_NEO4J_READY_TIMEOUT_MS'))
  DCO_NEO4J_READY_TIMEOUT_MS?: string;

  /** How long consumers get to notice a write freeze; default 15 s in aws, 1.5 s in local, 0 embedded. */
  @IsOptional()
  @Matches(MILLISECONDS, milliseconds('DCO_NEO4J_FREEZE_DRAIN_MS'))
  DCO_NEO4J_FREEZE_DRAIN_MS?: string;

  /** Blue changed during the copy (ADR 0006): copy again under the write freeze, or give up. */
  @IsIn(['recopy-frozen', 'abort'], { message: 'DCO_NEO4J_ON_SOURCE_CHANGED must be recopy-frozen or abort' })
  DCO_NEO4J_ON_SOURCE_CHANGED: 'recopy-frozen' | 'abort' = 'recopy-frozen';

  @IsInt({ message: 'DCO_NEO4J_PAGE_SIZE must be an integer' })
  @Min(1)
  DCO_NEO4J_PAGE_SIZE = DEFAULT_PAGE_SIZE;

  @IsInt({ message: 'DCO_NEO4J_BATCH_SIZE must be an integer' })
  @Min(1)
  DCO_NEO4J_BATCH_SIZE = DEFAULT_BATCH_SIZE;

  /**
   * How green is filled (ADR 0018): offline-import (neo4j-admin import into green before it serves: locally next to its
   * home, in AWS on its EC2 instance through SSM Run Command) or online (batched UNWIND over Bolt; the default, and for a
   * green that must already serve).
   */
  @IsOptional()
  @IsIn(RESTORE_MODES, { message: 'DCO_NEO4J_RESTORE_MODE must be offline-import or online' })
  DCO_NEO4J_RESTORE_MODE?: RestoreMode;

  /** Id ranges the export and validation read ahead of the one being handled (concurrent reads on blue). */
  @IsInt({ message: 'DCO_NEO4J_READ_AHEAD must be an integer from 0 to 8' })
  @Min(0, { message: 'DCO_NEO4J_READ_AHEAD must be an integer from 0 to 8' })
  @Max(8, { message: 'DCO_NEO4J_READ_AHEAD must be an integer from 0 to 8' })
  DCO_NEO4J_READ_AHEAD = READ_AHEAD;

  /** Embedded profile: blue's version, the version of an image the catalogue does not know, and the demo graph's size. */
  @IsString()
  DCO_NEO4J_VERSION = '5.20.0';

  @IsOptional()
  @IsString()
  DCO_NEO4J_TARGET_VERSION?: string;

  @IsInt({ message: 'DCO_DEMO_ACCOUNTS must be an integer' })
  @Min(0)
  DCO_DEMO_ACCOUNTS = 0;

  /**
   * What green runs on (ADR 0031): EC2 instances of the released AMI, or ECS services running the Neo4j container of its
   * version. The profile still decides how: AWS starts it, locally a server process does. The embedded profile has its fleet
   * in memory whatever this says.
   */
  @IsIn(NEO4J_FLEETS, { message: 'DCO_NEO4J_FLEET must be ec2 or ecs' })
  DCO_NEO4J_FLEET: Neo4jFleetKind = 'ec2';

  /** ECS fleet: the cluster its services run in. */
  @Matches(ECS_NAME, { message: 'DCO_NEO4J_ECS_CLUSTER must be 1-255 letters, digits, hyphens or underscores' })
  DCO_NEO4J_ECS_CLUSTER = 'dco-neo4j';

  /** ECS fleet: the container repository; a member of Neo4j version V runs <repository>:V. */
  @Matches(CONTAINER_REPOSITORY, {
    message:
      'DCO_NEO4J_CONTAINER_IMAGE must be a container repository without a tag (e.g. neo4j or 123.dkr.ecr.../neo4j)',
  })
  DCO_NEO4J_CONTAINER_IMAGE = 'neo4j';

  /**
   * ECS fleet in aws: the Secrets Manager secret (ARN) holding `neo4j/<password>` that each Neo4j task gets as NEO4J_AUTH
   * (the same password as NEO4J_PASSWORD).
   */
  @IsOptional()
  @Matches(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/, {
    message: 'DCO_NEO4J_AUTH_SECRET_ARN must be a Secrets Manager secret ARN',
  })
  DCO_NEO4J_AUTH_SECRET_ARN?: string;

  /** ECS fleet: the EFS file system the members' stores live on (required with DCO_NEO4J_FLEET=ecs). */
  @IsOptional()
  @Matches(/^fs-[0-9a-f]{8,40}$/, { message: 'DCO_NEO4J_EFS_FILE_SYSTEM_ID must be an EFS id (fs-...)' })
  DCO_NEO4J_EFS_FILE_SYSTEM_ID?: string;

  /** ECS fleet: the Fargate task size, a valid CPU/memory pair. */
  @IsInt({ message: 'DCO_NEO4J_TASK_CPU must be an integer (CPU units)' })
  @Min(256, { message: 'DCO_NEO4J_TASK_CPU must be at least 256' })
  DCO_NEO4J_TASK_CPU = 2_048;

  @IsInt({ message: 'DCO_NEO4J_TASK_MEMORY_MIB must be an integer' })
  @Min(512, { message: 'DCO_NEO4J_TASK_MEMORY_MIB must be at least 512' })
  DCO_NEO4J_TASK_MEMORY_MIB = 8_192;

  /** ECS fleet: the role the task pulls its image and writes its logs with. */
  @IsOptional()
  @Matches(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, { message: 'DCO_NEO4J_EXECUTION_ROLE_ARN must be an IAM role ARN' })
  DCO_NEO4J_EXECUTION_ROLE_ARN?: string;

  /** aws profile: where green runs. */
  @IsOptional()
  @IsString()
  DCO_NEO4J_INSTANCE_TYPE?: string;

  @IsOptional()
  @IsString()
  DCO_NEO4J_SUBNET_ID?: string;

  /** Comma-separated. */
  @IsOptional()
  @IsString()
  DCO_NEO4J_SECURITY_GROUP_IDS?: string;

  /**
   * aws profile, EC2 fleet: the instance profile green is launched with (a name or an ARN), as blue's in infra/. Its role
   * lets the SSM agent register and pull the backup's parts from S3: required with DCO_NEO4J_RESTORE_MODE=offline-import.
   */
  @IsOptional()
  @Matches(/^(?:[\w+=,.@-]{1,128}|arn:aws[a-z-]*:iam::\d{12}:instance-profile\/[\w+=,.@/-]{1,512})$/, {
    message: 'DCO_NEO4J_INSTANCE_PROFILE must be an IAM instance profile name or ARN',
  })
  DCO_NEO4J_INSTANCE_PROFILE?: string;

  /** The servers' memory (local processes, ECS tasks), and C1-only JIT for short-lived local test servers. */
  @IsInt({ message: 'DCO_NEO4J_HEAP_MB must be an integer' })
  @Min(0)
  DCO_NEO4J_HEAP_MB = 768;

  @IsInt({ message: 'DCO_NEO4J_PAGECACHE_MB must be an integer' })
  @Min(0)
  DCO_NEO4J_PAGECACHE_MB = 512;

  @IsBoolean({ message: 'DCO_NEO4J_QUICK_START must be true or false' })
  DCO_NEO4J_QUICK_START = false;

  /** The local stack's state (fleet homes, pointer file, backups). */
  @IsString()
  DCO_STATE_DIR = '.stack';
}

/** What the operator CLI's `db backup|restore` read: the profile, the state directory and the backup keys. */
export class BackupSigningEnvironmentConfig extends IntersectionType(
  PickType(Neo4jFleetConfig, ['DCO_PROFILE'] as const),
  PickType(BlueGreenConfig, ['DCO_STATE_DIR', 'DCO_BACKUP_SIGNING_KEY', 'DCO_BACKUP_VERIFY_KEYS'] as const),
) {}

/** The Neo4j login of the operator CLI's `db` and `offering` commands: as the db-migrator of the profile logs in. */
export class Neo4jLoginEnvironmentConfig extends IntersectionType(
  PickType(Neo4jFleetConfig, ['DCO_PROFILE'] as const),
  PickType(BlueGreenConfig, ['DCO_STATE_DIR', 'NEO4J_USER', 'NEO4J_PASSWORD'] as const),
) {}

/** What the blue-green composition reads: the profile, the fleet's scope and BlueGreenConfig (the operator CLI loads this). */
export class BlueGreenEnvironmentConfig extends IntersectionType(
  PickType(Neo4jFleetConfig, ['DCO_PROFILE', 'DCO_ENV', 'DCO_NEO4J_FLEET_TAGS'] as const),
  BlueGreenConfig,
) {}
