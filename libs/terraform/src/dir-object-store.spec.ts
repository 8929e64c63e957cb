// The directory ObjectStore keeps the object-store contract within one process.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { objectStoreContract } from '../../aws/src/s3/object-store.contract';
import { DirObjectStore } from './dir-object-store.adapter';

objectStoreContract('a directory', async () => {
  const store = new DirObjectStore(mkdtempSync(join(tmpdir(), 'dco-dir-store-')));
  return { store, peer: store };
});
