// The real db-migrator use cases for DCO_STAGE_ENGINE=real: one lazily built blue-green migrator, plus the timer that retires blue.
import { Injectable, Logger, OnModuleDestroy, OnModuleInit, Provider } from '@nestjs/common';
import { HttpHealthMeter, healthComparisonPolicyOf, healthMetricNamesOf, parseHealthEndpoints } from '@dco/aws';
import { embeddedConnectionPointer } from '@dco/neo4j';
import { MigrateDbPort, RollbackDbPort } from '@dco/platform';
import { BlueGreenMigrator } from './blue-green-migrator';
import { BlueGreenEnvironmentConfig } from './blue-green.config';
import { buildBlueGreenEnvironment } from './blue-green.environment';
import { rollbackDbHandler } from '../rollback-db/rollback-db.handler';
import { parseConsumerServices } from './consumer-services';
import { migrateDbHandler } from './migrate-db.handler';
import { MigrationHealthCheck } from './migration-health';
import { MigrationLeaseEnvironment, migrationLeaseOf, underLease } from '../migration-lease/migration-lease.factory';

/** Checks every minute whether blue's grace period is over; a failure is logged loudly and retried, never hidden. */
@Injectable()
export class BlueRetirementTimer implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('BlueRetirementTimer');
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly migrator: () => Promise<BlueGreenMigrator>,
    private readonly intervalMs: number,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async tick(): Promise<string[]> {
    try {
      const retired = await (await this.migrator()).retireDue();
      retired.forEach((id) => this.logger.log(`retired Neo4j instance ${id} after its grace period`));
      return retired;
    } catch (error) {
      this.logger.error(`retiring blue failed (will retry): ${(error as Error).message}`);
      return [];
    }
  }
}

/** MigrateDb and RollbackDb hold the environment's migration lease (ADR 0016): two replicas never drive one cutover. */
export function realDbMigrator(config: BlueGreenEnvironmentConfig & MigrationLeaseEnvironment): {
  migrateDb: MigrateDbPort;
  rollbackDb: RollbackDbPort;
  providers: Provider[];
} {
  let built: Promise<BlueGreenMigrator> | undefined;
  const migrator = () => {
    built ??= buildBlueGreenEnvironment(
      config,
      undefined,
      config.DCO_PROFILE === 'embedded' ? embeddedConnectionPointer() : undefined,
    ).then((environment) => environment.migrator);
    // A failed build (e.g. the emulator was down) is retried on the next command.
    built.catch(() => (built = undefined));
    return built;
  };
  const lease = migrationLeaseOf(config);
  // The services that follow the database are the ones whose health the migration is judged by.
  const health = new MigrationHealthCheck(
    new HttpHealthMeter(parseHealthEndpoints(config.DCO_HEALTH_ENDPOINTS), healthMetricNamesOf(config)),
    parseConsumerServices(config.DCO_NEO4J_CONSUMER_SERVICES).map((consumer) => consumer.serviceName),
    healthComparisonPolicyOf(config),
  );
  return {
    migrateDb: underLease(lease, migrateDbHandler(migrator, health)),
    rollbackDb: underLease(lease, rollbackDbHandler(migrator)),
    providers: [{ provide: BlueRetirementTimer, useFactory: () => new BlueRetirementTimer(migrator, 60_000) }],
  };
}
