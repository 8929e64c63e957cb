// The Neo4jFleet port: Neo4j servers as instances (EC2 in AWS, local processes registered in the EC2 emulator, or in memory).
import { CodedError } from '@dco/contracts';

export type Neo4jColor = 'blue' | 'green' | 'retiring';

export interface Neo4jInstance {
  instanceId: string;
  imageId: string;
  boltUri: string;
  version: string;
  color?: Neo4jColor;
  /** The ClientToken it was provisioned with (runId + step), so that a redelivered command finds it. */
  clientToken?: string;
}

export interface ProvisionOptions {
  /** Idempotency key: provisioning again with the same token returns the same instance. */
  clientToken: string;
  /** How long to wait for Bolt to answer before giving up (the instance is then terminated). */
  readyTimeoutMs?: number;
}

export interface Neo4jFleet {
  /** Starts a server from the image, waits until Bolt answers with the image's version; DB.PROVISION_FAILED otherwise. */
  provision(imageId: string, options: ProvisionOptions): Promise<Neo4jInstance>;
  /** Terminates an instance; an unknown or already terminated one is not an error. */
  terminate(instanceId: string): Promise<void>;
  /** Live (pending or running) instances of the fleet. */
  describe(): Promise<Neo4jInstance[]>;
  setColor(instanceId: string, color: Neo4jColor): Promise<void>;
}

/** Tags shared with the detector's neo4j-ami source: dco:role=neo4j selects the fleet, the AMI carries its version. */
export const FLEET_ROLE_TAG = { key: 'dco:role', value: 'neo4j' } as const;
export const COLOR_TAG = 'dco:color';
export const VERSION_TAG = 'dco:neo4j-version';
export const BOLT_URI_TAG = 'dco:bolt-uri';
export const CLIENT_TOKEN_TAG = 'dco:client-token';
/** The environment-scoped ClientToken RunInstances got for the logical token (see ec2ClientToken). */
export const EC2_CLIENT_TOKEN_TAG = 'dco:ec2-client-token';
export const LOCAL_PID_TAG = 'dco:local-pid';
export const LOCAL_HOME_TAG = 'dco:local-home';

/**
 * The tags that select one environment's fleet (besides dco:role=neo4j): dco:env=$DCO_ENV plus DCO_NEO4J_FLEET_TAGS
 * ("team=data,stage=prod"). The db-migrator puts them on every instance it launches and finds its instances by them; the
 * detector selects the running fleet by the same tags. A malformed entry is CONFIG.INVALID naming the variable.
 */
export function fleetTagsFromEnv(env: { DCO_ENV?: string; DCO_NEO4J_FLEET_TAGS?: string }): Record<string, string> {
  const tags: Record<string, string> = env.DCO_ENV ? { 'dco:env': env.DCO_ENV } : {};
  for (const entry of (env.DCO_NEO4J_FLEET_TAGS ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const match = FLEET_TAG_ENTRY.exec(entry);
    if (!match)
      throw new CodedError(
        'CONFIG.INVALID',
        `DCO_NEO4J_FLEET_TAGS entry "${entry}" is not key=value (EC2 tag key 1-128, value 0-256 characters)`,
      );
    tags[match[1].trim()] = match[2].trim();
  }
  return tags;
}

/** One DCO_NEO4J_FLEET_TAGS entry: an EC2 tag key (not aws:-prefixed) and its value. */
export const FLEET_TAG_ENTRY = /^(?!aws:)([^=,]{1,128})=([^=,]{0,256})$/;

/** Neo4j version of an image: its dco:neo4j-version tag, else the version in a name like neo4j-5.26.19-2026-11-01. */
export function versionOfImage(image: { name?: string; tags: Record<string, string> }): string | undefined {
  return image.tags[VERSION_TAG] ?? image.name?.match(/^neo4j-(\d+\.\d+\.\d+)/)?.[1];
}
