// The EC2 questions change detection asks: which machine images exist, and what the running fleet boots from.

export interface MachineImage {
  imageId: string;
  name: string;
  /** ISO 8601. */
  creationDate: string;
  /** ISO 8601; when AWS deprecates (hides) the image. */
  deprecationTime?: string;
  tags: Record<string, string>;
}

export interface FleetInstance {
  instanceId: string;
  imageId: string;
  instanceType: string;
  state: string;
  tags: Record<string, string>;
}

export interface ImageQuery {
  /** Account ids, aliases or "self". */
  owners: string[];
  /** EC2 name filter with * and ? wildcards, e.g. "neo4j-*". */
  namePattern: string;
}

export interface InstanceQuery {
  /** Every tag must match. */
  tags: Record<string, string>;
  /** Default: pending and running only. */
  states?: string[];
}

export interface Ec2Inventory {
  findImages(query: ImageQuery): Promise<MachineImage[]>;
  findImagesById(imageIds: string[]): Promise<MachineImage[]>;
  findInstances(query: InstanceQuery): Promise<FleetInstance[]>;
}

export const LIVE_INSTANCE_STATES = ['pending', 'running'];

/** Tag carried by an image that has no native DeprecationTime (the emulator has no EnableImageDeprecation). */
export const DEPRECATION_TAG = 'dco:deprecation-time';

/** Converts an EC2 name filter (with * and ?) into an anchored regular expression. */
export function namePatternToRegExp(pattern: string): RegExp {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}
