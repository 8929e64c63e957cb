// Unit specs of the EC2 fleet on a fake EC2 API: environment-scoped ClientTokens and the configured fleet tags on and selecting instances.
import {
  CreateTagsCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  EC2Client,
  RunInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { CodedError } from '@dco/contracts';
import { Ec2Neo4jFleet, EC2_CLIENT_TOKEN_MAX, ec2ClientToken } from './ec2-neo4j-fleet.adapter';
import { Neo4jHostRuntime } from './neo4j-host.runtime';
import { CLIENT_TOKEN_TAG, EC2_CLIENT_TOKEN_TAG, fleetTagsFromEnv } from './neo4j-fleet.port';

interface FakeInstance {
  InstanceId: string;
  ImageId: string;
  ClientToken?: string;
  PrivateIpAddress: string;
  State: { Name: string };
  Tags: Array<{ Key: string; Value: string }>;
}

/** The EC2 calls the fleet makes, over a map of instances; filters on tag:<key> and instance-state-name like EC2. */
class FakeEc2 {
  readonly instances: FakeInstance[] = [];
  readonly runInstances: RunInstancesCommand['input'][] = [];

  async send(command: unknown): Promise<unknown> {
    if (command instanceof DescribeImagesCommand) {
      return {
        Images: (command.input.ImageIds ?? []).map((ImageId) => ({
          ImageId,
          Name: `neo4j-5.26.19-${ImageId}`,
          Tags: [],
        })),
      };
    }
    if (command instanceof RunInstancesCommand) {
      this.runInstances.push(command.input);
      const instance: FakeInstance = {
        InstanceId: `i-${String(this.instances.length + 1).padStart(8, '0')}`,
        ImageId: command.input.ImageId ?? '',
        ClientToken: command.input.ClientToken,
        PrivateIpAddress: `10.0.0.${this.instances.length + 1}`,
        State: { Name: 'running' },
        Tags: (command.input.TagSpecifications?.[0]?.Tags ?? []).map((t) => ({
          Key: t.Key ?? '',
          Value: t.Value ?? '',
        })),
      };
      this.instances.push(instance);
      return { Instances: [instance] };
    }
    if (command instanceof DescribeInstancesCommand) {
      const { InstanceIds, Filters = [] } = command.input;
      const matching = this.instances.filter(
        (i) =>
          (!InstanceIds || InstanceIds.includes(i.InstanceId)) &&
          Filters.every((f) => {
            if (f.Name === 'instance-state-name') return (f.Values ?? []).includes(i.State.Name);
            const key = f.Name?.replace(/^tag:/, '');
            return i.Tags.some((t) => t.Key === key && (f.Values ?? []).includes(t.Value));
          }),
      );
      return { Reservations: [{ Instances: matching }] };
    }
    if (command instanceof CreateTagsCommand) {
      for (const i of this.instances.filter((x) => command.input.Resources?.includes(x.InstanceId))) {
        for (const tag of command.input.Tags ?? []) {
          i.Tags = [...i.Tags.filter((t) => t.Key !== tag.Key), { Key: tag.Key ?? '', Value: tag.Value ?? '' }];
        }
      }
      return {};
    }
    if (command instanceof TerminateInstancesCommand) {
      for (const i of this.instances.filter((x) => command.input.InstanceIds?.includes(x.InstanceId)))
        i.State = { Name: 'terminated' };
      return {};
    }
    throw new Error(`the fake EC2 does not know ${(command as object).constructor.name}`);
  }

  tagsOf(instanceId: string): Record<string, string> {
    const instance = this.instances.find((i) => i.InstanceId === instanceId);
    return Object.fromEntries((instance?.Tags ?? []).map((t) => [t.Key, t.Value]));
  }
}

const runtime: Neo4jHostRuntime = {
  userData: () => '',
  start: async (host) => ({ boltUri: `bolt://${host.privateIp}:7687`, tags: {} }),
  stop: async () => undefined,
};

const fleetFor = (ec2: FakeEc2, env: NodeJS.ProcessEnv) =>
  new Ec2Neo4jFleet(ec2 as unknown as EC2Client, runtime, {
    fleetTags: fleetTagsFromEnv(env),
    probe: async () => undefined,
    readyTimeoutMs: 1_000,
  });

describe('Ec2Neo4jFleet', () => {
  it('launches with the configured fleet tags (DCO_ENV and DCO_NEO4J_FLEET_TAGS) in TagSpecifications', async () => {
    const ec2 = new FakeEc2();
    const green = await fleetFor(ec2, {
      DCO_ENV: 'staging',
      DCO_NEO4J_FLEET_TAGS: 'team=data, cost-center=42',
    }).provision('ami-1', { clientToken: 'dco-2026-11-26-green-1' });
    const tags = Object.fromEntries(
      (ec2.runInstances[0].TagSpecifications?.[0]?.Tags ?? []).map((t) => [t.Key, t.Value]),
    );
    expect(tags).toMatchObject({
      'dco:role': 'neo4j',
      'dco:env': 'staging',
      team: 'data',
      'cost-center': '42',
      'dco:color': 'green',
      [CLIENT_TOKEN_TAG]: 'dco-2026-11-26-green-1',
    });
    expect(ec2.tagsOf(green.instanceId)).toMatchObject({ team: 'data', 'cost-center': '42' });
    expect(green.clientToken).toBe('dco-2026-11-26-green-1');
  });

  it('launches green with the configured instance profile, by name or by ARN, and with none when unset', async () => {
    const launched = async (instanceProfile?: string) => {
      const ec2 = new FakeEc2();
      await new Ec2Neo4jFleet(ec2 as unknown as EC2Client, runtime, {
        ...(instanceProfile ? { instanceProfile } : {}),
        probe: async () => undefined,
        readyTimeoutMs: 1_000,
      }).provision('ami-1', { clientToken: 'dco-2026-11-26-green-1' });
      return ec2.runInstances[0].IamInstanceProfile;
    };
    expect(await launched('dco-production-neo4j')).toEqual({ Name: 'dco-production-neo4j' });
    const arn = 'arn:aws:iam::123456789012:instance-profile/dco/dco-production-neo4j';
    expect(await launched(arn)).toEqual({ Arn: arn });
    expect(await launched()).toBeUndefined();
  });

  it('finds only instances that carry every configured tag', async () => {
    const ec2 = new FakeEc2();
    const data = fleetFor(ec2, { DCO_ENV: 'prod', DCO_NEO4J_FLEET_TAGS: 'team=data' });
    const other = fleetFor(ec2, { DCO_ENV: 'prod', DCO_NEO4J_FLEET_TAGS: 'team=web' });
    const mine = await data.provision('ami-1', { clientToken: 'r1-green-1' });
    const theirs = await other.provision('ami-1', { clientToken: 'r1-green-1' });
    expect((await data.describe()).map((i) => i.instanceId)).toEqual([mine.instanceId]);
    expect((await other.describe()).map((i) => i.instanceId)).toEqual([theirs.instanceId]);
  });

  it('gives two environments migrating the same runId different ClientTokens and instances; a redelivery in one reuses its own', async () => {
    const ec2 = new FakeEc2();
    const staging = fleetFor(ec2, { DCO_ENV: 'staging' });
    const prod = fleetFor(ec2, { DCO_ENV: 'prod' });
    const a = await staging.provision('ami-1', { clientToken: 'dco-2026-11-26-green-1' });
    const b = await prod.provision('ami-1', { clientToken: 'dco-2026-11-26-green-1' });
    expect(b.instanceId).not.toBe(a.instanceId);
    const [tokenA, tokenB] = ec2.runInstances.map((input) => input.ClientToken);
    expect(tokenA).not.toBe(tokenB);
    expect(tokenA).toBe(ec2ClientToken('dco-2026-11-26-green-1', { 'dco:role': 'neo4j', 'dco:env': 'staging' }));
    expect(ec2.tagsOf(a.instanceId)[EC2_CLIENT_TOKEN_TAG]).toBe(tokenA);
    const again = await staging.provision('ami-1', { clientToken: 'dco-2026-11-26-green-1' });
    expect(again.instanceId).toBe(a.instanceId);
    expect(ec2.runInstances).toHaveLength(2);
  });

  it('has the token deterministic per runId + step + environment and within 64 characters', () => {
    const env = { 'dco:role': 'neo4j', 'dco:env': 'e'.repeat(200) };
    const long = ec2ClientToken(`dco-2026-11-26-r12-${'x'.repeat(80)}-green-2`, env);
    expect(long.length).toBeLessThanOrEqual(EC2_CLIENT_TOKEN_MAX);
    expect(long).toBe(ec2ClientToken(`dco-2026-11-26-r12-${'x'.repeat(80)}-green-2`, env));
    expect(ec2ClientToken('dco-2026-11-26-green-1', env)).not.toBe(ec2ClientToken('dco-2026-11-26-green-2', env));
    expect(ec2ClientToken('dco-2026-11-26-green-1', env)).not.toBe(ec2ClientToken('dco-2026-11-26-r1-green-1', env));
    // Tag order does not matter, the set of tags does.
    expect(ec2ClientToken('t', { b: '2', a: '1' })).toBe(ec2ClientToken('t', { a: '1', b: '2' }));
    expect(ec2ClientToken('t', { a: '1' })).not.toBe(ec2ClientToken('t', { a: '2' }));
    expect(ec2ClientToken('dco-2026-11-26-green-1', env)).toMatch(/^dco-2026-11-26-green-1\.[0-9a-f]{16}$/);
  });

  it('rejects a malformed DCO_NEO4J_FLEET_TAGS entry with CONFIG.INVALID naming the variable', () => {
    for (const bad of ['team', 'team=data=x', 'aws:owner=me', '=x']) {
      const error = (() => {
        try {
          return fleetTagsFromEnv({ DCO_NEO4J_FLEET_TAGS: bad });
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(CodedError);
      expect((error as CodedError).code).toBe('CONFIG.INVALID');
      expect((error as CodedError).message).toContain('DCO_NEO4J_FLEET_TAGS');
    }
    expect(fleetTagsFromEnv({})).toEqual({});
  });
});
