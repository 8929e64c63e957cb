// The MigrateDb use case: runs the blue-green migration for the run and answers DbMigrated (or throws a DB.* CodedError).
// With a health check, the Neo4j consumers' health after the switch is compared with before: a regression fails the
// step (DB.HEALTH_REGRESSED, the saga's RollbackDb puts blue back) or, by policy, rides on DbMigrated for an alert.
import { CodedError, DataOf } from '@dco/contracts';
import { describeRegressions } from '@dco/aws';
import { MigrateDbPort } from '@dco/platform';
import { BlueGreenMigrator } from './blue-green-migrator';
import { PhaseSpans } from '@dco/observability';
import { MigrationHealthCheck } from './migration-health';
import { MigrationProgressReporter } from './migration-progress.reporter';

export function migrateDbHandler(
  migrator: () => Promise<BlueGreenMigrator>,
  health?: MigrationHealthCheck,
): MigrateDbPort {
  return async (command, context) => {
    const reporter = new MigrationProgressReporter(context);
    // One span per phase (provision, backup, restore, validate, switch, retire) under the MigrateDb consumer span.
    const phases = new PhaseSpans({
      runId: command.runId,
      day: command.data.day,
      targetImageId: command.data.targetImageId,
    });
    const baseline = await health?.measure();
    let migrated: DataOf<'DbMigrated'>;
    try {
      migrated = await (
        await migrator()
      ).migrate({ runId: command.runId, targetImageId: command.data.targetImageId }, (progress) => {
        phases.progress(progress.phase, progress.done, progress.total);
        reporter.listener(progress);
      });
      phases.finish();
    } catch (error) {
      phases.finish(error);
      throw error;
    } finally {
      await reporter.flushed();
    }
    const comparisons = health && baseline ? await health.compare(baseline) : [];
    const regressed = comparisons.filter((comparison) => comparison.regressions.length > 0);
    if (regressed.length > 0 && health?.policy.onRegression === 'rollback') {
      throw new CodedError(
        'DB.HEALTH_REGRESSED',
        `${regressed.map((comparison) => comparison.service).join(', ')} regressed after the switch to Neo4j ${migrated.toVersion} (${migrated.toInstanceId}); blue ${migrated.fromInstanceId} is kept for the rollback`,
        describeRegressions(regressed),
      );
    }
    return { ...migrated, ...(comparisons.length > 0 ? { health: comparisons } : {}) };
  };
}
