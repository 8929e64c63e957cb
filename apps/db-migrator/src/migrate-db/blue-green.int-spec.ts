// The blue-green migration on real servers: blue 5.20.0 (scratch) -> green 5.26.19 provisioned by the local fleet through the EC2 emulator.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTagsCommand, DescribeInstancesCommand, EC2Client, RegisterImageCommand } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import neo4j, { Driver } from 'neo4j-driver';
import { CodedError, systemClock } from '@dco/contracts';
import { localEmulatorOptions, SdkEcsServices } from '@dco/aws';
import {
  awsHostRuntime,
  boltAuth,
  ConnectionPointer,
  BoltGraphDatabase,
  boltGraphDatabaseFactory,
  checksumOf,
  digestGraph,
  Ec2Neo4jFleet,
  EcsNeo4jConsumers,
  FileBackupStore,
  FileConnectionPointerStore,
  LOCAL_PID_TAG,
  LocalNeo4jHostRuntime,
  LocalOfflineGreenRestorer,
  Neo4jHostRuntime,
  recordedPid,
  probeBolt,
} from '@dco/neo4j';
import { freePort, isProcessAlive } from '@dco/probes';
import { bulkStatement, everyTypeGraphStatements } from '../../../../libs/neo4j/src/testing/every-type-graph.fixture';
import { ScratchServer, startScratchServer } from '../../../../libs/neo4j/src/testing/scratch-servers';
import { createNeo4jDriver, Neo4jDcoLedger } from '@dco/dco';
import { Neo4jLedgerSource } from '../../../dco-runner/src';
import { BlueGreenMigrator, MigrationProgress, OfflineGreenRestorer } from './blue-green-migrator';
import { testBackupSigner } from '../../../../libs/neo4j/src/testing/test-backup-signer.fixture';

const aws = localEmulatorOptions();
const ec2 = new EC2Client(aws);
const ecs = new SdkEcsServices(new ECSClient(aws));
const env = `bg${Date.now().toString(36)}`;
const cluster = `dco-${env}`;
const service = 'dco-runner';
const tags = (record: Record<string, string>) => Object.entries(record).map(([Key, Value]) => ({ Key, Value }));

async function instanceState(instanceId: string): Promise<{ state?: string; tags: Record<string, string> }> {
  const result = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
  const instance = result.Reservations?.[0]?.Instances?.[0];
  return {
    state: instance?.State?.Name,
    tags: Object.fromEntries((instance?.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
  };
}

describe('blue-green migration on real servers', () => {
  let blueServer: ScratchServer;
  let blueDriver: Driver;
  let dir: string;
  let imageId: string;
  let pointer: FileConnectionPointerStore;
  const blueEndpoint = () => ({ instanceId: 'scratch-blue', boltUri: blueServer.boltUri, version: '5.20.0' });

  const migrator = (
    runtime: Neo4jHostRuntime,
    readyTimeoutMs = 120_000,
    offline?: { restorer: OfflineGreenRestorer },
    freezeDrainMs = 200,
  ) =>
    new BlueGreenMigrator(
      {
        fleet: new Ec2Neo4jFleet(ec2, runtime, {
          fleetTags: { 'dco:env': env },
          probe: (boltUri, version) => probeBolt(boltUri, version, blueServer.credentials),
        }),
        // Green gets blue's password from the runtime: one login for both, as a configured migrator has.
        graphs: boltGraphDatabaseFactory(blueServer.credentials),
        credentials: blueServer.credentials,
        pointer,
        consumers: new EcsNeo4jConsumers(ecs, [{ cluster, serviceName: service }], { rolloutTimeoutMs: 60_000 }),
        backups: new FileBackupStore(join(dir, 'backups')),
        signer: testBackupSigner,
        clock: systemClock,
        offlineRestorer: offline?.restorer,
      },
      {
        initialEndpoint: blueEndpoint(),
        restoreMode: offline ? 'offline-import' : 'online',
        retireGraceMs: 600_000,
        readyTimeoutMs,
        freezeDrainMs,
        onSourceChanged: 'recopy-frozen',
        pageSize: 1_000,
        batchSize: 500,
      },
    );
  const serviceUri = async () =>
    (await new EcsNeo4jConsumers(ecs, [{ cluster, serviceName: service }]).currentUris())[`${cluster}/${service}`];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dco-blue-green-'));
    pointer = new FileConnectionPointerStore(join(dir, 'neo4j-pointer.json'));
    blueServer = await startScratchServer('5.20.0');
    blueDriver = neo4j.driver(blueServer.boltUri, boltAuth(blueServer.credentials));
    for (const statement of [...everyTypeGraphStatements, bulkStatement(2_000)])
      await blueDriver.executeQuery(statement.query, statement.params ?? {});
    const image = await ec2.send(new RegisterImageCommand({ Name: `neo4j-5.26.19-${env}` }));
    imageId = image.ImageId ?? '';
    await ec2.send(new CreateTagsCommand({ Resources: [imageId], Tags: tags({ 'dco:neo4j-version': '5.26.19' }) }));
    await ecs.ensureCluster(cluster);
    const td = await ecs.registerTaskDefinition({
      family: `${env}-runner`,
      image: 'dco-runner:1',
      environment: { NEO4J_URI: blueServer.boltUri },
    });
    await ecs.createService({ cluster, serviceName: service, taskDefinition: td.arn, desiredCount: 1 });
  }, 240_000);

  afterAll(async () => {
    await blueDriver?.close();
    await blueServer?.dispose();
    ec2.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('times out a green that never answers into a rollback: blue keeps serving, the instance is terminated', async () => {
    const before = checksumOf(await digestGraph(new BoltGraphDatabase(blueServer.boltUri, blueServer.credentials)));
    const error = await migrator(awsHostRuntime, 3_000)
      .migrate({ runId: `${env}-dead`, targetImageId: imageId })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CodedError);
    expect((error as CodedError).code).toBe('DB.PROVISION_FAILED');
    const pointerNow = await pointer.read();
    expect(
      pointerNow === undefined || (pointerNow.current.boltUri === blueServer.boltUri && pointerNow.writes === 'open'),
    ).toBe(true);
    expect(await serviceUri()).toBe(blueServer.boltUri);
    const terminated = await ec2.send(
      new DescribeInstancesCommand({ Filters: [{ Name: 'tag:dco:client-token', Values: [`${env}-dead-green-1`] }] }),
    );
    expect(terminated.Reservations?.flatMap((r) => r.Instances ?? []).map((i) => i.State?.Name)).toEqual([
      'terminated',
    ]);
    expect(checksumOf(await digestGraph(new BoltGraphDatabase(blueServer.boltUri, blueServer.credentials)))).toBe(
      before,
    );
  });

  it('migrates to 5.26 with a write to blue during the restore present on green, then rolls back', async () => {
    const runtime = new LocalNeo4jHostRuntime({
      homeRoot: join(dir, 'fleet'),
      password: blueServer.credentials.password,
      allocatePort: freePort,
      heapMb: 512,
      pageCacheMb: 128,
      quickStart: true,
    });
    const phases: string[] = [];
    let wrote: Promise<unknown> | undefined;
    const onProgress = (p: MigrationProgress) => {
      phases.push(p.phase);
      if (p.phase === 'restore' && !wrote)
        wrote = blueDriver.executeQuery("CREATE (:LateWrite {at: 'during restore'})");
    };
    const m = migrator(runtime);
    const result = await m.migrate({ runId: env, targetImageId: imageId }, onProgress);
    await wrote;
    expect(result).toMatchObject({ fromVersion: '5.20.0', toVersion: '5.26.19', nodes: 4_010, relationships: 2_007 });

    const current = await pointer.read();
    expect(current).toMatchObject({
      current: { instanceId: result.toInstanceId, boltUri: result.boltUri },
      writes: 'open',
      previous: { instanceId: 'scratch-blue' },
    });
    expect(await serviceUri()).toBe(result.boltUri);
    const green = new BoltGraphDatabase(result.boltUri, blueServer.credentials);
    const greenDriver = neo4j.driver(result.boltUri, boltAuth(blueServer.credentials));
    let greenChecksum: string;
    try {
      const late = await greenDriver.executeQuery('MATCH (n:LateWrite) RETURN n.at AS at');
      expect(late.records.map((r) => r.get('at'))).toEqual(['during restore']);
      greenChecksum = checksumOf(await digestGraph(green));
      expect(result.checksum).toBe(greenChecksum);
    } finally {
      await greenDriver.close();
      await green.close();
    }
    const greenInstance = await instanceState(result.toInstanceId);
    expect(greenInstance).toMatchObject({
      state: 'running',
      tags: { 'dco:color': 'blue', 'dco:neo4j-version': '5.26.19', 'dco:env': env },
    });

    const rolledBack = await m.rollback({ runId: env });
    expect(rolledBack).toEqual({
      servingInstanceId: 'scratch-blue',
      boltUri: blueServer.boltUri,
      terminatedInstanceId: result.toInstanceId,
    });
    expect(await pointer.read()).toMatchObject({ current: { boltUri: blueServer.boltUri }, writes: 'open' });
    // Green held blue exactly, and blue is as it was at the switch again: the ledger write fence the switch created on it
    // (this blue never ran the ledger's schema) went with the rollback.
    expect(checksumOf(await digestGraph(new BoltGraphDatabase(blueServer.boltUri, blueServer.credentials)))).toBe(
      greenChecksum,
    );
    expect(await serviceUri()).toBe(blueServer.boltUri);
    expect((await instanceState(result.toInstanceId)).state).toBe('terminated');
    expect(isProcessAlive(Number(greenInstance.tags[LOCAL_PID_TAG]))).toBe(false);
    expect(phases.filter((p, i) => phases.indexOf(p) === i)).toEqual([
      'provision',
      'backup',
      'restore',
      'validate',
      'switch',
    ]);
  }, 600_000);

  it('migrates by offline import into green (local runtime), equal to blue, and rollback stops the restarted server', async () => {
    const homeRoot = join(dir, 'fleet-offline');
    const server = { heapMb: 512, pageCacheMb: 128, quickStart: true, password: blueServer.credentials.password };
    const runtime = new LocalNeo4jHostRuntime({ homeRoot, allocatePort: freePort, ...server });
    const restorer = new LocalOfflineGreenRestorer({ homeRoot, ...server });
    // The previous test rolled back to blue: the pointer names blue again.
    const m = migrator(runtime, 120_000, { restorer });
    const blueBefore = checksumOf(await digestGraph(new BoltGraphDatabase(blueServer.boltUri, blueServer.credentials)));
    const result = await m.migrate({ runId: `${env}-offline`, targetImageId: imageId });
    expect(result).toMatchObject({ fromVersion: '5.20.0', toVersion: '5.26.19' });
    const green = new BoltGraphDatabase(result.boltUri, blueServer.credentials);
    try {
      expect(checksumOf(await digestGraph(green))).toBe(blueBefore);
      expect(await green.readRestoreProgress()).toBeUndefined();
    } finally {
      await green.close();
    }
    // The offline restore started green again: its tag names the stopped process, its home the live one.
    const restarted = recordedPid(join(homeRoot, result.toInstanceId)) as number;
    expect(isProcessAlive(restarted)).toBe(true);
    await m.rollback({ runId: `${env}-offline` });
    expect((await instanceState(result.toInstanceId)).state).toBe('terminated');
    expect(isProcessAlive(restarted)).toBe(false);
  }, 600_000);

  it('loses no write of a writer that follows the pointer, written in every phase of an offline migration, and none lands on blue after the switch', async () => {
    const homeRoot = join(dir, 'fleet-writes');
    const server = { heapMb: 512, pageCacheMb: 128, quickStart: true, password: blueServer.credentials.password };
    const runtime = new LocalNeo4jHostRuntime({ homeRoot, allocatePort: freePort, ...server });
    const restorer = new LocalOfflineGreenRestorer({ homeRoot, ...server });
    // The dco-runner's own ledger source: it checks the pointer (watched every 500 ms) before each write transaction, so the
    // drain is that interval plus the longest write, as the local profile's 1.5 s.
    const writer = new Neo4jLedgerSource({
      defaultUri: blueServer.boltUri,
      pointer,
      user: blueServer.credentials.user,
      password: blueServer.credentials.password,
      freezeWaitMs: 300_000,
      clock: systemClock,
    });
    const staleDriver = createNeo4jDriver({ uri: blueServer.boltUri, ...blueServer.credentials });
    const stale = new Neo4jDcoLedger(staleDriver);
    const acknowledged: string[] = [];
    const pending: Array<Promise<void>> = [];
    /** Writes one account as a run would, retried the way the bus retries DB.WRITES_FROZEN; resolves once acknowledged. */
    const write = (accountId: string) => {
      const done = (async () => {
        for (;;) {
          try {
            const ledger = await writer.ledger();
            await ledger.upsertAccounts([{ accountId }]);
            acknowledged.push(accountId);
            return;
          } catch (error) {
            if ((error as CodedError).code !== 'DB.WRITES_FROZEN') throw error;
          }
        }
      })();
      pending.push(done);
      return done;
    };
    const written = new Set<string>();
    const afterSwitch = `${env}-w-switch-moved`;
    const onProgress = (p: MigrationProgress) => {
      const key = p.phase === 'switch' && p.done >= 1 ? 'switch-moved' : p.phase;
      if (written.has(key)) return;
      written.add(key);
      void write(`${env}-w-${key}`);
    };
    try {
      const m = migrator(runtime, 120_000, { restorer }, 1_500);
      const result = await m.migrate({ runId: `${env}-writes`, targetImageId: imageId }, (p) => {
        onProgress(p);
      });
      await Promise.all(pending);
      await write(`${env}-w-after`);
      expect([...written]).toEqual(expect.arrayContaining(['backup', 'restore', 'validate', 'switch', 'switch-moved']));
      const accountsOn = async (boltUri: string) => {
        const driver = neo4j.driver(boltUri, boltAuth(blueServer.credentials));
        try {
          const { records } = await driver.executeQuery(
            'MATCH (a:Account) WHERE a.accountId STARTS WITH $prefix RETURN a.accountId AS id',
            { prefix: `${env}-w-` },
          );
          return records.map((r) => String(r.get('id'))).sort();
        } finally {
          await driver.close();
        }
      };
      // Every acknowledged write is on the server that serves now; writes taken after the pointer moved never reached blue.
      expect(await accountsOn(result.boltUri)).toEqual([...acknowledged].sort());
      const onBlue = await accountsOn(blueServer.boltUri);
      expect(onBlue).not.toContain(afterSwitch);
      expect(onBlue).not.toContain(`${env}-w-after`);
      // A runner that missed the pointer and still writes to blue is refused by blue itself: its write fence closed at the
      // switch (ADR 0006). After the rollback blue takes it again.
      const staleCode = () =>
        stale.upsertAccounts([{ accountId: `${env}-w-stale` }]).then(
          () => 'written',
          (error: unknown) => (error instanceof CodedError ? error.code : String(error)),
        );
      expect(await staleCode()).toBe('DB.WRITES_FROZEN');
      expect(await accountsOn(blueServer.boltUri)).toEqual(onBlue);
      // The healer's fail-back writes only the pointer: blue again, a later generation, its fence still closed. The runner
      // that follows the pointer opens the fence (the pointer is the authority), and writes there.
      const switchedPointer = (await pointer.read()) as ConnectionPointer;
      await pointer.write({
        ...switchedPointer,
        current: blueEndpoint(),
        previous: undefined,
        writes: 'open',
        generation: switchedPointer.generation + 1,
        updatedAt: new Date().toISOString(),
      });
      await write(`${env}-w-failed-back`);
      expect(await accountsOn(blueServer.boltUri)).toContain(`${env}-w-failed-back`);
      expect(await staleCode()).toBe('written');
      await writer.close();
      // Green, which the fail-back left running, goes with the rollback of the run.
      await m.rollback({ runId: `${env}-writes` });
      expect((await instanceState(result.toInstanceId)).state).toBe('terminated');
    } finally {
      await writer.close();
      await staleDriver.close();
    }
  }, 600_000);
});
