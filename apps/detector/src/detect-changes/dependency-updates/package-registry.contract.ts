// One contract for every PackageRegistry: the in-memory one (unit spec) and the npm HTTP adapter against Verdaccio (int-spec).
import { randomBytes } from 'node:crypto';
import { Advisory } from './domain/update-policy';
import { PackageRegistry } from './package-registry.port';

/** Puts packages, deprecations and advisories where the registry under test reads them. */
export interface RegistrySeeder {
  publish(name: string, version: string): Promise<void>;
  deprecate(name: string, version: string, message: string): Promise<void>;
  advise(name: string, advisory: Advisory): Promise<void>;
}

export function packageRegistryContract(
  label: string,
  setup: () => Promise<{ registry: PackageRegistry; seeder: RegistrySeeder }>,
): void {
  describe(`PackageRegistry contract: ${label}`, () => {
    let registry: PackageRegistry;
    let seeder: RegistrySeeder;
    // Unique names: a shared registry keeps what earlier runs published.
    const unique = (base: string) => `${base}-${randomBytes(4).toString('hex')}`;

    beforeAll(async () => {
      ({ registry, seeder } = await setup());
    });

    it('answers a published package with its versions and latest tag', async () => {
      const name = unique('contract-pkg');
      await seeder.publish(name, '1.0.0');
      await seeder.publish(name, '1.1.0');
      const found = await registry.packument(name);
      expect(found).toEqual({ name, versions: { '1.0.0': {}, '1.1.0': {} }, latest: '1.1.0' });
    });

    it('answers a scoped package', async () => {
      const name = `@dco-contract/${unique('scoped')}`;
      await seeder.publish(name, '0.1.0');
      await expect(registry.packument(name)).resolves.toMatchObject({ name, latest: '0.1.0' });
    });

    it('carries a deprecated version with its message', async () => {
      const name = unique('contract-deprecated');
      await seeder.publish(name, '2.0.0');
      await seeder.publish(name, '2.0.1');
      await seeder.deprecate(name, '2.0.0', 'use 2.0.1');
      const found = await registry.packument(name);
      expect(found?.versions).toEqual({ '2.0.0': { deprecated: 'use 2.0.1' }, '2.0.1': {} });
    });

    it('answers undefined for a package it does not know', async () => {
      await expect(registry.packument(unique('never-published'))).resolves.toBeUndefined();
    });

    it('answers the advisories of the asked packages only', async () => {
      const advised = unique('contract-advised');
      const clean = unique('contract-clean');
      await seeder.publish(advised, '1.0.0');
      await seeder.publish(clean, '1.0.0');
      const advisory: Advisory = {
        id: 'GHSA-cont-ract-0001',
        title: 'remote code execution',
        severity: 'critical',
        url: 'https://github.com/advisories/GHSA-cont-ract-0001',
        vulnerableVersions: '<1.0.1',
      };
      await seeder.advise(advised, advisory);
      await expect(registry.advisories({ [advised]: ['1.0.0'], [clean]: ['1.0.0'] })).resolves.toEqual({
        [advised]: [advisory],
      });
    });

    it('refuses a name that is not a package name before asking', async () => {
      await expect(registry.packument('../-/whoami')).rejects.toMatchObject({ code: 'DETECT.PACKAGE_NAME_INVALID' });
      await expect(registry.advisories({ 'a b': ['1.0.0'] })).rejects.toMatchObject({
        code: 'DETECT.PACKAGE_NAME_INVALID',
      });
    });
  });
}
