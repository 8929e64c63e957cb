// dependency: library and service versions in the dependency manifest against the copy recorded at the last good apply.
import { Change } from '@dco/contracts';
import { ChangeSource } from '../change-source.port';
import { DocumentReader, parseStringMap } from '../document-reader.port';
import { versionRisk } from '../version-risk';

export interface DependencyOptions {
  /** Desired: {"dependencies": {"<name>": "<version>"}}, e.g. infra/release/dependencies.json. */
  manifestPath: string;
  /** Deployed: the same file inside the last-good configuration the infra-deployer recorded (moves with each apply). */
  deployedPath: string | (() => Promise<string | undefined>);
}

export class DependencySource implements ChangeSource {
  readonly name = 'dependency';

  constructor(
    private readonly documents: DocumentReader,
    private readonly options: DependencyOptions,
  ) {}

  async detect(): Promise<Change[]> {
    const desiredText = await this.documents.read(this.options.manifestPath);
    if (desiredText === undefined) return [];
    const desired = parseStringMap(
      desiredText,
      'dependencies',
      undefined,
      `dependency manifest ${this.options.manifestPath}`,
    );
    const deployedPath =
      typeof this.options.deployedPath === 'string' ? this.options.deployedPath : await this.options.deployedPath();
    const deployedText = deployedPath === undefined ? undefined : await this.documents.read(deployedPath);
    // Nothing deployed yet: the first apply (a terraform-config change) records the baseline; listing every entry
    // of the manifest as "new" would only be noise.
    if (deployedText === undefined) return [];
    const deployed = parseStringMap(deployedText, 'dependencies', undefined, `deployed dependencies ${deployedPath}`);
    return Object.entries(desired)
      .filter(([name, version]) => deployed[name] !== version)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, version]) => ({
        kind: 'dependency' as const,
        subject: name,
        ...(deployed[name] !== undefined ? { from: deployed[name] } : {}),
        to: version,
        risk: deployed[name] === undefined ? 'low' : versionRisk(deployed[name], version),
        reason:
          deployed[name] === undefined
            ? `${name} ${version} is new in the manifest`
            : `${name} ${deployed[name]} -> ${version}`,
      }));
  }
}
