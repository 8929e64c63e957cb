// Backup artifacts in S3: written to a local staging file while streaming, uploaded on commit; read back as a stream.
import { CodedError } from '@dco/contracts';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { BackupStore } from './backup-store.port';

export class S3BackupStore implements BackupStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly prefix = 'neo4j-backups/',
  ) {}

  locate(key: string): string {
    return `s3://${this.bucket}/${this.prefix}${key}`;
  }

  create(key: string) {
    const staging = mkdtempSync(join(tmpdir(), 'dco-backup-'));
    const file = join(staging, 'backup.gz');
    const stream = createWriteStream(file);
    const commit = async () => {
      try {
        await this.s3.send(
          new PutObjectCommand({
            Bucket: this.bucket,
            Key: this.prefix + key,
            Body: createReadStream(file),
            ContentLength: statSync(file).size,
          }),
        );
      } finally {
        rmSync(staging, { recursive: true, force: true });
      }
    };
    return { stream, commit };
  }

  open(key: string): Readable {
    const out = new PassThrough();
    this.s3
      .send(new GetObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }))
      .then((result) => {
        const body = result.Body as Readable | undefined;
        if (!body) throw new CodedError('DB.RESTORE_FAILED', `${this.locate(key)} has no body`);
        body.on('error', (error) => out.destroy(error));
        body.pipe(out);
      })
      .catch((error: Error) => out.destroy(error));
    return out;
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }));
      return true;
    } catch (error) {
      if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
      throw error;
    }
  }
}
