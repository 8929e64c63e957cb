// Neo4jFleet over the EC2 API: RunInstances of the AMI with a ClientToken and tags; a host runtime decides how Neo4j starts on it.
import {
  CreateTagsCommand,
  DescribeInstancesCommand,
  EC2Client,
  Instance,
  RunInstancesCommand,
  RunInstancesCommandInput,
  TerminateInstancesCommand,
  _InstanceType,
} from '@aws-sdk/client-ec2';
import { CodedError } from '@dco/contracts';
import { LaunchedHost, Neo4jHostRuntime } from './neo4j-host.runtime';
import { asProvisionFailure, awaitBolt, fleetScopeDigest, neo4jVersionOfAmi, fleetCall } from './neo4j-fleet.support';
import {
  BOLT_URI_TAG,
  CLIENT_TOKEN_TAG,
  COLOR_TAG,
  EC2_CLIENT_TOKEN_TAG,
  FLEET_ROLE_TAG,
  Neo4jColor,
  Neo4jFleet,
  Neo4jInstance,
  ProvisionOptions,
  VERSION_TAG,
} from './neo4j-fleet.port';

export interface Ec2FleetOptions {
  instanceType?: string;
  subnetId?: string;
  securityGroupIds?: string[];
  /**
   * The instance profile green is launched with, by name or ARN (none when unset): its role lets the AMI's SSM agent
   * register and green pull a backup's parts from S3 for the offline import (ADR 0018).
   */
  instanceProfile?: string;
  /** Extra tags (dco:env, DCO_NEO4J_FLEET_TAGS) put on every instance launched; they also select the fleet and scope ClientTokens. */
  fleetTags?: Record<string, string>;
  readyTimeoutMs?: number;
  /** Resolves when Bolt at the URI answers with the expected version, rejects otherwise. */
  probe(boltUri: string, version: string): Promise<void>;
}

/** The user data of an AWS instance: the AMI ships Neo4j; this enables it on boot. */
export const awsUserData = (version: string): string =>
  [
    '#!/bin/bash',
    'set -euo pipefail',
    `echo "dco: starting Neo4j ${version}"`,
    'systemctl enable --now neo4j',
    '',
  ].join('\n');

export const awsHostRuntime: Neo4jHostRuntime = {
  userData: awsUserData,
  start: async (host) => {
    if (!host.privateIp) throw new CodedError('DB.PROVISION_FAILED', `instance ${host.instanceId} has no private IP`);
    return { boltUri: `bolt://${host.privateIp}:7687`, tags: {} };
  },
  stop: async () => undefined,
};

/** EC2 accepts a ClientToken of at most 64 ASCII characters. */
export const EC2_CLIENT_TOKEN_MAX = 64;

/**
 * The ClientToken RunInstances gets for a logical token (runId + step, e.g. dco-2026-11-26-green-1) in one fleet: the logical
 * token (cut if need be) and a digest of it together with the fleet's selector tags, so that two environments of one account
 * (staging and prod, two test namespaces) that migrate the same runId never share an idempotency key. Deterministic, <= 64.
 */
export function ec2ClientToken(token: string, fleetTags: Record<string, string>): string {
  const digest = fleetScopeDigest(token, fleetTags);
  const readable = token.replace(/[^A-Za-z0-9._:-]/g, '_').slice(0, EC2_CLIENT_TOKEN_MAX - digest.length - 1);
  return `${readable}.${digest}`;
}

const tagsOf = (instance: Instance): Record<string, string> =>
  Object.fromEntries((instance.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));

export class Ec2Neo4jFleet implements Neo4jFleet {
  constructor(
    private readonly ec2: EC2Client,
    private readonly runtime: Neo4jHostRuntime,
    private readonly options: Ec2FleetOptions,
  ) {}

  async provision(imageId: string, options: ProvisionOptions): Promise<Neo4jInstance> {
    const version = await this.versionOf(imageId);
    let host = await this.findByToken(options.clientToken);
    if (!host) {
      const clientToken = ec2ClientToken(options.clientToken, this.fleetTags());
      const tags = {
        ...this.fleetTags(),
        [COLOR_TAG]: 'green',
        [VERSION_TAG]: version,
        [CLIENT_TOKEN_TAG]: options.clientToken,
        [EC2_CLIENT_TOKEN_TAG]: clientToken,
        Name: `neo4j-${version}-green`,
      };
      const result = await this.call('RunInstances', () =>
        this.ec2.send(
          new RunInstancesCommand({
            ImageId: imageId,
            MinCount: 1,
            MaxCount: 1,
            ClientToken: clientToken,
            InstanceType: (this.options.instanceType ?? 'r6i.large') as _InstanceType,
            SubnetId: this.options.subnetId,
            SecurityGroupIds: this.options.securityGroupIds,
            ...this.instanceProfile(),
            UserData: Buffer.from(this.runtime.userData(version)).toString('base64'),
            TagSpecifications: [
              { ResourceType: 'instance', Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) },
            ],
          }),
        ),
      );
      const instance = result.Instances?.[0];
      if (!instance?.InstanceId)
        throw new CodedError('DB.PROVISION_FAILED', `RunInstances of ${imageId} returned no instance`);
      host = { instanceId: instance.InstanceId, privateIp: instance.PrivateIpAddress, tags };
    }
    try {
      const started = await this.runtime.start(host, version);
      await this.tag(host.instanceId, { ...started.tags, [BOLT_URI_TAG]: started.boltUri });
      const timeoutMs = options.readyTimeoutMs ?? this.options.readyTimeoutMs ?? 300_000;
      await awaitBolt(this.options.probe, { id: host.instanceId, boltUri: started.boltUri, version, timeoutMs });
      return {
        instanceId: host.instanceId,
        imageId,
        boltUri: started.boltUri,
        version,
        color: 'green',
        clientToken: options.clientToken,
      };
    } catch (error) {
      // A green that never serves is not left running (and billed).
      await this.terminate(host.instanceId);
      throw asProvisionFailure(error);
    }
  }

  private instanceProfile(): Pick<RunInstancesCommandInput, 'IamInstanceProfile'> {
    const profile = this.options.instanceProfile;
    if (!profile) return {};
    return { IamInstanceProfile: profile.startsWith('arn:') ? { Arn: profile } : { Name: profile } };
  }

  async terminate(instanceId: string): Promise<void> {
    const host = (await this.describeHosts([instanceId]))[0];
    if (!host) return;
    await this.runtime.stop(host);
    await this.call('TerminateInstances', () =>
      this.ec2.send(new TerminateInstancesCommand({ InstanceIds: [instanceId] })),
    );
  }

  async describe(): Promise<Neo4jInstance[]> {
    const result = await this.call('DescribeInstances', () =>
      this.ec2.send(
        new DescribeInstancesCommand({
          Filters: [
            ...Object.entries(this.fleetTags()).map(([key, value]) => ({ Name: `tag:${key}`, Values: [value] })),
            { Name: 'instance-state-name', Values: ['pending', 'running'] },
          ],
        }),
      ),
    );
    return (result.Reservations ?? [])
      .flatMap((r) => r.Instances ?? [])
      .map((i) => {
        const tags = tagsOf(i);
        return {
          instanceId: i.InstanceId ?? '',
          imageId: i.ImageId ?? '',
          boltUri: tags[BOLT_URI_TAG] ?? (i.PrivateIpAddress ? `bolt://${i.PrivateIpAddress}:7687` : ''),
          version: tags[VERSION_TAG] ?? '',
          color: tags[COLOR_TAG] as Neo4jColor | undefined,
          clientToken: tags[CLIENT_TOKEN_TAG],
        };
      });
  }

  /** An endpoint that is not an instance of this fleet (e.g. the stack's own blue server) has no color to set. */
  async setColor(instanceId: string, color: Neo4jColor): Promise<void> {
    if ((await this.describeHosts([instanceId])).length === 0) return;
    await this.tag(instanceId, { [COLOR_TAG]: color });
  }

  private fleetTags(): Record<string, string> {
    return { [FLEET_ROLE_TAG.key]: FLEET_ROLE_TAG.value, ...this.options.fleetTags };
  }

  private versionOf(imageId: string): Promise<string> {
    return neo4jVersionOfAmi(this.ec2, imageId);
  }

  /**
   * The emulator ignores ClientToken, so the token is also a tag: a redelivered command finds its instance either way. Only this
   * fleet's instances count: another environment's instance with the same logical token is not ours.
   */
  private async findByToken(clientToken: string): Promise<LaunchedHost | undefined> {
    const result = await this.call('DescribeInstances', () =>
      this.ec2.send(
        new DescribeInstancesCommand({
          Filters: [
            ...Object.entries(this.fleetTags()).map(([key, value]) => ({ Name: `tag:${key}`, Values: [value] })),
            { Name: `tag:${CLIENT_TOKEN_TAG}`, Values: [clientToken] },
            { Name: 'instance-state-name', Values: ['pending', 'running'] },
          ],
        }),
      ),
    );
    const instance = (result.Reservations ?? []).flatMap((r) => r.Instances ?? [])[0];
    return instance?.InstanceId
      ? { instanceId: instance.InstanceId, privateIp: instance.PrivateIpAddress, tags: tagsOf(instance) }
      : undefined;
  }

  private async describeHosts(instanceIds: string[]): Promise<LaunchedHost[]> {
    const result = await this.call('DescribeInstances', () =>
      this.ec2.send(new DescribeInstancesCommand({ InstanceIds: instanceIds })).catch((error: Error) => {
        // Unknown or malformed ids (an endpoint that never was an instance) describe as nothing.
        if (/NotFound|Malformed|InvalidID/i.test(`${error.name} ${error.message}`)) return { Reservations: [] };
        throw error;
      }),
    );
    return (result.Reservations ?? [])
      .flatMap((r) => r.Instances ?? [])
      .filter((i) => i.State?.Name !== 'terminated')
      .map((i) => ({ instanceId: i.InstanceId ?? '', privateIp: i.PrivateIpAddress, tags: tagsOf(i) }));
  }

  private async tag(instanceId: string, tags: Record<string, string>): Promise<void> {
    if (Object.keys(tags).length === 0) return;
    await this.call('CreateTags', () =>
      this.ec2.send(
        new CreateTagsCommand({
          Resources: [instanceId],
          Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
        }),
      ),
    );
  }

  private call<T>(operation: string, send: () => Promise<T>): Promise<T> {
    return fleetCall('EC2', operation, send);
  }
}
