// dependency (from the registry, ADR 0029): what each deployed service runs from npm (its release's lockfile, or the
// build its running image is) against what the package registry publishes: newer versions, deprecations, advisories.
import { dirname, join } from 'node:path';
import { Change, CodedError } from '@dco/contracts';
import { EcsServices } from '@dco/aws';
import { ChangeSource, DetectionContext } from '../change-source.port';
import { DocumentReader } from '../document-reader.port';
import { installedDependencies } from '../dependency-updates/domain/lockfile';
import { ServiceRelease, parseReleaseManifest, runningBuild } from '../dependency-updates/domain/release-manifest';
import { DependencyUpdate, PublishedPackage, decideUpdate } from '../dependency-updates/domain/update-policy';
import { PackageRegistry } from '../dependency-updates/package-registry.port';

export interface RegistryDependencyOptions {
  manifestPath: string;
  cluster: string;
  /** Packuments asked at once. */
  concurrency?: number;
}

/** name -> installed version -> the services that run it. */
type Installed = Map<string, Map<string, string[]>>;

export class RegistryDependencySource implements ChangeSource {
  readonly name = 'dependency';

  constructor(
    private readonly documents: DocumentReader,
    private readonly ecs: EcsServices,
    private readonly registry: PackageRegistry,
    private readonly options: RegistryDependencyOptions,
  ) {}

  async detect(context: DetectionContext): Promise<Change[]> {
    const text = await this.documents.read(this.options.manifestPath);
    if (text === undefined) {
      throw new CodedError('DETECT.MANIFEST_INVALID', `release manifest ${this.options.manifestPath} does not exist`);
    }
    const releases = parseReleaseManifest(text, `release manifest ${this.options.manifestPath}`);
    const installed = await this.installed(releases);
    if (installed.size === 0) return [];
    const query = Object.fromEntries([...installed].map(([name, versions]) => [name, [...versions.keys()]]));
    const advisories = await this.registry.advisories(query, context.signal);
    const published = await this.packuments([...installed.keys()], context.signal);

    const changes: Change[] = [];
    for (const [name, versions] of [...installed].sort(([a], [b]) => a.localeCompare(b))) {
      const packument = published.get(name);
      // Not on this registry (a private or vendored package): nothing to compare with.
      if (!packument) continue;
      for (const [version, services] of versions) {
        const update = decideUpdate(version, packument, advisories[name] ?? []);
        if (update) changes.push(this.change(update, services, releases));
      }
    }
    return changes;
  }

  /** What every service with a lockfile runs: its lockfile, with the package its running build updated. */
  private async installed(releases: Record<string, ServiceRelease>): Promise<Installed> {
    const installed: Installed = new Map();
    for (const [service, release] of Object.entries(releases).sort(([a], [b]) => a.localeCompare(b))) {
      if (!release.lockfile) continue;
      const path = join(dirname(this.options.manifestPath), release.lockfile);
      const lockText = await this.documents.read(path);
      if (lockText === undefined) {
        throw new CodedError('DETECT.MANIFEST_INVALID', `lockfile ${path} of ${service} does not exist`);
      }
      const packages = installedDependencies(lockText, `lockfile ${path}`);
      const build = runningBuild(release, await this.runningImage(service));
      if (build && build[0] in packages) packages[build[0]] = build[1];
      for (const [name, version] of Object.entries(packages)) {
        const versions = installed.get(name) ?? new Map<string, string[]>();
        versions.set(version, [...(versions.get(version) ?? []), service]);
        installed.set(name, versions);
      }
    }
    return installed;
  }

  private async runningImage(service: string): Promise<string | undefined> {
    const status = await this.ecs.describeService(this.options.cluster, service);
    return status ? (await this.ecs.describeTaskDefinition(status.taskDefinition))?.image : undefined;
  }

  private async packuments(names: string[], signal?: AbortSignal): Promise<Map<string, PublishedPackage>> {
    const found = new Map<string, PublishedPackage>();
    const queue = [...names];
    const worker = async () => {
      for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
        const packument = await this.registry.packument(name, signal);
        if (packument) found.set(name, packument);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.options.concurrency ?? 8, names.length) }, worker));
    return found;
  }

  private change(update: DependencyUpdate, services: string[], releases: Record<string, ServiceRelease>): Change {
    const rollouts = services
      .map((service) => ({ service, image: releases[service].builds[`${update.name}@${update.to}`] }))
      .filter((rollout): rollout is { service: string; image: string } => rollout.image !== undefined);
    const waiting = services.filter((service) => !rollouts.some((rollout) => rollout.service === service));
    const reason = [
      update.reason,
      `run by ${services.join(', ')}`,
      ...(rollouts.length ? [`built into ${rollouts.map((rollout) => rollout.image).join(', ')}`] : []),
      ...(waiting.length && update.to !== 'none' ? [`no image built yet for ${waiting.join(', ')}`] : []),
    ].join('; ');
    return {
      kind: 'dependency',
      subject: update.name,
      from: update.from,
      to: update.to,
      risk: update.risk,
      reason: reason.slice(0, 1000),
      ...(update.urgent ? { urgent: true } : {}),
      dependency: {
        package: update.name,
        installed: update.installed,
        services,
        advisories: update.advisories.map(({ id, severity, title, url }) => ({
          id,
          severity,
          title,
          ...(url ? { url } : {}),
        })),
        rollouts,
      },
    };
  }
}
