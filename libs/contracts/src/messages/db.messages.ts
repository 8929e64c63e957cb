// Messages of the Neo4j blue-green stage.
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Min, ValidateNested } from 'class-validator';
import { Failure, IsDay, IsListOf } from './common';
import { ServiceHealthComparison } from './infra.messages';

export class MigrateDbData {
  @IsDay()
  day!: string;

  /** The AMI (or, locally, the image that maps to a Neo4j server version) green is built from. */
  @IsString()
  @IsNotEmpty()
  targetImageId!: string;
}

export const MIGRATION_PHASES = ['provision', 'backup', 'restore', 'validate', 'switch', 'retire'] as const;
export type MigrationPhase = (typeof MIGRATION_PHASES)[number];

export class DbMigrationProgressData {
  @IsIn(MIGRATION_PHASES)
  phase!: MigrationPhase;

  @IsInt()
  @Min(0)
  done!: number;

  @IsInt()
  @Min(0)
  total!: number;
}

export class DbMigratedData {
  @IsString()
  fromInstanceId!: string;

  @IsString()
  toInstanceId!: string;

  @IsString()
  fromVersion!: string;

  @IsString()
  toVersion!: string;

  @IsString()
  boltUri!: string;

  @IsInt()
  @Min(0)
  nodes!: number;

  @IsInt()
  @Min(0)
  relationships!: number;

  @IsString()
  checksum!: string;

  /** The Neo4j consumer services' health before the migration and after its switch, when measured (ADR 0025). */
  @IsOptional()
  @IsListOf(() => ServiceHealthComparison)
  health?: ServiceHealthComparison[];
}

export class DbMigrationFailedData {
  @ValidateNested()
  @Type(() => Failure)
  failure!: Failure;

  @IsIn(MIGRATION_PHASES)
  phase!: MigrationPhase;
}

export class DbRolledBackData {
  @IsString()
  servingInstanceId!: string;

  @IsString()
  boltUri!: string;

  @IsOptional()
  @IsString()
  terminatedInstanceId?: string;
}
