// The ObjectStore on S3 (real AWS, or the moto emulator through its endpoint) with conditional writes.
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { AwsClientOptions } from '../aws-client.config';
import { assertObjectKey, ObjectStore, StoredObject } from './object-store.port';

export interface S3ObjectStoreOptions {
  bucket: string;
  /** Key prefix, e.g. "infra/local/" (a trailing slash is added when missing; empty = the bucket's root). */
  prefix?: string;
}

export class S3ObjectStore implements ObjectStore {
  readonly bucket: string;
  readonly prefix: string;

  constructor(
    private readonly s3: S3Client,
    options: S3ObjectStoreOptions,
  ) {
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(options.bucket))
      throw new Error(`invalid bucket "${options.bucket}"`);
    this.bucket = options.bucket;
    const prefix = options.prefix ?? '';
    if (prefix) assertObjectKey(prefix.replace(/\/$/, ''));
    this.prefix = prefix && !prefix.endsWith('/') ? `${prefix}/` : prefix;
  }

  /** A client for the options (path-style addressing, which the emulator needs and AWS accepts). */
  static client(options: AwsClientOptions): S3Client {
    return new S3Client({ ...options, forcePathStyle: Boolean(options.endpoint) });
  }

  /** Creates the bucket unless it exists (the local stack; in AWS the bucket is provisioned with the account). */
  async ensureBucket(): Promise<void> {
    try {
      await this.s3.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
      try {
        await this.s3.send(new CreateBucketCommand({ Bucket: this.bucket }));
      } catch (created) {
        const name = (created as Error).name;
        if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw created;
      }
    }
  }

  locate(key: string): string {
    return `s3://${this.bucket}/${this.prefix}${key}`;
  }

  async get(key: string): Promise<StoredObject | undefined> {
    assertObjectKey(key);
    try {
      const result = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }));
      const bytes = await result.Body!.transformToByteArray();
      return { body: Buffer.from(bytes), etag: result.ETag ?? '' };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  async create(key: string, body: Buffer | string): Promise<{ etag: string } | 'exists'> {
    assertObjectKey(key);
    try {
      const result = await this.s3.send(
        new PutObjectCommand({ Bucket: this.bucket, Key: this.prefix + key, Body: body, IfNoneMatch: '*' }),
      );
      return { etag: result.ETag ?? '' };
    } catch (error) {
      // 412: the object exists; 409: a concurrent conditional write to the same key is in flight (S3 may answer either).
      if (statusOf(error) === 412 || statusOf(error) === 409) return 'exists';
      throw error;
    }
  }

  async replace(key: string, body: Buffer | string, etag: string): Promise<{ etag: string } | 'conflict'> {
    assertObjectKey(key);
    try {
      const result = await this.s3.send(
        new PutObjectCommand({ Bucket: this.bucket, Key: this.prefix + key, Body: body, IfMatch: etag }),
      );
      return { etag: result.ETag ?? '' };
    } catch (error) {
      // 412: changed since etag; 404: deleted since; 409: a concurrent conditional write won.
      if ([404, 409, 412].includes(statusOf(error) ?? 0)) return 'conflict';
      throw error;
    }
  }

  async put(key: string, body: Buffer | string): Promise<{ etag: string }> {
    assertObjectKey(key);
    const result = await this.s3.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: this.prefix + key, Body: body }),
    );
    return { etag: result.ETag ?? '' };
  }

  async delete(key: string): Promise<void> {
    assertObjectKey(key);
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }));
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.s3.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.prefix + prefix, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key.slice(this.prefix.length));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys.sort();
  }
}

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}
