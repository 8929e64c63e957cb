// The ObjectStore contract on the stack's moto S3: fails if the emulator's version ignores If-None-Match / If-Match.
import { S3Client } from '@aws-sdk/client-s3';
import { localEmulatorOptions } from '../aws-client.config';
import { objectStoreContract } from './object-store.contract';
import { S3ObjectStore } from './s3-object-store.adapter';

const s3 = S3ObjectStore.client(localEmulatorOptions());
const bucket = `dco-objects-${Date.now().toString(36)}`;
let test = 0;
const peers: S3Client[] = [];
afterAll(() => [s3, ...peers].forEach((client) => client.destroy()));

objectStoreContract(
  'S3 on the emulator',
  async () => {
    // Each test its own prefix; the peer is a second store (its own client) over the same objects.
    const prefix = `t${++test}/`;
    const store = new S3ObjectStore(s3, { bucket, prefix });
    await store.ensureBucket();
    const peer = S3ObjectStore.client(localEmulatorOptions());
    peers.push(peer);
    return { store, peer: new S3ObjectStore(peer, { bucket, prefix }) };
  },
  20_000,
);

describe('S3ObjectStore', () => {
  it('rejects an invalid bucket or prefix', () => {
    expect(() => new S3ObjectStore(s3, { bucket: 'Bad_Bucket' })).toThrow(/invalid bucket/);
    expect(() => new S3ObjectStore(s3, { bucket: 'ok-bucket', prefix: '../up' })).toThrow(/invalid object key/);
  });
});
