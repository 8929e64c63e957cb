// Where backup artifacts live: a local directory or an S3 bucket; streams in both directions so memory stays bounded.
import { Readable, Writable } from 'node:stream';

export interface BackupStore {
  /** A printable location for a key (path or s3:// URL). */
  locate(key: string): string;
  /** A stream to write the backup to; the artifact exists under `key` once the stream has finished (and `commit` resolved). */
  create(key: string): { stream: Writable; commit: () => Promise<void> };
  open(key: string): Readable;
  exists(key: string): Promise<boolean>;
}
