// Runs the SecretStore contract against the in-memory fake.
import { InMemorySecretStore } from './in-memory-secret-store.fake';
import { secretStoreContract } from './secret-store.contract';

secretStoreContract('in-memory fake', async () => {
  const store = new InMemorySecretStore();
  return { store, put: async (secretId, value) => store.put(secretId, value) };
});
