// The in-memory registry passes the contract the npm HTTP adapter passes against Verdaccio.
import { packageRegistryContract } from './package-registry.contract';
import { InMemoryPackageRegistry } from './package-registry.port';

packageRegistryContract('in memory', async () => {
  const registry = new InMemoryPackageRegistry();
  return { registry, seeder: registry };
});
