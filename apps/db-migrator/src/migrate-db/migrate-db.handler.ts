// The MigrateDb use case: runs the blue-green migration for the run and answers DbMigrated (or throws a DB.* CodedError).
import { MigrateDbPort } from '@dco/platform';
import { BlueGreenMigrator } from './blue-green-migrator';
import { PhaseSpans } from '@dco/observability';
import { MigrationProgressReporter } from './migration-progress.reporter';

export function migrateDbHandler(migrator: () => Promise<BlueGreenMigrator>): MigrateDbPort {
  return async (command, context) => {
    const reporter = new MigrationProgressReporter(context);
    // One span per phase (provision, backup, restore, validate, switch, retire) under the MigrateDb consumer span.
    const phases = new PhaseSpans({
      runId: command.runId,
      day: command.data.day,
      targetImageId: command.data.targetImageId,
    });
    try {
      const migrated = await (
        await migrator()
      ).migrate({ runId: command.runId, targetImageId: command.data.targetImageId }, (progress) => {
        phases.progress(progress.phase, progress.done, progress.total);
        reporter.listener(progress);
      });
      phases.finish();
      return migrated;
    } catch (error) {
      phases.finish(error);
      throw error;
    } finally {
      await reporter.flushed();
    }
  };
}
