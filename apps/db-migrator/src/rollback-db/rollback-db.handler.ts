// The RollbackDb use case: puts the run's database back on blue (pointer, services) and terminates its green.
import { RollbackDbPort } from '@dco/platform';
import { BlueGreenMigrator } from '../migrate-db/blue-green-migrator';

export function rollbackDbHandler(migrator: () => Promise<BlueGreenMigrator>): RollbackDbPort {
  return async (command) => (await migrator()).rollback({ runId: command.runId });
}
