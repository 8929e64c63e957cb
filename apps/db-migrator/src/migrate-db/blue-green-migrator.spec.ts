// Unit specs of the blue-green flow on in-memory servers, fleet, pointer, backups and ECS: switch, failures, no lost write, rollback.
import { CodedError } from '@dco/contracts';
import { InMemoryEcsServices } from '@dco/aws';
import {
  EcsNeo4jConsumers,
  GraphDatabase,
  GraphDatabaseFactory,
  InMemoryBackupStore,
  InMemoryConnectionPointerStore,
  InMemoryGraphDatabase,
  InMemoryGraphServers,
  InMemoryNeo4jFleet,
  LEDGER_WRITE_FENCE,
  Neo4jConsumers,
} from '@dco/neo4j';
import { BlueGreenMigrator, BlueGreenOptions, MigrationProgress } from './blue-green-migrator';
import { testBackupSigner } from '../../../../libs/neo4j/src/testing/test-backup-signer.fixture';

const BLUE = { instanceId: 'i-blue', boltUri: 'memory://i-blue', version: '5.20.0' };

function seed(db: InMemoryGraphDatabase) {
  const offering = db.createNode(
    ['Offering'],
    [
      ['allocated', ['s', '10']],
      ['day', ['s', '2026-01-01']],
    ],
  );
  const a = db.createNode(['Allocation'], [['amount', ['s', '7']]]);
  const b = db.createNode(['Allocation'], [['amount', ['s', '3']]]);
  db.createRelationship('OF', a, offering, []);
  db.createRelationship('OF', b, offering, []);
  db.createRelationship('SELF', a, a, [['w', ['f', 'NaN']]]);
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'resolved',
    (e: unknown) => (e instanceof CodedError ? e.code : `uncoded ${String(e)}`),
  );
}

function setup(
  options: Partial<BlueGreenOptions> = {},
  wrap: (uri: string, db: GraphDatabase) => GraphDatabase = (_uri, db) => db,
  wrapConsumers: (consumers: Neo4jConsumers, blue: InMemoryGraphDatabase) => Neo4jConsumers = (consumers) => consumers,
) {
  const servers = new InMemoryGraphServers();
  const blue = new InMemoryGraphDatabase(BLUE.boltUri, BLUE.version);
  seed(blue);
  const fleet = new InMemoryNeo4jFleet(servers);
  fleet.adopt({ ...BLUE, imageId: 'ami-old', color: 'blue' }, blue);
  fleet.images.set('ami-new', '5.26.19');
  fleet.images.set('ami-dead', '5.26.19');
  fleet.unreachableImages.add('ami-dead');
  const pointer = new InMemoryConnectionPointerStore();
  const ecs = new InMemoryEcsServices();
  const graphs: GraphDatabaseFactory = { connect: (uri) => wrap(uri, servers.connect(uri)) };
  const migrator = new BlueGreenMigrator(
    {
      fleet,
      graphs,
      pointer,
      consumers: wrapConsumers(
        new EcsNeo4jConsumers(ecs, [{ cluster: 'dco', serviceName: 'dco-runner' }], { rolloutTimeoutMs: 1_000 }),
        blue,
      ),
      backups: new InMemoryBackupStore(),
      signer: testBackupSigner,
      clock: { now: () => new Date('2026-01-01T00:00:00Z') },
    },
    {
      initialEndpoint: BLUE,
      retireGraceMs: 60_000,
      readyTimeoutMs: 1_000,
      freezeDrainMs: 0,
      onSourceChanged: 'recopy-frozen',
      pageSize: 2,
      batchSize: 2,
      ...options,
    },
  );
  const serviceUri = async () =>
    (await new EcsNeo4jConsumers(ecs, [{ cluster: 'dco', serviceName: 'dco-runner' }]).currentUris())['dco/dco-runner'];
  const ready = (async () => {
    await ecs.ensureCluster('dco');
    const td = await ecs.registerTaskDefinition({
      family: 'dco-runner',
      image: 'dco:1',
      environment: { NEO4J_URI: BLUE.boltUri },
    });
    await ecs.createService({ cluster: 'dco', serviceName: 'dco-runner', taskDefinition: td.arn, desiredCount: 1 });
  })();
  return { servers, blue, fleet, pointer, migrator, serviceUri, ready };
}

describe('BlueGreenMigrator', () => {
  it('migrates, switches pointer and services to green, keeps blue for the grace period', async () => {
    const { migrator, pointer, servers, serviceUri, fleet, ready } = setup();
    await ready;
    const phases: MigrationProgress[] = [];
    const result = await migrator.migrate({ runId: 'dco-2026-01-01', targetImageId: 'ami-new' }, (p) => phases.push(p));
    expect(result).toMatchObject({
      fromInstanceId: 'i-blue',
      fromVersion: '5.20.0',
      toVersion: '5.26.19',
      nodes: 3,
      relationships: 3,
    });
    const current = await pointer.read();
    expect(current).toMatchObject({
      current: { instanceId: result.toInstanceId },
      writes: 'open',
      previous: { instanceId: 'i-blue' },
    });
    expect(await serviceUri()).toBe(result.boltUri);
    expect(await servers.get(result.boltUri)?.countEntities()).toEqual({ nodes: 3, relationships: 3 });
    expect([...new Set(phases.map((p) => p.phase))]).toEqual(['provision', 'backup', 'restore', 'validate', 'switch']);
    expect(pointer.history.map((p) => `${p.current.instanceId}:${p.writes}`)).toEqual([
      'i-blue:frozen',
      `${result.toInstanceId}:frozen`,
      `${result.toInstanceId}:open`,
    ]);
    expect(fleet.terminated).toEqual([]);
  });

  it('reads blue once: validation compares green with the digest taken while exporting', async () => {
    const blueReads: string[] = [];
    const { migrator, ready } = setup({}, (uri, db) =>
      uri !== BLUE.boltUri
        ? db
        : new Proxy(db, {
            get(target, property, receiver) {
              const value: unknown = Reflect.get(target, property, receiver);
              if (typeof value !== 'function') return value;
              return (...args: unknown[]) => {
                if (property === 'readNodes' || property === 'readRelationships')
                  blueReads.push(`${String(property)}(${args.join(',')})`);
                return (value as (...a: unknown[]) => unknown).apply(target, args);
              };
            },
          }),
    );
    await ready;
    await migrator.migrate({ runId: 'one-read', targetImageId: 'ami-new' });
    // Three node ids in pages of two: two pages of nodes and two of relationships, each read once.
    expect(blueReads).toEqual(['readNodes(0,2)', 'readNodes(2,3)', 'readRelationships(0,2)', 'readRelationships(2,3)']);
  });

  it('answers a redelivered MigrateDb with the same result without provisioning again', async () => {
    const { migrator, fleet, ready } = setup();
    await ready;
    const first = await migrator.migrate({ runId: 'r1', targetImageId: 'ami-new' });
    const again = await migrator.migrate({ runId: 'r1', targetImageId: 'ami-new' });
    expect(again).toEqual(first);
    expect((await fleet.describe()).length).toBe(2);
  });

  it('retires blue at once when the grace period is zero', async () => {
    const { migrator, fleet, pointer, ready } = setup({ retireGraceMs: 0 });
    await ready;
    const phases: string[] = [];
    await migrator.migrate({ runId: 'r1', targetImageId: 'ami-new' }, (p) => phases.push(p.phase));
    expect(fleet.terminated).toEqual(['i-blue']);
    expect((await pointer.read())?.previous).toBeUndefined();
    expect(phases).toContain('retire');
  });

  it('never sends the run back to blue once writes opened on green; the retry answers DbMigrated', async () => {
    const { migrator, pointer, fleet, ready } = setup();
    await ready;
    const setColor = fleet.setColor.bind(fleet);
    fleet.setColor = async () => {
      throw new Error('EC2 is down');
    };
    await expect(migrator.migrate({ runId: 'r1', targetImageId: 'ami-new' })).rejects.toThrow('EC2 is down');
    const after = await pointer.read();
    expect(after).toMatchObject({ writes: 'open', lastMigration: { runId: 'r1' } });
    expect(after?.current.instanceId).not.toBe('i-blue');
    fleet.setColor = setColor;
    expect(await migrator.migrate({ runId: 'r1', targetImageId: 'ami-new' })).toMatchObject({
      toInstanceId: after?.current.instanceId,
    });
    expect(fleet.terminated).toEqual([]);
  });

  it('fails validation without cutover when green lost data, and terminates green', async () => {
    const { migrator, pointer, fleet, serviceUri, ready } = setup({}, (uri, db) =>
      uri === BLUE.boltUri
        ? db
        : Object.assign(Object.create(db) as GraphDatabase, {
            readNodes: async (f: number, t: number) =>
              (await db.readNodes(f, t)).filter((n) => n.labels[0] !== 'Offering'),
          }),
    );
    await ready;
    const error = await migrator.migrate({ runId: 'r1', targetImageId: 'ami-new' }).catch((e: CodedError) => e);
    expect(error).toMatchObject({ code: 'DB.VALIDATION_MISMATCH' });
    expect((error as CodedError).detail).toContain('label Offering: source 1, target 0');
    expect(await pointer.read()).toBeUndefined();
    expect(await serviceUri()).toBe(BLUE.boltUri);
    expect(fleet.terminated).toHaveLength(1);
  });

  it('times out a green that never answers into a rollback that leaves blue serving', async () => {
    const { migrator, pointer, blue, ready } = setup();
    await ready;
    expect(await codeOf(migrator.migrate({ runId: 'r1', targetImageId: 'ami-dead' }))).toBe('DB.PROVISION_FAILED');
    expect(await pointer.read()).toBeUndefined();
    expect(await blue.countEntities()).toEqual({ nodes: 3, relationships: 3 });
  });

  describe('a write to blue during the copy (ADR 0006)', () => {
    const writeOnceDuringBackup = (blueRef: { db?: InMemoryGraphDatabase }) => (uri: string, db: GraphDatabase) => {
      if (uri !== BLUE.boltUri) return db;
      let written = false;
      return Object.assign(Object.create(db) as GraphDatabase, {
        readRelationships: async (f: number, t: number) => {
          const page = await db.readRelationships(f, t);
          if (!written && blueRef.db) {
            written = true;
            blueRef.db.createNode(['Late'], [['at', ['s', 'during backup']]]);
          }
          return page;
        },
      });
    };

    it('is copied to green by a second copy under the write freeze', async () => {
      const ref: { db?: InMemoryGraphDatabase } = {};
      const { migrator, blue, servers, pointer, fleet, ready } = setup({}, writeOnceDuringBackup(ref));
      ref.db = blue;
      await ready;
      const result = await migrator.migrate({ runId: 'r1', targetImageId: 'ami-new' });
      const green = servers.get(result.boltUri) as InMemoryGraphDatabase;
      expect((await green.countEntities()).nodes).toBe(4);
      expect((await green.readNodes(0, 100)).some((n) => n.labels.includes('Late'))).toBe(true);
      expect(fleet.terminated).toHaveLength(1); // the stale first green
      expect(pointer.history[0]).toMatchObject({ current: { instanceId: 'i-blue' }, writes: 'frozen' });
    });

    it('aborts with DB.SOURCE_CHANGED when the policy says so, blue open again', async () => {
      const ref: { db?: InMemoryGraphDatabase } = {};
      const { migrator, blue, fleet, ready } = setup({ onSourceChanged: 'abort' }, writeOnceDuringBackup(ref));
      ref.db = blue;
      await ready;
      expect(await codeOf(migrator.migrate({ runId: 'r1', targetImageId: 'ami-new' }))).toBe('DB.SOURCE_CHANGED');
      expect(await migrator.currentPointer()).toMatchObject({ current: BLUE, writes: 'open' });
      expect(fleet.terminated).toHaveLength(1);
    });
  });

  it('stays on blue when a write reaches it while the consumers roll over to green (marker checked at steady state)', async () => {
    const rollouts: string[] = [];
    // A consumer task of the old revision that ignores the freeze and writes to blue while the rollout drains it.
    const { migrator, blue, fleet, pointer, serviceUri, ready } = setup({}, undefined, (consumers, blueDb) => ({
      pointTo: async (endpoint, context) => {
        rollouts.push(endpoint.boltUri);
        const done = await consumers.pointTo(endpoint, context);
        if (endpoint.boltUri !== BLUE.boltUri) blueDb.createNode(['LateWrite'], [['n', ['i', '1']]]);
        return done;
      },
      currentUris: () => consumers.currentUris(),
    }));
    await ready;
    expect(await codeOf(migrator.migrate({ runId: 'r-late', targetImageId: 'ami-new' }))).toBe('DB.SOURCE_CHANGED');
    // The write stays where it landed: blue serves again with writes open, the consumers are sent back, green goes.
    expect((await blue.readNodes(0, 100)).some((n) => n.labels.includes('LateWrite'))).toBe(true);
    expect(await pointer.read()).toMatchObject({ current: BLUE, writes: 'open' });
    expect(rollouts.at(-1)).toBe(BLUE.boltUri);
    expect(fleet.terminated).toHaveLength(1);
    expect(await serviceUri()).toBe(BLUE.boltUri);
  });

  it('rolls back after the switch: pointer and services on blue, green terminated', async () => {
    const { migrator, pointer, fleet, serviceUri, ready } = setup();
    await ready;
    const migrated = await migrator.migrate({ runId: 'r1', targetImageId: 'ami-new' });
    const rolledBack = await migrator.rollback({ runId: 'r1' });
    expect(rolledBack).toEqual({
      servingInstanceId: 'i-blue',
      boltUri: BLUE.boltUri,
      terminatedInstanceId: migrated.toInstanceId,
    });
    expect(await pointer.read()).toMatchObject({ current: BLUE, writes: 'open' });
    expect(await serviceUri()).toBe(BLUE.boltUri);
    expect(fleet.terminated).toEqual([migrated.toInstanceId]);
    expect(await migrator.rollback({ runId: 'r1' })).toMatchObject({ servingInstanceId: 'i-blue' });
  });

  it('cannot roll back once blue is retired', async () => {
    const { migrator, ready } = setup({ retireGraceMs: 0 });
    await ready;
    await migrator.migrate({ runId: 'r1', targetImageId: 'ami-new' });
    expect(await codeOf(migrator.rollback({ runId: 'r1' }))).toBe('DB.ROLLBACK_FAILED');
  });

  it('rolls back a migration that never switched by terminating its green', async () => {
    const { migrator, fleet, ready } = setup();
    await ready;
    await fleet.provision('ami-new', { clientToken: 'r9-green-1' });
    const result = await migrator.rollback({ runId: 'r9' });
    expect(result).toMatchObject({
      servingInstanceId: 'i-blue',
      terminatedInstanceId: expect.stringMatching(/^i-mem/),
    });
    expect((await fleet.describe()).map((i) => i.instanceId)).toEqual(['i-blue']);
  });

  describe("blue's ledger write fence (ADR 0006)", () => {
    /** A ledger write on the fake server as the Neo4j ledger makes one: 'written' or the refusal's code. */
    const ledgerWrite = (db: InMemoryGraphDatabase | undefined, accountId: string) =>
      codeOf(Promise.resolve().then(() => db?.ledgerWrite(['Account'], [['accountId', ['s', accountId]]])));
    /** The fence as the ledger's schema migration 5 creates it, open. */
    const fenceOn = (db: InMemoryGraphDatabase) =>
      db.createNode(
        [LEDGER_WRITE_FENCE.label],
        [
          ['closed', ['b', false]],
          ['name', ['s', LEDGER_WRITE_FENCE.name]],
          ['writes', ['i', '0']],
        ],
      );

    it('is closed at the switch: a runner that missed the pointer is refused by blue itself, green takes the write', async () => {
      const { migrator, blue, servers, ready } = setup();
      await ready;
      fenceOn(blue);
      expect(await ledgerWrite(blue, 'before')).toBe('resolved');
      const result = await migrator.migrate({ runId: 'r-fence', targetImageId: 'ami-new' });
      expect(await ledgerWrite(blue, 'stale')).toBe('DB.WRITES_FROZEN');
      expect(await ledgerWrite(servers.get(result.boltUri), 'follows')).toBe('resolved');
      expect((await blue.readNodes(0, 100)).some((n) => n.props.some(([, v]) => v[1] === 'stale'))).toBe(false);
    });

    it('stays on blue, its fence open, when blue counted a ledger write after the copy that green lacks', async () => {
      const late: { blue?: InMemoryGraphDatabase } = {};
      // A runner that ignores the pointer writes to blue after the last marker check, just before the close.
      const { migrator, blue, pointer, fleet, ready } = setup({}, (uri, db) =>
        uri === BLUE.boltUri
          ? db
          : Object.assign(Object.create(db) as GraphDatabase, {
              openLedgerWrites: async () => {
                const copied = await db.openLedgerWrites();
                late.blue?.ledgerWrite(['Account'], [['accountId', ['s', 'slipped-in']]]);
                return copied;
              },
            }),
      );
      late.blue = blue;
      await ready;
      fenceOn(blue);
      expect(await codeOf(migrator.migrate({ runId: 'r-slip', targetImageId: 'ami-new' }))).toBe('DB.SOURCE_CHANGED');
      expect(await pointer.read()).toMatchObject({ current: BLUE, writes: 'open' });
      expect(fleet.terminated).toHaveLength(1);
      expect(await ledgerWrite(blue, 'after')).toBe('resolved');
    });

    it('opens again when opening writes on green fails after the close: blue serves and takes ledger writes', async () => {
      const { migrator, blue, pointer, ready } = setup();
      await ready;
      const write = pointer.write.bind(pointer);
      pointer.write = async (next) => {
        if (next.writes === 'open' && next.current.instanceId !== BLUE.instanceId)
          throw new Error('pointer store down');
        return write(next);
      };
      expect(await codeOf(migrator.migrate({ runId: 'r-open-fails', targetImageId: 'ami-new' }))).toBe(
        'DB.SWITCH_FAILED',
      );
      expect(await pointer.read()).toMatchObject({ current: BLUE, writes: 'open' });
      expect(await ledgerWrite(blue, 'after')).toBe('resolved');
    });

    it('opens again on rollback, leaving blue as it was when the switch created the fence', async () => {
      const { migrator, blue, ready } = setup();
      await ready;
      const before = await blue.countEntities();
      await migrator.migrate({ runId: 'r-back', targetImageId: 'ami-new' });
      expect(await blue.countEntities()).toEqual({ ...before, nodes: before.nodes + 1 });
      await migrator.rollback({ runId: 'r-back' });
      expect(await blue.countEntities()).toEqual(before);
      expect(await ledgerWrite(blue, 'after-rollback')).toBe('resolved');
    });

    it('after a migrator stopped between the close and opening green: rollback, or the redelivered command, opens blue first', async () => {
      for (const recover of ['rollback', 'migrate', 'migrate-fails'] as const) {
        const { migrator, blue, pointer, fleet, servers, ready } = setup();
        await ready;
        fenceOn(blue);
        // The state such a stop leaves: green provisioned, the pointer frozen on it with blue as previous, blue fenced.
        const green = await fleet.provision('ami-new', { clientToken: `r-stop-green-1` });
        await pointer.write({
          current: { instanceId: green.instanceId, boltUri: green.boltUri, version: green.version },
          previous: { ...BLUE, retireAfter: '2026-01-02T00:00:00.000Z' },
          writes: 'frozen',
          generation: 5,
          updatedAt: '2026-01-01T00:00:00.000Z',
        });
        await blue.closeLedgerWrites({
          closedBy: 'r-stop',
          closedAt: '2026-01-01T00:00:00.000Z',
          expectedWrites: 0,
          generation: 5,
        });
        if (recover === 'rollback') {
          await migrator.rollback({ runId: 'r-stop' });
          expect(await pointer.read()).toMatchObject({ current: BLUE, writes: 'open' });
          expect(await ledgerWrite(blue, 'rolled-back')).toBe('resolved');
        } else if (recover === 'migrate-fails') {
          // The redelivered command fails too (its green stops answering): blue serves again, and takes ledger writes.
          (servers.get(green.boltUri) as InMemoryGraphDatabase).reachable = false;
          expect(await codeOf(migrator.migrate({ runId: 'r-stop', targetImageId: 'ami-new' }))).toBe('DB.UNREACHABLE');
          expect(await pointer.read()).toMatchObject({ current: BLUE, writes: 'open' });
          expect(await ledgerWrite(blue, 'after-failed-retry')).toBe('resolved');
        } else {
          const result = await migrator.migrate({ runId: 'r-stop', targetImageId: 'ami-new' });
          // The copy carried an open fence to green: green takes ledger writes, blue (closed again) does not.
          expect(await ledgerWrite(servers.get(result.boltUri), 'on-green')).toBe('resolved');
          expect(await ledgerWrite(blue, 'stale')).toBe('DB.WRITES_FROZEN');
        }
      }
    });
  });
});
