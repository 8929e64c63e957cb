// Given an in-memory blue and fleet, when MigrateDb / RollbackDb arrive, then the use cases answer with the saga's data and progress.
import { CodedError, DataOf, fixtureMessage, MessageType } from '@dco/contracts';
import { InMemoryGraphDatabase } from '@dco/neo4j';
import { blueGreenEnvironmentFromEnv } from './blue-green.environment';
import { rollbackDbHandler } from '../rollback-db/rollback-db.handler';
import { migrateDbHandler } from './migrate-db.handler';

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
});
