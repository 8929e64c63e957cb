// The package registry port (npm's HTTP API): what a package publishes and the advisories on installed versions (ADR 0029).
import { Advisory, PublishedPackage } from './domain/update-policy';
import { parsePackageName } from './domain/package-name';

export interface PackageRegistry {
  /** Where it asks, for messages. */
  readonly where: string;
  /** The package as published, or undefined when the registry does not know it. */
  packument(name: string, signal?: AbortSignal): Promise<PublishedPackage | undefined>;
  /** The advisories of each package that cover any of its given versions (packages without any are left out). */
  advisories(installed: Record<string, string[]>, signal?: AbortSignal): Promise<Record<string, Advisory[]>>;
}

/** The in-memory registry of unit specs: what its seeder published, deprecated and advised, answered as the real one. */
export class InMemoryPackageRegistry implements PackageRegistry {
  readonly where = 'in-memory registry';
  private readonly packages = new Map<string, PublishedPackage>();
  private readonly advised = new Map<string, Advisory[]>();

  async publish(name: string, version: string): Promise<void> {
    const existing = this.packages.get(name) ?? { name, versions: {} };
    existing.versions[version] = {};
    existing.latest = version;
    this.packages.set(name, existing);
  }

  async deprecate(name: string, version: string, message: string): Promise<void> {
    const manifest = this.packages.get(name)?.versions[version];
    if (manifest) manifest.deprecated = message;
  }

  async advise(name: string, advisory: Advisory): Promise<void> {
    this.advised.set(name, [...(this.advised.get(name) ?? []), advisory]);
  }

  async packument(name: string): Promise<PublishedPackage | undefined> {
    parsePackageName(name, this.where);
    const found = this.packages.get(name);
    return found && structuredClone(found);
  }

  async advisories(installed: Record<string, string[]>): Promise<Record<string, Advisory[]>> {
    const result: Record<string, Advisory[]> = {};
    for (const name of Object.keys(installed)) {
      parsePackageName(name, this.where);
      const advisories = this.advised.get(name);
      if (advisories?.length) result[name] = structuredClone(advisories);
    }
    return result;
  }
}
