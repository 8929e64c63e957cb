// aws-offering: what AWS is taking away from the running fleet: deprecated AMIs, retiring instance types, engine end of support.
import { Change, ConfigError } from '@dco/contracts';
import { Ec2Inventory } from '@dco/aws';
import { ChangeSource, DetectionContext } from '../change-source.port';
import { compareVersions } from '../version-risk';
import { fleetTags, imageVersion } from './neo4j-ami.source';

export interface RetiringInstanceType {
  instanceType: string;
  /** YYYY-MM-DD; undefined = already announced without a date. */
  retiresOn?: string;
}

export interface EngineSupport {
  engine: string;
  /** Version prefix, e.g. "5.20" covers 5.20.x. */
  version: string;
  endOfSupport: string;
}

export interface AwsOfferingOptions {
  retiringInstanceTypes: RetiringInstanceType[];
  engineSupport: EngineSupport[];
  /** Report what ends within this many days, so the update happens before, not after. */
  horizonDays: number;
  fleetTags?: Record<string, string>;
}

const DAY_MS = 86_400_000;

/** Parses "m4.large:2027-01-31,t2.medium" (DCO_RETIRING_INSTANCE_TYPES). */
export function parseRetiringInstanceTypes(text: string | undefined): RetiringInstanceType[] {
  return (text ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const [instanceType, retiresOn] = entry.split(':');
      return { instanceType, ...(retiresOn ? { retiresOn } : {}) };
    });
}

/** Parses "neo4j@5.20:2026-06-30,neo4j@4.4:2025-11-30" (DCO_ENGINE_END_OF_SUPPORT). */
export function parseEngineSupport(text: string | undefined): EngineSupport[] {
  return (text ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const match = entry.match(/^([a-z0-9-]+)@([0-9.]+):(\d{4}-\d{2}-\d{2})$/);
      if (!match) throw new ConfigError(`DCO_ENGINE_END_OF_SUPPORT entry "${entry}" is not engine@version:YYYY-MM-DD`);
      return { engine: match[1], version: match[2], endOfSupport: match[3] };
    });
}

export class AwsOfferingSource implements ChangeSource {
  readonly name = 'aws-offering';

  constructor(
    private readonly ec2: Ec2Inventory,
    private readonly options: AwsOfferingOptions,
  ) {}

  async detect(context: DetectionContext): Promise<Change[]> {
    const fleet = await this.ec2.findInstances({ tags: fleetTags(this.options.fleetTags) });
    const images = await this.ec2.findImagesById([...new Set(fleet.map((instance) => instance.imageId))]);
    const horizon = context.now.getTime() + this.options.horizonDays * DAY_MS;
    const changes: Change[] = [];

    for (const image of images) {
      if (!image.deprecationTime || Date.parse(image.deprecationTime) > horizon) continue;
      const past = Date.parse(image.deprecationTime) <= context.now.getTime();
      changes.push({
        kind: 'aws-offering',
        subject: `ami:${image.imageId}`,
        from: image.name,
        to: 'deprecated',
        risk: past ? 'high' : 'medium',
        reason: `the running AMI ${image.name} ${past ? 'was' : 'will be'} deprecated at ${image.deprecationTime}`,
      });
    }

    for (const instanceType of [...new Set(fleet.map((instance) => instance.instanceType))].sort()) {
      const retiring = this.options.retiringInstanceTypes.find((entry) => entry.instanceType === instanceType);
      if (!retiring || (retiring.retiresOn && Date.parse(retiring.retiresOn) > horizon)) continue;
      changes.push({
        kind: 'aws-offering',
        subject: `instance-type:${instanceType}`,
        from: instanceType,
        to: 'retiring',
        risk: 'medium',
        reason: `instance type ${instanceType} is on the retirement list${retiring.retiresOn ? ` (retires ${retiring.retiresOn})` : ''}`,
      });
    }

    const versions = [
      ...new Set(images.map(imageVersion).filter((version): version is string => version !== undefined)),
    ].sort(compareVersions);
    for (const version of versions) {
      const support = this.options.engineSupport.find(
        (entry) => entry.engine === 'neo4j' && (version === entry.version || version.startsWith(`${entry.version}.`)),
      );
      if (!support || Date.parse(support.endOfSupport) > horizon) continue;
      changes.push({
        kind: 'aws-offering',
        subject: `engine:neo4j@${version}`,
        from: version,
        to: 'end-of-support',
        risk: Date.parse(support.endOfSupport) <= context.now.getTime() ? 'high' : 'medium',
        reason: `Neo4j ${support.version} reaches end of support on ${support.endOfSupport}`,
      });
    }
    return changes;
  }
}
