// The RollbackDb use case's core: the run's database back on blue (pointer, consumers, colours) and its green terminated.
// Idempotent; fails with DB.ROLLBACK_FAILED if blue has been retired already.
import { CodedError } from '@dco/contracts';
import { ConnectionPointer, Neo4jEndpoint } from '@dco/neo4j';
import type { BlueGreenDependencies, DbRolledBack } from '../migrate-db/blue-green-migrator';

/** How the rollback reads and writes the connection pointer (the migrator's, so generations and timestamps stay one sequence). */
export interface PointerAccess {
  current(): Promise<ConnectionPointer>;
  write(pointer: ConnectionPointer, change: Partial<ConnectionPointer>): Promise<ConnectionPointer>;
}

export async function rollBackToBlue(
  deps: Pick<BlueGreenDependencies, 'fleet' | 'graphs' | 'consumers'>,
  pointers: PointerAccess,
  request: { runId: string },
): Promise<DbRolledBack> {
  const pointer = await pointers.current();
  const migration = pointer.lastMigration;
  const switched = migration?.runId === request.runId && pointer.current.instanceId === migration.to.instanceId;
  try {
    if (switched && migration) {
      if (!pointer.previous || pointer.previous.instanceId !== migration.from.instanceId) {
        throw new CodedError(
          'DB.ROLLBACK_FAILED',
          `blue ${migration.from.instanceId} has been retired; the run cannot go back to it`,
        );
      }
      const blue: Neo4jEndpoint = {
        instanceId: migration.from.instanceId,
        boltUri: migration.from.boltUri,
        version: migration.from.version,
      };
      // Blue's write fence, closed at the switch (ADR 0006), opens before the pointer sends writes back to it; this also
      // proves blue answers.
      await openLedgerWritesOn(deps, blue.boltUri);
      await pointers.write(pointer, { current: blue, writes: 'open', previous: undefined, lastMigration: undefined });
      await deps.consumers.pointTo(blue, { runId: request.runId });
      await deps.fleet.setColor(blue.instanceId, 'blue');
      await deps.fleet.terminate(migration.to.instanceId);
      return {
        servingInstanceId: blue.instanceId,
        boltUri: blue.boltUri,
        terminatedInstanceId: migration.to.instanceId,
      };
    }
    // The migration never switched (or was rolled back already): make sure blue is open and no green of this run is left.
    // A migrator that stopped between closing blue's fence and opening writes on green left the pointer frozen on green,
    // blue as its previous server: blue's fence opens before writes go back to it.
    if (pointer.writes === 'frozen' && pointer.previous) await openLedgerWritesOn(deps, pointer.previous.boltUri);
    if (pointer.writes === 'frozen')
      await pointers.write(pointer, {
        writes: 'open',
        ...(pointer.previous ? { current: pointer.previous, previous: undefined } : {}),
      });
    const serving = (await pointers.current()).current;
    const leftovers = (await deps.fleet.describe()).filter(
      (i) => i.clientToken?.startsWith(`${request.runId}-green-`) && i.instanceId !== serving.instanceId,
    );
    for (const instance of leftovers) await deps.fleet.terminate(instance.instanceId);
    return {
      servingInstanceId: serving.instanceId,
      boltUri: serving.boltUri,
      ...(leftovers[0] ? { terminatedInstanceId: leftovers[0].instanceId } : {}),
    };
  } catch (error) {
    if (error instanceof CodedError) throw error;
    throw new CodedError(
      'DB.ROLLBACK_FAILED',
      `rollback of ${request.runId} failed: ${(error as Error).message}`,
      String((error as Error).stack),
      { cause: error },
    );
  }
}

async function openLedgerWritesOn(deps: Pick<BlueGreenDependencies, 'graphs'>, boltUri: string): Promise<void> {
  const db = deps.graphs.connect(boltUri);
  try {
    await db.openLedgerWrites();
  } finally {
    await db.close();
  }
}
