// The EC2 fleet's offline restore on real parts: a bulk export of 5.20.0 into S3 (the emulator's), then the instance
// import script green's machine runs (here an emulated instance: bash with the AMI's aws, systemctl and neo4j-admin),
// 5.26.19's own neo4j-admin into green's store, and the schema and the patch over Bolt. Private servers only: it stops
// and starts green.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CodedError } from '@dco/contracts';
import { localEmulatorOptions } from '@dco/aws';
import { isProcessAlive } from '@dco/probes';
import { awsCliEnv, stackEndpoints, standardTools } from '@dco/testing';
import { S3BackupStore } from '../backup/s3-backup-store.adapter';
import { BoltGraphDatabase } from '../bolt/bolt-graph-database.adapter';
import { probeBolt } from '../bolt/bolt-probe';
import { Neo4jProcess, Neo4jProcessSpec, stopNeo4jProcess } from '../fleet/neo4j-process.launcher';
import { EmulatedInstanceCommands } from '../testing/emulated-instance.commands';
import { ScratchServer } from '../testing/scratch-servers';
import { startOfflineRestoreServers } from '../testing/offline-restore-servers.fixture';
import { testBackupSigner } from '../testing/test-backup-signer.fixture';
import { validateGraphs } from '../transfer/validate-graph';
import { BoltBlockReader } from './bolt-block.reader';
import { exportBulk } from './bulk-export';
import { InstanceOfflineGreenRestorer } from './instance-offline-restore';
import { recordedPid } from './offline-import';

jest.setTimeout(240_000);

describe('offline restore on green instance (the instance import script, as SSM Run Command would run it)', () => {
  const aws = localEmulatorOptions();
  const s3 = new S3Client({ ...aws, forcePathStyle: true });
  const bucket = `dco-instance-import-${Date.now().toString(36)}`;
  const instanceId = 'i-0123456789abcdef0';
  let dir: string;
  let blueServer: ScratchServer;
  let blue: BoltGraphDatabase;
  let green: Neo4jProcess;
  let greenSpec: Neo4jProcessSpec;
  let machine: EmulatedInstanceCommands;
  let store: S3BackupStore;
  let restorer: InstanceOfflineGreenRestorer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dco-instance-import-'));
    ({ blueServer, blue, green, greenSpec } = await startOfflineRestoreServers(dir, 40));
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    store = new S3BackupStore(s3, bucket);
    const reader = new BoltBlockReader(blueServer.boltUri, blueServer.credentials);
    await exportBulk(blue, store, 'run-1', { signer: testBackupSigner, reader }).finally(() => reader.close());
    machine = new EmulatedInstanceCommands(instanceId, greenSpec, {
      cli: standardTools().aws,
      endpoint: stackEndpoints().aws.endpoint,
      env: awsCliEnv(),
    });
    restorer = new InstanceOfflineGreenRestorer({
      commands: machine,
      credentials: green.credentials,
      probe: (boltUri, version) => probeBolt(boltUri, version, green.credentials),
      importDir: join(dir, 'instance-import'),
      readyTimeoutMs: 120_000,
    });
  }, 240_000);

  afterAll(async () => {
    await blue?.close();
    await blueServer?.dispose();
    const pid = greenSpec ? recordedPid(greenSpec.home) : undefined;
    if (pid) await stopNeo4jProcess(pid, { discardStore: true });
    machine?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
    s3.destroy();
  });

  const greenTarget = { instanceId, boltUri: '', version: '5.26.19' };

  /**
   * Copies run-1's backup to `prefix` with the first part `pick` names replaced by `body` (or left out without one),
   * restores the copy, and returns the refusal's detail once it has shown that green was neither stopped nor imported into.
   */
  async function refusedCopy(prefix: string, pick: (file: string) => boolean, body?: Buffer) {
    const before = recordedPid(greenSpec.home);
    const manifest = JSON.parse((await read('run-1/manifest.json')).toString('utf8')) as { parts: { file: string }[] };
    const edited = manifest.parts.map((p) => p.file).find(pick);
    for (const key of ['manifest.json', 'patch.jsonl.gz', ...manifest.parts.map((p) => p.file)]) {
      if (key === edited && !body) continue;
      const content = key === edited && body ? body : await read(`run-1/${key}`);
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `neo4j-backups/${prefix}/${key}`, Body: content }));
    }
    const error = await restorer
      .restore({ ...greenTarget, boltUri: green.boltUri }, store, prefix, testBackupSigner)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(CodedError);
    expect((error as CodedError).code).toBe('DB.BACKUP_CORRUPT');
    expect(recordedPid(greenSpec.home)).toBe(before);
    expect(before !== undefined && isProcessAlive(before)).toBe(true);
    return { detail: (error as CodedError).detail ?? '', edited };
  }

  it('fails a damaged part with DB.BACKUP_CORRUPT on the instance, before green is stopped or anything imported', async () => {
    // One part's bytes replaced in S3 (its manifest, and the sha256 in it, unchanged).
    const { detail } = await refusedCopy(
      'damaged',
      (file) => file === 'nodes-0001.csv.gz',
      Buffer.from('not the exported part'),
    );
    expect(detail).toContain('differs from its sha256');
  });

  it('fails a part missing from S3 with DB.BACKUP_CORRUPT naming it, before green is stopped or anything imported', async () => {
    // One part left out (the manifest still names it).
    const { detail, edited } = await refusedCopy('missing', (file) => file.startsWith('relationships'));
    expect(detail).toContain(`the part ${edited} cannot be fetched: nothing was imported`);
  });

  it('pulls, checks and imports on the instance, restarts green, and leaves exactly the source graph', async () => {
    const before = recordedPid(greenSpec.home);
    const result = await restorer.restore({ ...greenTarget, boltUri: green.boltUri }, store, 'run-1', testBackupSigner);
    expect(result.patchEntries).toBeGreaterThanOrEqual(3);
    // The instance's unit stopped green and started it again on its home: another process, the same Bolt URI.
    const after = recordedPid(greenSpec.home);
    expect(after).not.toBe(before);
    expect(before !== undefined && isProcessAlive(before)).toBe(false);
    const script = machine.scripts.at(-1) ?? '';
    expect(script).toContain(`aws s3 cp --only-show-errors --recursive 's3://${bucket}/neo4j-backups/run-1/' "$dir"`);
    expect(script).toContain('neo4j-admin database import full neo4j --overwrite-destination=true');
    const target = new BoltGraphDatabase(green.boltUri, green.credentials);
    try {
      const validation = await validateGraphs(blue, target);
      expect(validation.verdict.equal).toBe(true);
      expect(validation.target.nodes).toBe(validation.source.nodes);
      const schema = (await target.schemaStatements()).join('\n');
      expect(schema).toContain('offering_day');
      expect(schema).not.toContain('__dco');
      expect(await target.readRestoreProgress()).toBeUndefined();
    } finally {
      await target.close();
    }
  });

  it('resumes by running the import again over the store it wrote', async () => {
    await restorer.restore({ ...greenTarget, boltUri: green.boltUri }, store, 'run-1', testBackupSigner);
    const target = new BoltGraphDatabase(green.boltUri, green.credentials);
    try {
      expect((await validateGraphs(blue, target)).verdict.equal).toBe(true);
    } finally {
      await target.close();
    }
  });

  async function read(key: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of store.open(key)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }
});
