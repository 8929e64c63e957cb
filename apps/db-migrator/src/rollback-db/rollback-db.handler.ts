// The RollbackDb use case: puts the run's database back on blue (pointer, services) and terminates its green.
import { RollbackDbPort } from '@dco/platform';
import { BlueGreenMigrator } from '@dco/neo4j';

export function rollbackDbHandler(migrator: () => Promise<BlueGreenMigrator>): RollbackDbPort {
  return async (command) => (await migrator()).rollback({ runId: command.runId });
}
