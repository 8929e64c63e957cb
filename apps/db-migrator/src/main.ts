// Entry point of the db-migrator service process.
import 'reflect-metadata';
import { createBus, runService } from '@dco/platform';
import { DbMigratorConfig } from './db-migrator.config';
import { DbMigratorModule } from './db-migrator.module';
import { tuneV8ForMigrations } from './heap-tuning';

tuneV8ForMigrations();

void runService({
  service: 'db-migrator',
  config: DbMigratorConfig,
  feature: (config) => DbMigratorModule.register(config),
  createBus,
});
