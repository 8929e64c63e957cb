// aws-offering: what AWS is taking away from the running fleet, read from AWS itself (the running AMI's DeprecationTime,
// the region's instance type offerings) with the operator's lists as overrides, and each finding's remediation (ADR 0022).
import { Change, ConfigError, Risk } from '@dco/contracts';
import { Ec2Inventory, INSTANCE_TYPE_NAME, ImageParameters, InstanceTypeOfferings, MachineImage } from '@dco/aws';
import { ChangeSource, DetectionContext } from '../change-source.port';
import { compareVersions, versionRisk } from '../version-risk';
import { fleetTags, imageVersion, newestImage, serving } from './neo4j-ami.source';
import { PublishedImageOptions, publishedImages, publishedWhere } from './published-images';

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
  /** Operator override (DCO_RETIRING_INSTANCE_TYPES): types to leave although the region still offers them. */
  retiringInstanceTypes: RetiringInstanceType[];
  engineSupport: EngineSupport[];
  /** Report what ends within this many days, so the update happens before, not after. */
  horizonDays: number;
  fleetTags?: Record<string, string>;
  /** Where the supported images are published (the same as the neo4j-ami source's). */
  images: PublishedImageOptions;
  /** The type the db-migrator builds green on (DCO_NEO4J_INSTANCE_TYPE): the blue-green moves the fleet onto it. */
  targetInstanceType: string;
}

const DAY_MS = 86_400_000;
const RISK_RANK: Record<Risk, number> = { low: 0, medium: 1, high: 2 };
const riskiest = (risks: Risk[]): Risk => risks.reduce((a, b) => (RISK_RANK[b] > RISK_RANK[a] ? b : a), 'low');
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Parses "m4.large:2027-01-31,t2.medium" (DCO_RETIRING_INSTANCE_TYPES); throws ConfigError on a malformed entry. */
export function parseRetiringInstanceTypes(text: string | undefined): RetiringInstanceType[] {
  return (text ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const [instanceType, retiresOn, ...rest] = entry.split(':');
      const dateOk = retiresOn === undefined || (DATE.test(retiresOn) && !Number.isNaN(Date.parse(retiresOn)));
      if (rest.length > 0 || !INSTANCE_TYPE_NAME.test(instanceType) || !dateOk) {
        throw new ConfigError(
          `DCO_RETIRING_INSTANCE_TYPES entry "${entry}" is not type[:YYYY-MM-DD] (e.g. m4.large:2027-01-31)`,
        );
      }
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

/** A reason to rebuild the fleet by blue-green, with the risk it carries. */
interface Finding {
  reason: string;
  risk: Risk;
  typeChange?: boolean;
}

/** Why an instance type has to go: AWS no longer offers it in the region, or the operator's list retires it. */
function typeRetirement(
  instanceType: string,
  offered: Set<string>,
  overrides: RetiringInstanceType[],
  region: string,
  horizon: number,
): string | undefined {
  if (!offered.has(instanceType)) return `instance type ${instanceType} is no longer offered in ${region}`;
  const override = overrides.find((entry) => entry.instanceType === instanceType);
  if (!override || (override.retiresOn && Date.parse(override.retiresOn) > horizon)) return undefined;
  return `instance type ${instanceType} is on the operator's retirement list${override.retiresOn ? ` (retires ${override.retiresOn})` : ''}`;
}

export class AwsOfferingSource implements ChangeSource {
  readonly name = 'aws-offering';

  constructor(
    private readonly ec2: Ec2Inventory,
    private readonly offerings: InstanceTypeOfferings,
    private readonly options: AwsOfferingOptions,
    /** Required when options.images.ssmPath is set. */
    private readonly parameters?: ImageParameters,
  ) {}

  async detect(context: DetectionContext): Promise<Change[]> {
    const fleet = serving(await this.ec2.findInstances({ tags: fleetTags(this.options.fleetTags) }));
    if (fleet.length === 0) return [];
    const runningIds = [...new Set(fleet.map((instance) => instance.imageId))].sort();
    const running = await this.ec2.findImagesById(runningIds);
    const now = context.now.getTime();
    const horizon = now + this.options.horizonDays * DAY_MS;
    const target = this.options.targetInstanceType;

    const deprecated = running.filter(
      (image) => image.deprecationTime !== undefined && Date.parse(image.deprecationTime) <= horizon,
    );
    const types = [...new Set(fleet.map((instance) => instance.instanceType))].sort();
    const offered = await this.offerings.offered([...types, target]);
    const retiring = types
      .map((instanceType) => ({
        instanceType,
        why: typeRetirement(instanceType, offered, this.options.retiringInstanceTypes, this.offerings.region, horizon),
      }))
      .filter((entry): entry is { instanceType: string; why: string } => entry.why !== undefined);

    const supported =
      deprecated.length > 0 || retiring.length > 0 ? await this.supportedImage(now, horizon) : undefined;
    const findings: Finding[] = [];
    const changes: Change[] = [];

    for (const image of deprecated) {
      const past = Date.parse(image.deprecationTime ?? '') <= now;
      const what = `the running AMI ${image.name} (${image.imageId}) ${past ? 'was' : 'will be'} deprecated at ${image.deprecationTime}`;
      if (supported && supported.imageId !== image.imageId) {
        findings.push({ reason: what, risk: versionRisk(imageVersion(image), imageVersion(supported)) });
        continue;
      }
      changes.push({
        kind: 'aws-offering',
        subject: `ami:${image.imageId}`,
        from: image.name,
        to: 'deprecated',
        risk: 'high',
        reason: `${what}; no supported image is published under ${publishedWhere(this.options.images)}`,
      });
    }

    const targetWhy = typeRetirement(
      target,
      offered,
      this.options.retiringInstanceTypes,
      this.offerings.region,
      horizon,
    );
    for (const { instanceType, why } of retiring) {
      if (supported && !targetWhy && target !== instanceType) {
        // Another instance type is a decision a person takes: high risk asks for approval (RunPolicy.approval.risks).
        findings.push({ reason: `${why}: the fleet moves to ${target}`, risk: 'high', typeChange: true });
        continue;
      }
      const blocker = !supported
        ? `no supported image is published under ${publishedWhere(this.options.images)}`
        : `DCO_NEO4J_INSTANCE_TYPE=${target} is no replacement (${targetWhy ?? 'the same type'})`;
      changes.push({
        kind: 'aws-offering',
        subject: `instance-type:${instanceType}`,
        from: instanceType,
        to: offered.has(instanceType) ? 'retiring' : 'not-offered',
        risk: 'high',
        reason: `${why}; ${blocker}`,
      });
    }

    if (supported && findings.length > 0) {
      const typeChange = findings.some((finding) => finding.typeChange);
      // Moving onto a newer image carries that version jump's risk too (as the neo4j-ami source rates it).
      const fromVersion = running.map(imageVersion).find((version) => version !== undefined);
      const imageRisk: Risk[] = runningIds.includes(supported.imageId)
        ? []
        : [versionRisk(fromVersion, imageVersion(supported))];
      changes.unshift({
        kind: 'neo4j-ami',
        subject: 'neo4j',
        from: runningIds.join(','),
        to: supported.imageId,
        risk: riskiest([...findings.map((finding) => finding.risk), ...imageRisk]),
        reason:
          `blue-green onto ${supported.name}${typeChange ? ` on ${target}` : ''}: ${findings.map((finding) => finding.reason).join('; ')}`.slice(
            0,
            1000,
          ),
      });
    }

    changes.push(...this.engineEndOfSupport(running, now, horizon));
    return changes;
  }

  /** The newest published image not deprecated within the horizon (else, not deprecated yet). */
  private async supportedImage(now: number, horizon: number): Promise<MachineImage | undefined> {
    const images = await publishedImages(this.ec2, this.parameters, this.options.images);
    const until = (limit: number) =>
      images.filter((image) => !image.deprecationTime || Date.parse(image.deprecationTime) > limit);
    return newestImage(until(horizon)) ?? newestImage(until(now));
  }

  private engineEndOfSupport(running: MachineImage[], now: number, horizon: number): Change[] {
    const versions = [
      ...new Set(running.map(imageVersion).filter((version): version is string => version !== undefined)),
    ].sort(compareVersions);
    const changes: Change[] = [];
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
        risk: Date.parse(support.endOfSupport) <= now ? 'high' : 'medium',
        reason: `Neo4j ${support.version} reaches end of support on ${support.endOfSupport}`,
      });
    }
    return changes;
  }
}
