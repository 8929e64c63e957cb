// The ConnectionPointerStore contract on an SSM parameter of the local AWS emulator, and S3 backups round-tripping through it.
import { Readable } from 'node:stream';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import { CodedError } from '@dco/contracts';
import { localEmulatorOptions } from '@dco/aws';
import { S3BackupStore } from '../backup/s3-backup-store.adapter';
import { BackupWriter, verifyBackup } from '../backup/backup-file.format';
import { connectionPointerContract } from './connection-pointer.contract';
import { SsmConnectionPointerStore } from './ssm-connection-pointer.adapter';
import { testBackupSigner } from '../testing/test-backup-signer.fixture';

const aws = localEmulatorOptions();
const ssm = new SSMClient(aws);
const s3 = new S3Client({ ...aws, forcePathStyle: true });
let sequence = 0;
afterAll(() => {
  ssm.destroy();
  s3.destroy();
});

connectionPointerContract(
  'SSM parameter',
  async () => new SsmConnectionPointerStore(ssm, `/dco/test/${Date.now().toString(36)}-${++sequence}/neo4j-pointer`),
  20_000,
);

describe('S3 backup store on the emulator', () => {
  it('stores a backup and reads it back verified; a missing key is reported', async () => {
    const bucket = `dco-backups-${Date.now().toString(36)}`;
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const store = new S3BackupStore(s3, bucket);
    const artifact = store.create('run-1/blue.backup.gz');
    const writer = new BackupWriter(
      artifact.stream,
      {
        createdAt: new Date().toISOString(),
        source: { uri: 'bolt://x', serverVersion: '5.20.0', changeMarker: 'm' },
      },
      testBackupSigner,
    );
    await writer.node({ id: '0', labels: ['A'], props: [['s', ['s', 'ü']]] });
    const footer = await writer.finish();
    await artifact.commit();
    expect(await store.exists('run-1/blue.backup.gz')).toBe(true);
    expect(await store.exists('run-1/other.backup.gz')).toBe(false);
    expect((await verifyBackup(store.open('run-1/blue.backup.gz'), testBackupSigner)).footer).toEqual(footer);
    const missing = await verifyBackup(store.open('run-1/other.backup.gz') as Readable, testBackupSigner).catch(
      (e: unknown) => e,
    );
    expect((missing as CodedError).code).toBe('DB.BACKUP_CORRUPT');
  });
});
