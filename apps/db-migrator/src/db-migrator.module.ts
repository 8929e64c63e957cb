// The db-migrator service: redeploys Neo4j blue-green and rolls it back.
import { DynamicModule, Module } from '@nestjs/common';
import { MIGRATE_DB_PORT, ROLLBACK_DB_PORT } from '@dco/platform';
import { DbMigratorConfig } from './db-migrator.config';
import { DbMigratorController } from './db-migrator.controller';
import { simulatedDbMigrator } from './simulated/simulated-db-migrator';
import { realDbMigrator } from './migrate-db/real-db-migrator';

@Module({})
export class DbMigratorModule {
  static register(config: DbMigratorConfig): DynamicModule {
    const simulated = simulatedDbMigrator(config);
    const real = config.DCO_STAGE_ENGINE === 'real' ? realDbMigrator(config) : undefined;
    return {
      module: DbMigratorModule,
      controllers: [DbMigratorController],
      providers: [
        { provide: MIGRATE_DB_PORT, useValue: real?.migrateDb ?? simulated.migrateDb },
        { provide: ROLLBACK_DB_PORT, useValue: real?.rollbackDb ?? simulated.rollbackDb },
        ...(real?.providers ?? []),
      ],
    };
  }
}
