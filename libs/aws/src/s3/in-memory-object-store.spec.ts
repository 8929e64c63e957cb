// The in-memory ObjectStore keeps the contract the S3 adapter keeps on the emulator.
import { InMemoryObjectStore } from './in-memory-object-store.fake';
import { objectStoreContract } from './object-store.contract';

objectStoreContract('in memory', async () => {
  const store = new InMemoryObjectStore();
  return { store, peer: store };
});
