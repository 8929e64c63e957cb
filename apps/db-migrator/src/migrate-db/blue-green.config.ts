// The variables of the blue-green migration (validated at boot): where blue is, the pointer, backups, consumers, timings, the local fleet.
import { IntersectionType, PickType } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { AwsClientConfig, HealthComparisonConfig, parseHealthEndpoints } from '@dco/aws';
import { ConnectionPointerConfig, DEFAULT_BATCH_SIZE, DEFAULT_PAGE_SIZE, READ_AHEAD } from '@dco/neo4j';
import { IsParsedBy, Neo4jFleetConfig } from '@dco/platform';
import { BackupSigningConfig } from './backup-signing.config';
import { parseConsumerServices } from './consumer-services';

export const DEFAULT_BLUE_URI = 'bolt://127.0.0.1:17687';

const MILLISECONDS = /^\d+$/;

export const RESTORE_MODES = ['offline-import', 'online'] as const;
export type RestoreMode = (typeof RESTORE_MODES)[number];
const milliseconds = (name: string) => ({ message: `${name} must be a non-negative integer number of milliseconds` });

/** The migration's variables; the connection pointer's (shared with the dco-runner) come from ConnectionPointerConfig. */
export class BlueGreenConfig extends IntersectionType(
  AwsClientConfig,
  ConnectionPointerConfig,
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
   * How green is filled (ADR 0018): offline-import (neo4j-admin import into green before it serves; the local default) or
   * online (batched UNWIND over Bolt; the default elsewhere, and for a green that must already serve).
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

  /** local profile: the local servers' memory, and C1-only JIT for short-lived test servers. */
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

/** What the blue-green composition reads: the profile, the fleet's scope and BlueGreenConfig (the operator CLI loads this). */
export class BlueGreenEnvironmentConfig extends IntersectionType(
  PickType(Neo4jFleetConfig, ['DCO_PROFILE', 'DCO_ENV', 'DCO_NEO4J_FLEET_TAGS'] as const),
  BlueGreenConfig,
) {}
