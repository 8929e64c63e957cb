// neo4j-ami: the newest published Neo4j AMI (owner + name filter, or an SSM parameter path) against what the running Neo4j fleet boots from.
import { Change, CodedError } from '@dco/contracts';
import { Ec2Inventory, ImageParameters, MachineImage } from '@dco/aws';
import { ChangeSource, DetectionContext } from '../change-source.port';
import { extractVersion, versionRisk } from '../version-risk';
import { PublishedImageOptions, publishedImages, publishedWhere } from './published-images';

/** Agreed with db-migrator (ADR 0007): fleet tag dco:role=neo4j + dco:color=blue|green; AMI name neo4j-<version>-*. */
export const NEO4J_ROLE_TAG = { key: 'dco:role', value: 'neo4j' } as const;
export const NEO4J_VERSION_TAG = 'dco:neo4j-version';
/** The db-migrator's colour tag: blue serves, green is being built, retiring waits out its grace period (ADR 0006). */
export const NEO4J_COLOR_TAG = 'dco:color';

export interface Neo4jAmiOptions extends PublishedImageOptions {
  /** Tags that select the fleet; default dco:role=neo4j (add e.g. dco:env to share an account between environments). */
  fleetTags?: Record<string, string>;
}

export function fleetTags(extra: Record<string, string> | undefined): Record<string, string> {
  return { [NEO4J_ROLE_TAG.key]: NEO4J_ROLE_TAG.value, ...extra };
}

export function imageVersion(image: MachineImage | undefined): string | undefined {
  if (!image) return undefined;
  return image.tags[NEO4J_VERSION_TAG] ?? extractVersion(image.name);
}

/** Newest by CreationDate; ties broken by the version in the name so the choice is deterministic. */
export function newestImage(images: MachineImage[]): MachineImage | undefined {
  return [...images].sort(
    (a, b) =>
      Date.parse(b.creationDate) - Date.parse(a.creationDate) || b.name.localeCompare(a.name, 'en', { numeric: true }),
  )[0];
}

/**
 * The instances that serve: those tagged blue. A retiring old server (kept for rollback during its grace period) and a
 * green still being built say nothing about what the fleet runs; judging them too re-reported the migration that had
 * just succeeded, every day until the old server was terminated. A fleet with no colour tags at all counts whole.
 */
export function serving<T extends { tags: Record<string, string> }>(fleet: T[]): T[] {
  if (fleet.every((instance) => instance.tags[NEO4J_COLOR_TAG] === undefined)) return fleet;
  return fleet.filter((instance) => instance.tags[NEO4J_COLOR_TAG] === 'blue');
}

export class Neo4jAmiSource implements ChangeSource {
  readonly name = 'neo4j-ami';

  constructor(
    private readonly ec2: Ec2Inventory,
    private readonly options: Neo4jAmiOptions,
    /** Required when options.ssmPath is set. */
    private readonly parameters?: ImageParameters,
  ) {}

  async detect(context: DetectionContext): Promise<Change[]> {
    const [images, fleet] = await Promise.all([
      publishedImages(this.ec2, this.parameters, this.options),
      this.ec2.findInstances({ tags: fleetTags(this.options.fleetTags) }),
    ]);
    const newest = newestImage(
      images.filter((image) => !image.deprecationTime || Date.parse(image.deprecationTime) > context.now.getTime()),
    );
    if (!newest) {
      throw new CodedError(
        'DETECT.AMI_FILTER_EMPTY',
        `no usable Neo4j AMI is published under ${publishedWhere(this.options)}`,
        'check DCO_NEO4J_AMI_OWNERS / DCO_NEO4J_AMI_NAME / DCO_NEO4J_AMI_SSM_PATH; an empty result is never read as "no change"',
      );
    }
    const runningImageIds = [...new Set(serving(fleet).map((instance) => instance.imageId))].sort();
    if (runningImageIds.length > 0 && runningImageIds.every((id) => id === newest.imageId)) return [];
    const running = await this.ec2.findImagesById(runningImageIds);
    const fromVersion = running.map(imageVersion).find((version) => version !== undefined);
    const toVersion = imageVersion(newest);
    return [
      {
        kind: 'neo4j-ami',
        subject: 'neo4j',
        ...(runningImageIds.length > 0 ? { from: runningImageIds.join(',') } : {}),
        to: newest.imageId,
        risk: runningImageIds.length === 0 ? 'medium' : versionRisk(fromVersion, toVersion),
        reason:
          runningImageIds.length === 0
            ? `no running Neo4j instance; newest AMI ${newest.name} (Neo4j ${toVersion ?? 'unknown'})`
            : `Neo4j ${fromVersion ?? 'unknown'} -> ${toVersion ?? 'unknown'}: AMI ${newest.name} created ${newest.creationDate}`,
      },
    ];
  }
}
