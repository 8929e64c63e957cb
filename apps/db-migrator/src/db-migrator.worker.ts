// The db-migrator service's command loop: routes each command to its use-case port and answers the saga.
import { Inject, Injectable } from '@nestjs/common';
import { MigrationPhase } from '@dco/contracts';
import {
  CommandRoute,
  CommandWorkerHost,
  WorkerRuntime,
  outcome,
  MIGRATE_DB_PORT, MigrateDbPort, ROLLBACK_DB_PORT, RollbackDbPort,
} from '@dco/platform';

/** The migration phase a failure code belongs to, for the operator's summary. */
export function phaseOfFailure(code: string): MigrationPhase {
  if (code === 'DB.BACKUP_FAILED' || code === 'DB.BACKUP_CORRUPT' || code === 'DB.SOURCE_CHANGED') return 'backup';
  if (code === 'DB.RESTORE_FAILED' || code === 'DB.TARGET_NOT_EMPTY') return 'restore';
  if (code === 'DB.VALIDATION_MISMATCH') return 'validate';
  if (code === 'DB.SWITCH_FAILED') return 'switch';
  return 'provision';
}

@Injectable()
export class DbMigratorWorker extends CommandWorkerHost {
  constructor(
    runtime: WorkerRuntime,
    @Inject(MIGRATE_DB_PORT) private readonly migrateDb: MigrateDbPort,
    @Inject(ROLLBACK_DB_PORT) private readonly rollbackDb: RollbackDbPort,
  ) {
    super(runtime, 'db-migrator');
  }

  protected routes(): CommandRoute[] {
    return [
      {
        command: 'MigrateDb',
        handle: async (command, context) => outcome('DbMigrated', await this.migrateDb(command, context)),
        onFailure: (failure) => ({ type: 'DbMigrationFailed', data: { failure, phase: phaseOfFailure(failure.code) } }),
      } as CommandRoute<'MigrateDb'>,
      {
        command: 'RollbackDb',
        handle: async (command, context) => outcome('DbRolledBack', await this.rollbackDb(command, context)),
        onFailure: (failure) => ({ type: 'DbRollbackFailed', data: { failure } }),
      } as CommandRoute<'RollbackDb'>,
    ] as CommandRoute[];
  }
}
