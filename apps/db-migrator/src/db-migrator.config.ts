// Environment of the db-migrator service (validated at boot).
import { IntersectionType } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsParsedBy, Neo4jFleetConfig, parseSimulatedBehaviour, StageEngineConfig } from '@dco/platform';
import { BlueGreenConfig } from './migrate-db/blue-green.config';
import { MigrationLeaseConfig } from './migration-lease/migration-lease.config';

/** Every variable the db-migrator reads: the common ones, the fleet's scope, the blue-green migration's, the lease's and the stage engine's. */
export class DbMigratorConfig extends IntersectionType(
  Neo4jFleetConfig,
  BlueGreenConfig,
  StageEngineConfig,
  MigrationLeaseConfig,
) {
  /** Outcome of the in-memory MigrateDb stand-in: ok, ok:<ms>, fail:<CODE>[:<ms>] or hang. */
  @IsOptional()
  @IsParsedBy((value) => parseSimulatedBehaviour('DCO_SIMULATE_MIGRATE_DB', value))
  DCO_SIMULATE_MIGRATE_DB?: string;

  /** Outcome of the in-memory RollbackDb stand-in: ok, ok:<ms>, fail:<CODE>[:<ms>] or hang. */
  @IsOptional()
  @IsParsedBy((value) => parseSimulatedBehaviour('DCO_SIMULATE_ROLLBACK_DB', value))
  DCO_SIMULATE_ROLLBACK_DB?: string;
}
