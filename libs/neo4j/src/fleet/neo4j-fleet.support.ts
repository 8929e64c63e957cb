// What the EC2 and ECS fleets share: the environment-scoped digest of a token, the image's version, the wait for Bolt.
import { createHash } from 'node:crypto';
import { DescribeImagesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CodedError } from '@dco/contracts';
import { waitFor } from '@dco/probes';
import { VERSION_TAG, versionOfImage } from './neo4j-fleet.port';

/**
 * A digest of a logical token (runId + step) together with the fleet's selector tags: two environments of one account that
 * migrate the same runId never share an idempotency key or a resource name. Tag order does not matter. 16 hex characters.
 */
export function fleetScopeDigest(token: string, fleetTags: Record<string, string>): string {
  const scope = Object.keys(fleetTags)
    .sort()
    .map((key) => `${key}=${fleetTags[key]}`)
    .join(',');
  return createHash('sha256').update(`${scope}\n${token}`).digest('hex').slice(0, 16);
}

/**
 * The Neo4j version of a released image (the AMI the detector found): its dco:neo4j-version tag or its name. The ECS fleet runs
 * the container image of the same version, so one release signal drives either fleet.
 */
export async function neo4jVersionOfAmi(ec2: EC2Client, imageId: string): Promise<string> {
  const result = await ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] })).catch((error: Error) => {
    if (/NotFound|Malformed|InvalidAMIID/i.test(`${error.name} ${error.message}`)) return { Images: [] };
    throw new CodedError('DB.PROVISION_FAILED', `EC2 DescribeImages failed: ${error.message}`, undefined, {
      cause: error,
    });
  });
  const image = result.Images?.[0];
  if (!image) throw new CodedError('DB.PROVISION_FAILED', `image ${imageId} does not exist`);
  const version = versionOfImage({
    name: image.Name,
    tags: Object.fromEntries((image.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
  });
  if (!version)
    throw new CodedError(
      'DB.PROVISION_FAILED',
      `image ${imageId} (${image.Name}) has no ${VERSION_TAG} tag and no version in its name`,
    );
  return version;
}

/** Waits until Bolt at the URI answers with the version; DB.PROVISION_FAILED with the last problem seen otherwise. */
export async function awaitBolt(
  probe: (boltUri: string, version: string) => Promise<void>,
  member: { id: string; boltUri: string; version: string; timeoutMs: number },
): Promise<void> {
  let lastProblem = '';
  await waitFor(
    async () => {
      try {
        await probe(member.boltUri, member.version);
        return true;
      } catch (error) {
        lastProblem = (error as Error).message;
        return undefined;
      }
    },
    { timeoutMs: member.timeoutMs, intervalMs: 1_000, description: `Neo4j ${member.version} on ${member.boltUri}` },
  ).catch(() => {
    throw new CodedError(
      'DB.PROVISION_FAILED',
      `Neo4j ${member.version} on ${member.id} (${member.boltUri}) did not answer within ${member.timeoutMs} ms`,
      lastProblem,
    );
  });
}

/** A provisioning error as DB.PROVISION_FAILED, a coded one as it is. */
export function asProvisionFailure(error: unknown): CodedError {
  return error instanceof CodedError
    ? error
    : new CodedError('DB.PROVISION_FAILED', (error as Error).message, undefined, { cause: error });
}

/** Sends one cloud API call; its failure is DB.PROVISION_FAILED naming the API and the operation. */
export async function fleetCall<T>(api: 'EC2' | 'ECS', operation: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    if (error instanceof CodedError) throw error;
    throw new CodedError('DB.PROVISION_FAILED', `${api} ${operation} failed: ${(error as Error).message}`, undefined, {
      cause: error,
    });
  }
}
