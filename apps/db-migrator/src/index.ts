// The db-migrator's public API for the operator CLI and the benchmarks: the blue-green migration, built from the validated environment.
export {
  BlueGreenMigrator,
  BlueGreenOptions,
  BlueGreenDependencies,
  MigrationProgress,
  OfflineGreenRestorer,
  ProgressListener,
} from './migrate-db/blue-green-migrator';
export {
  BackupSigningEnvironmentConfig,
  DEFAULT_BLUE_URI,
  Neo4jLoginEnvironmentConfig,
} from './migrate-db/blue-green.config';
export { backupSignerOf, BackupSigningConfig } from './migrate-db/backup-signing.config';
export {
  BlueGreenEnvironment,
  blueGreenEnvironmentFromEnv,
  neo4jCredentialsFromEnv,
} from './migrate-db/blue-green.environment';
export { DbMigratorConfig } from './db-migrator.config';
export { DbMigratorModule } from './db-migrator.module';
