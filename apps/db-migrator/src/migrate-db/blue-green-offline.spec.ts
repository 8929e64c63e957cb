// Unit specs of the migrator's offline path on in-memory servers: the bulk backup is complete before green is filled, the
// restorer is chosen by restoreMode, and green is validated strictly (restore bookkeeping left on it fails the migration).
import { CodedError } from '@dco/contracts';
import {
  BackupStore,
  exportGraph,
  InMemoryBackupStore,
  InMemoryConnectionPointerStore,
  InMemoryGraphDatabase,
  InMemoryGraphServers,
  InMemoryNeo4jFleet,
  Neo4jInstance,
  pointerOnlyConsumers,
  readBulkManifest,
  restoreGraph,
} from '@dco/neo4j';
import { BlueGreenMigrator, OfflineGreenRestorer } from './blue-green-migrator';
import { testBackupSigner } from '../../../../libs/neo4j/src/testing/test-backup-signer.fixture';

const BLUE = { instanceId: 'i-blue', boltUri: 'memory://i-blue', version: '5.20.0' };

/**
 * Stands in for neo4j-admin (which needs a real server, see libs/neo4j/src/bulk/offline-import.int-spec.ts): checks that
 * the bulk backup is complete, then fills green with blue's graph, optionally leaving the restore's bookkeeping behind.
 */
class FakeRestorer implements OfflineGreenRestorer {
  readonly calls: Array<{ green: string; prefix: string; nodes: number }> = [];
  constructor(
    private readonly servers: InMemoryGraphServers,
    private readonly blue: InMemoryGraphDatabase,
    private readonly sloppy = false,
  ) {}

  async restore(green: Neo4jInstance, backups: BackupStore, prefix: string): Promise<{ phases: { import: number } }> {
    const manifest = await readBulkManifest(backups, prefix, testBackupSigner);
    this.calls.push({ green: green.instanceId, prefix, nodes: manifest.nodes });
    const scratch = new InMemoryBackupStore();
    const artifact = scratch.create('copy');
    await exportGraph(this.blue, artifact.stream, { signer: testBackupSigner });
    await artifact.commit();
    const target = this.servers.get(green.boltUri) as InMemoryGraphDatabase;
    await restoreGraph(target, () => scratch.open('copy'), { signer: testBackupSigner, keepBookkeeping: this.sloppy });
    return { phases: { import: 0.25 } };
  }
}

function setup(sloppy = false, restoreMode: 'offline-import' | 'online' = 'offline-import') {
  const servers = new InMemoryGraphServers();
  const blue = new InMemoryGraphDatabase(BLUE.boltUri, BLUE.version);
  const a = blue.createNode(['A'], [['e', ['l', []]]]);
  const b = blue.createNode(['B'], [['s', ['s', 'x\ny']]]);
  blue.createRelationship('R', a, b, [['y', ['y', 'AQ==']]]);
  const fleet = new InMemoryNeo4jFleet(servers);
  fleet.adopt({ ...BLUE, imageId: 'ami-old', color: 'blue' }, blue);
  fleet.images.set('ami-new', '5.26.19');
  const restorer = new FakeRestorer(servers, blue, sloppy);
  const backups = new InMemoryBackupStore();
  const logged: string[] = [];
  const migrator = new BlueGreenMigrator(
    {
      fleet,
      graphs: servers,
      pointer: new InMemoryConnectionPointerStore(),
      consumers: pointerOnlyConsumers,
      backups,
      signer: testBackupSigner,
      clock: { now: () => new Date('2026-01-01T00:00:00Z') },
      offlineRestorer: restorer,
      log: (message) => logged.push(message),
    },
    {
      initialEndpoint: BLUE,
      retireGraceMs: 60_000,
      readyTimeoutMs: 1_000,
      freezeDrainMs: 0,
      onSourceChanged: 'recopy-frozen',
      pageSize: 1,
      restoreMode,
    },
  );
  return { migrator, restorer, fleet, backups, blue, logged };
}

describe('BlueGreenMigrator (offline-import)', () => {
  it('exports a complete bulk backup, has green filled from it, validates and switches', async () => {
    const { migrator, restorer, backups, logged } = setup();
    const result = await migrator.migrate({ runId: 'run-1', targetImageId: 'ami-new' });
    expect(result).toMatchObject({ nodes: 2, relationships: 1, fromVersion: '5.20.0', toVersion: '5.26.19' });
    expect(restorer.calls).toEqual([{ green: result.toInstanceId, prefix: 'run-1/i-blue-attempt-1.bulk', nodes: 2 }]);
    expect([...backups.objects.keys()].filter((k) => k.endsWith('.csv.gz')).length).toBeGreaterThan(0);
    // How long each step took, for an operator: the backup, the import with the restorer's phases, the validation.
    expect(logged).toEqual([
      expect.stringMatching(
        /^blue i-blue backed up as run-1\/i-blue-attempt-1\.bulk: 2 nodes, 1 relationships in \d+ parts, \d+\.\d s$/,
      ),
      expect.stringMatching(
        new RegExp(
          `^green ${result.toInstanceId} filled by the offline import of .* in \\d+\\.\\d s \\(import 0\\.3 s\\)$`,
        ),
      ),
      expect.stringMatching(new RegExp(`^green ${result.toInstanceId} validated against blue in \\d+\\.\\d s$`)),
    ]);
  });

  it('fails validation when the restore left bookkeeping on green, and terminates green without switching', async () => {
    const { migrator, fleet } = setup(true);
    const error = await migrator.migrate({ runId: 'run-2', targetImageId: 'ami-new' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CodedError);
    expect((error as CodedError).code).toBe('DB.VALIDATION_MISMATCH');
    expect((error as CodedError).detail).toContain('__dcoRestored');
    expect((await fleet.describe()).map((i) => i.instanceId)).toEqual([BLUE.instanceId]);
  });

  it('keeps the online path when restoreMode is online, whatever restorer is wired', async () => {
    const { migrator, restorer } = setup(false, 'online');
    await migrator.migrate({ runId: 'run-3', targetImageId: 'ami-new' });
    expect(restorer.calls).toEqual([]);
  });

  it('backs blue up while green is being provisioned', async () => {
    const { migrator, fleet } = setup();
    let backupStarted!: () => void;
    const backupSeen = new Promise<void>((resolve) => (backupStarted = resolve));
    const provision = fleet.provision.bind(fleet);
    // Green becomes ready only once the backup has started: a migrator that waited for green first would never finish.
    fleet.provision = async (...args) => {
      await backupSeen;
      return provision(...args);
    };
    const result = await migrator.migrate({ runId: 'run-4', targetImageId: 'ami-new' }, (p) => {
      if (p.phase === 'backup') backupStarted();
    });
    expect(result).toMatchObject({ nodes: 2, relationships: 1 });
  }, 5_000);

  it('terminates the green provisioned meanwhile when the backup fails, and leaves blue serving', async () => {
    const { migrator, fleet, blue } = setup();
    blue.readNodes = () => Promise.reject(new Error('blue went away'));
    const error = await migrator.migrate({ runId: 'run-5', targetImageId: 'ami-new' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CodedError);
    expect((error as CodedError).code).toBe('DB.BACKUP_FAILED');
    expect((await fleet.describe()).map((i) => i.instanceId)).toEqual([BLUE.instanceId]);
  });

  it('fails with the provisioning error once the backup is done, when green cannot be provisioned', async () => {
    const { migrator, fleet, backups } = setup();
    fleet.provision = () => Promise.reject(new CodedError('DB.PROVISION_FAILED', 'no capacity'));
    const error = await migrator.migrate({ runId: 'run-6', targetImageId: 'ami-new' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as CodedError).code).toBe('DB.PROVISION_FAILED');
    // The backup was written whole (a resume reuses it), not left half-written by the failure next to it.
    expect(await backups.exists('run-6/i-blue-attempt-1.bulk/manifest.json')).toBe(true);
    expect((await fleet.describe()).map((i) => i.instanceId)).toEqual([BLUE.instanceId]);
  });
});
