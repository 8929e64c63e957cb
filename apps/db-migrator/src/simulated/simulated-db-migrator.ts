// In-memory stand-in of the blue-green stage with outcomes from config (DCO_SIMULATE_MIGRATE_DB, DCO_SIMULATE_ROLLBACK_DB).
import { createHash } from 'node:crypto';
import { MIGRATION_PHASES } from '@dco/contracts';
import { MigrateDbPort, RollbackDbPort, actOut, parseSimulatedBehaviour } from '@dco/platform';
import { DbMigratorConfig } from '../db-migrator.config';

export function simulatedDbMigrator(config: DbMigratorConfig) {
  const migrate = parseSimulatedBehaviour('DCO_SIMULATE_MIGRATE_DB', config.DCO_SIMULATE_MIGRATE_DB);
  const rollback = parseSimulatedBehaviour('DCO_SIMULATE_ROLLBACK_DB', config.DCO_SIMULATE_ROLLBACK_DB);
  const migrateDb: MigrateDbPort = async (command, context) => {
    for (const [index, phase] of MIGRATION_PHASES.entries()) {
      await context.emit('DbMigrationProgress', { phase, done: index, total: MIGRATION_PHASES.length });
    }
    if ((await actOut(migrate, 'migrate-db')) === 'silent') return null;
    return {
      fromInstanceId: 'i-blue',
      toInstanceId: `i-green-${command.runId}`,
      fromVersion: '5.20.0',
      toVersion: '5.26.19',
      boltUri: 'bolt://green.simulated:7687',
      nodes: 0,
      relationships: 0,
      checksum: createHash('sha256').update('empty graph').digest('hex'),
    };
  };
  const rollbackDb: RollbackDbPort = async (command) => {
    if ((await actOut(rollback, 'rollback-db')) === 'silent') return null;
    return {
      servingInstanceId: 'i-blue',
      boltUri: 'bolt://blue.simulated:7687',
      terminatedInstanceId: `i-green-${command.runId}`,
    };
  };
  return { migrateDb, rollbackDb };
}
