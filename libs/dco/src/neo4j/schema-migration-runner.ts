// Applies versioned Neo4j schema migrations in order, once each, recorded as (:SchemaMigration {version, name, appliedAt}).
import { Clock, CodedError } from '@dco/contracts';
import neo4j, { Driver } from 'neo4j-driver';

export interface SchemaMigration {
  version: number;
  name: string;
  /** Schema statements (constraints, indexes), each idempotent (IF NOT EXISTS) so a racing runner is harmless. */
  statements: string[];
}

export interface MigrationReport {
  applied: number[];
  alreadyApplied: number[];
}

const BOOTSTRAP =
  'CREATE CONSTRAINT schema_migration_version IF NOT EXISTS FOR (m:SchemaMigration) REQUIRE m.version IS UNIQUE';
const ATTEMPTS = 3;

export async function applySchemaMigrations(
  driver: Driver,
  migrations: readonly SchemaMigration[],
  options: { clock: Clock; database?: string },
): Promise<MigrationReport> {
  checkOrder(migrations);
  const session = driver.session({ database: options.database });
  try {
    await runWithRetry(() => session.run(BOOTSTRAP));
    const recorded = await session.run('MATCH (m:SchemaMigration) RETURN m.version AS version, m.name AS name');
    const applied = new Map<number, string>(
      recorded.records.map((record) => [Number(record.get('version')), String(record.get('name'))]),
    );
    const report: MigrationReport = { applied: [], alreadyApplied: [] };
    for (const migration of migrations) {
      const recordedName = applied.get(migration.version);
      if (recordedName !== undefined) {
        if (recordedName !== migration.name) {
          throw new CodedError(
            'DCO.EXECUTION_FAILED',
            `schema migration ${migration.version} is recorded as "${recordedName}" but this release calls it "${migration.name}": the database was migrated by a different release`,
          );
        }
        report.alreadyApplied.push(migration.version);
        continue;
      }
      for (const statement of migration.statements) await runWithRetry(() => session.run(statement));
      await session.run(
        'MERGE (m:SchemaMigration {version: $version}) ON CREATE SET m.name = $name, m.appliedAt = $appliedAt',
        { version: neo4j.int(migration.version), name: migration.name, appliedAt: options.clock.now().toISOString() },
      );
      report.applied.push(migration.version);
    }
    return report;
  } finally {
    await session.close();
  }
}

function checkOrder(migrations: readonly SchemaMigration[]): void {
  migrations.forEach((migration, index) => {
    if (!Number.isSafeInteger(migration.version) || migration.version < 1)
      throw new CodedError('INTERNAL.UNEXPECTED', `migration version ${migration.version} must be a positive integer`);
    if (index > 0 && migration.version <= migrations[index - 1].version) {
      throw new CodedError(
        'INTERNAL.UNEXPECTED',
        `migrations must be in increasing version order: ${migrations[index - 1].version} then ${migration.version}`,
      );
    }
  });
}

/** Two runners creating the same constraint at once can collide; the statement is idempotent, so try again. */
async function runWithRetry<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= ATTEMPTS) throw error;
    }
  }
}
