// The MigrateDb use case: runs the blue-green migration for the run and answers DbMigrated (or throws a DB.* CodedError).
import { MigrateDbPort } from '@dco/platform';
import { BlueGreenMigrator } from '@dco/neo4j';
import { MigrationProgressReporter } from './migration-progress.reporter';

export function migrateDbHandler(migrator: () => Promise<BlueGreenMigrator>): MigrateDbPort {
  return async (command, context) => {
    const reporter = new MigrationProgressReporter(context);
    try {
      return await (await migrator()).migrate({ runId: command.runId, targetImageId: command.data.targetImageId }, reporter.listener);
    } finally {
      await reporter.flushed();
    }
  };
}
