// The db-migrator service's command handlers: each command goes to its use-case port, and the outcome answers the saga.
import { Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { MessageOf, MigrationPhase } from '@dco/contracts';
import {
  CommandContext,
  CommandController,
  handledBy,
  outcome,
  MIGRATE_DB_PORT,
  MigrateDbPort,
  ROLLBACK_DB_PORT,
  RollbackDbPort,
} from '@dco/platform';

/** The migration phase a failure code belongs to, for the operator's summary. */
export function phaseOfFailure(code: string): MigrationPhase {
  if (code === 'DB.BACKUP_FAILED' || code === 'DB.BACKUP_CORRUPT' || code === 'DB.SOURCE_CHANGED') return 'backup';
  if (code === 'DB.RESTORE_FAILED' || code === 'DB.TARGET_NOT_EMPTY') return 'restore';
  if (code === 'DB.VALIDATION_MISMATCH') return 'validate';
  if (code === 'DB.SWITCH_FAILED' || code === 'DB.HEALTH_REGRESSED') return 'switch';
  return 'provision';
}

@CommandController()
export class DbMigratorController {
  constructor(
    @Inject(MIGRATE_DB_PORT) private readonly migrateDb: MigrateDbPort,
    @Inject(ROLLBACK_DB_PORT) private readonly rollbackDb: RollbackDbPort,
  ) {}

  @EventPattern(
    'MigrateDb',
    handledBy('db-migrator', {
      onFailure: (failure) => ({ type: 'DbMigrationFailed', data: { failure, phase: phaseOfFailure(failure.code) } }),
    }),
  )
  async onMigrateDb(@Payload() command: MessageOf<'MigrateDb'>, @Ctx() context: CommandContext) {
    return outcome('DbMigrated', await this.migrateDb(command, context));
  }

  @EventPattern(
    'RollbackDb',
    handledBy('db-migrator', { onFailure: (failure) => ({ type: 'DbRollbackFailed', data: { failure } }) }),
  )
  async onRollbackDb(@Payload() command: MessageOf<'RollbackDb'>, @Ctx() context: CommandContext) {
    return outcome('DbRolledBack', await this.rollbackDb(command, context));
  }
}
