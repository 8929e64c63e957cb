// Given an in-memory blue and fleet, when MigrateDb / RollbackDb arrive, then the use cases answer with the saga's data and progress.
import { CodedError, DataOf, fixtureMessage, MessageType } from '@dco/contracts';
import { InMemoryGraphDatabase } from '@dco/neo4j';
import { blueGreenEnvironmentFromEnv } from './blue-green.environment';
import { rollbackDbHandler } from '../rollback-db/rollback-db.handler';
import { migrateDbHandler } from './migrate-db.handler';
import { MigrationHealthCheck } from './migration-health';
import { DEFAULT_HEALTH_COMPARISON_POLICY, HealthMeter } from '@dco/aws';
import { BlueGreenMigrator } from './blue-green-migrator';

/** The consumers' Neo4j queries as fast as the server the pointer names: green twice as slow as blue, when `slowGreen`. */
function neo4jLatencyMeter(migrator: BlueGreenMigrator, slowGreen: boolean): HealthMeter & { measured: string[] } {
  const measured: string[] = [];
  return {
    measured,
    async measure() {
      const serving = (await migrator.currentPointer()).current.instanceId;
      measured.push(serving);
      const neo4jQueryP99Ms = serving === 'i-embedded-blue' || !slowGreen ? 10 : 20;
      return { requests: 200, latencyP99Ms: 50, errorRate: 0, neo4jQueries: 200, neo4jQueryP99Ms };
    },
  };
}

async function embedded() {
  const environment = await blueGreenEnvironmentFromEnv(
    { DCO_PROFILE: 'embedded' },
    { now: () => new Date('2026-01-01T00:00:00Z') },
  );
  const blue = environment.memory?.get('memory://i-embedded-blue') as InMemoryGraphDatabase;
  const a = blue.createNode(['Account'], [['id', ['s', 'a']]]);
  blue.createRelationship('SELF', a, a, []);
  const emitted: Array<{ type: MessageType; data: unknown }> = [];
  const context = {
    attempt: 1,
    emit: async <T extends MessageType>(type: T, data: DataOf<T>) => void emitted.push({ type, data }),
  };
  return { environment, emitted, context, migrator: async () => environment.migrator };
}

describe('MigrateDb and RollbackDb use cases', () => {
  it('migrates to the image version, reporting every phase in order', async () => {
    const { migrator, context, emitted } = await embedded();
    const command = fixtureMessage('MigrateDb', {
      runId: 'dco-2026-01-01',
      data: { day: '2026-01-01', targetImageId: 'neo4j-5.26.19-2026-11-01' },
    });
    const result = await migrateDbHandler(migrator)(command, context);
    expect(result).toMatchObject({
      fromInstanceId: 'i-embedded-blue',
      fromVersion: '5.20.0',
      toVersion: '5.26.19',
      nodes: 1,
      relationships: 1,
    });
    const phases = emitted.map((e) => (e.data as DataOf<'DbMigrationProgress'>).phase);
    expect([...new Set(phases)]).toEqual(['provision', 'backup', 'restore', 'validate', 'switch']);
    expect(emitted.every((e) => e.type === 'DbMigrationProgress')).toBe(true);
  });

  it('throws a coded error for an image without a Neo4j version, blue untouched', async () => {
    const { migrator, context, environment } = await embedded();
    const command = fixtureMessage('MigrateDb', {
      runId: 'dco-2026-01-01',
      data: { day: '2026-01-01', targetImageId: 'ami-unknown' },
    });
    const error = await migrateDbHandler(migrator)(command, context).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CodedError);
    expect((error as CodedError).code).toBe('DB.PROVISION_FAILED');
    expect((await environment.migrator.currentPointer()).current.instanceId).toBe('i-embedded-blue');
  });

  it('rolls a migrated run back to blue and terminates green', async () => {
    const { migrator, context, environment } = await embedded();
    const migrated = await (await migrator()).migrate({ runId: 'r1', targetImageId: 'neo4j-5.26.19-x' });
    const result = await rollbackDbHandler(migrator)(fixtureMessage('RollbackDb', { runId: 'r1' }), context);
    expect(result).toEqual({
      servingInstanceId: 'i-embedded-blue',
      boltUri: 'memory://i-embedded-blue',
      terminatedInstanceId: migrated.toInstanceId,
    });
    expect((await environment.fleet.describe()).map((i) => i.instanceId)).toEqual(['i-embedded-blue']);
  });

  describe('health of the Neo4j consumers before and after (ADR 0025)', () => {
    const command = fixtureMessage('MigrateDb', {
      runId: 'dco-2026-01-01',
      data: { day: '2026-01-01', targetImageId: 'neo4j-5.26.19-2026-11-01' },
    });
    const check = (meter: HealthMeter, onRegression: 'rollback' | 'alert') =>
      new MigrationHealthCheck(meter, ['dco-runner'], {
        ...DEFAULT_HEALTH_COMPARISON_POLICY,
        windowMs: 1,
        onRegression,
      });

    it('policy rollback: queries twice as slow on green fail the step with blue kept, and RollbackDb puts blue back', async () => {
      const { migrator, context, environment } = await embedded();
      const meter = neo4jLatencyMeter(environment.migrator, true);
      const error = await migrateDbHandler(migrator, check(meter, 'rollback'))(command, context).catch(
        (caught: unknown) => caught,
      );
      expect(error).toMatchObject({
        code: 'DB.HEALTH_REGRESSED',
        detail: 'dco-runner: Neo4j query p99 10 ms -> 20 ms (2.00x, limit 1.50x)',
      });
      expect((error as Error).message).toMatch(
        /^dco-runner regressed after the switch to Neo4j 5\.26\.19 .* blue i-embedded-blue is kept/,
      );
      expect(meter.measured[0]).toBe('i-embedded-blue');
      expect(meter.measured[1]).not.toBe('i-embedded-blue');
      await rollbackDbHandler(migrator)(fixtureMessage('RollbackDb', { runId: 'dco-2026-01-01' }), context);
      expect((await environment.migrator.currentPointer()).current.instanceId).toBe('i-embedded-blue');
    });

    it('policy alert: the migration stands and DbMigrated carries the comparison', async () => {
      const { migrator, context, environment } = await embedded();
      const result = await migrateDbHandler(migrator, check(neo4jLatencyMeter(environment.migrator, true), 'alert'))(
        command,
        context,
      );
      expect(result?.health).toEqual([
        expect.objectContaining({
          service: 'dco-runner',
          regressions: ['Neo4j query p99 10 ms -> 20 ms (2.00x, limit 1.50x)'],
        }),
      ]);
      expect((await environment.migrator.currentPointer()).current.instanceId).toBe(result?.toInstanceId);
    });

    it('a green as fast as blue migrates with a clean comparison', async () => {
      const { migrator, context, environment } = await embedded();
      const result = await migrateDbHandler(
        migrator,
        check(neo4jLatencyMeter(environment.migrator, false), 'rollback'),
      )(command, context);
      expect(result?.health?.map((comparison) => comparison.regressions)).toEqual([[]]);
    });
  });
});
