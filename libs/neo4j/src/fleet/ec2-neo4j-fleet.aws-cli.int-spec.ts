// The AWS CLI (stack component aws-cli) reads the Neo4j instances the EC2 fleet launches on the emulator, as an operator
// would: filtered by the fleet's tags and state, with every tag the fleet puts on them, and nothing of another environment.
// Green carries the configured instance profile (its SSM agent and S3 reads for the offline import), one that exists.
import { EC2Client, RegisterImageCommand } from '@aws-sdk/client-ec2';
import { localEmulatorOptions } from '@dco/aws';
import { awsCliJson } from '@dco/testing';
import { Ec2Neo4jFleet, awsHostRuntime } from './ec2-neo4j-fleet.adapter';
import {
  BOLT_URI_TAG,
  CLIENT_TOKEN_TAG,
  COLOR_TAG,
  EC2_CLIENT_TOKEN_TAG,
  FLEET_ROLE_TAG,
  Neo4jInstance,
  VERSION_TAG,
} from './neo4j-fleet.port';

jest.setTimeout(120_000);

interface CliInstance {
  InstanceId: string;
  ImageId: string;
  State: { Name: string };
  Tags?: Array<{ Key: string; Value: string }>;
}

const ec2 = new EC2Client(localEmulatorOptions());
const env = `cli${Date.now().toString(36)}`;
const tagsOf = (instance: CliInstance) => Object.fromEntries((instance.Tags ?? []).map((t) => [t.Key, t.Value]));

/** `aws ec2 describe-instances --filters ...` flattened to its instances. */
async function describeInstances(...filters: string[]): Promise<CliInstance[]> {
  const answer = await awsCliJson<{ Reservations: Array<{ Instances: CliInstance[] }> }>([
    'ec2',
    'describe-instances',
    '--filters',
    ...filters,
  ]);
  return answer.Reservations.flatMap((reservation) => reservation.Instances);
}

describe('AWS CLI on the instances of the EC2 Neo4j fleet', () => {
  // The emulator's instances have private IPs but no Neo4j: the probe only has to let provisioning finish.
  const fleet = (environment: string) =>
    new Ec2Neo4jFleet(ec2, awsHostRuntime, { fleetTags: { 'dco:env': environment }, probe: async () => undefined });
  const launched: string[] = [];
  let kept: Neo4jInstance;
  let replaced: Neo4jInstance;
  let elsewhere: Neo4jInstance;

  beforeAll(async () => {
    const image = await ec2.send(new RegisterImageCommand({ Name: `neo4j-5.26.19-${env}` }));
    const imageId = image.ImageId ?? '';
    kept = await fleet(env).provision(imageId, { clientToken: 'dco-2026-12-01-green-1' });
    replaced = await fleet(env).provision(imageId, { clientToken: 'dco-2026-12-02-green-1' });
    elsewhere = await fleet(`${env}-other`).provision(imageId, { clientToken: 'dco-2026-12-01-green-1' });
    launched.push(kept.instanceId, replaced.instanceId, elsewhere.instanceId);
    await fleet(env).terminate(replaced.instanceId);
  });

  afterAll(async () => {
    for (const instanceId of launched) await fleet(env).terminate(instanceId);
    ec2.destroy();
  });

  it('finds by tag exactly the running instances the fleet launched, with the tags it put on them', async () => {
    const running = await describeInstances(
      `Name=tag:${FLEET_ROLE_TAG.key},Values=${FLEET_ROLE_TAG.value}`,
      `Name=tag:dco:env,Values=${env}`,
      'Name=instance-state-name,Values=pending,running',
    );
    expect(running.map((instance) => instance.InstanceId)).toEqual([kept.instanceId]);
    expect(running[0]).toMatchObject({ ImageId: kept.imageId, State: { Name: 'running' } });
    expect(tagsOf(running[0])).toEqual({
      [FLEET_ROLE_TAG.key]: FLEET_ROLE_TAG.value,
      'dco:env': env,
      [COLOR_TAG]: 'green',
      [VERSION_TAG]: '5.26.19',
      [CLIENT_TOKEN_TAG]: 'dco-2026-12-01-green-1',
      [EC2_CLIENT_TOKEN_TAG]: expect.stringMatching(/^dco-2026-12-01-green-1\.[0-9a-f]{16}$/),
      [BOLT_URI_TAG]: kept.boltUri,
      Name: 'neo4j-5.26.19-green',
    });
    // What the CLI sees is what the fleet itself reports.
    expect((await fleet(env).describe()).map((instance) => instance.instanceId)).toEqual([kept.instanceId]);
  });

  it('shows the terminated instance by its tag and state, and another environment only under its own tag', async () => {
    const all = await describeInstances(`Name=tag:dco:env,Values=${env}`);
    expect(all.map((instance) => [instance.InstanceId, instance.State.Name]).sort()).toEqual(
      [
        [kept.instanceId, 'running'],
        [replaced.instanceId, 'terminated'],
      ].sort(),
    );
    const other = await describeInstances(`Name=tag:dco:env,Values=${env}-other`);
    expect(other.map((instance) => instance.InstanceId)).toEqual([elsewhere.instanceId]);
    expect(await describeInstances(`Name=tag:dco:env,Values=${env}-nobody`)).toEqual([]);
  });
});

describe('the instance profile of green', () => {
  const profile = `dco-${env}-neo4j`;
  const launched: string[] = [];
  const fleet = (instanceProfile: string) =>
    new Ec2Neo4jFleet(ec2, awsHostRuntime, {
      fleetTags: { 'dco:env': `${env}-iip` },
      instanceProfile,
      probe: async () => undefined,
    });
  let imageId: string;

  beforeAll(async () => {
    imageId = (await ec2.send(new RegisterImageCommand({ Name: `neo4j-5.26.19-${env}-iip` }))).ImageId ?? '';
    await awsCliJson(['iam', 'create-instance-profile', '--instance-profile-name', profile]);
  });

  afterAll(async () => {
    for (const instanceId of launched) await fleet(profile).terminate(instanceId);
    await awsCliJson(['iam', 'delete-instance-profile', '--instance-profile-name', profile]).catch(() => undefined);
  });

  it('launches green with the configured profile, as the CLI shows it', async () => {
    const green = await fleet(profile).provision(imageId, { clientToken: 'dco-2026-12-03-green-1' });
    launched.push(green.instanceId);
    const [instance] = await describeInstances(`Name=instance-id,Values=${green.instanceId}`);
    expect((instance as CliInstance & { IamInstanceProfile?: { Arn: string } }).IamInstanceProfile?.Arn).toMatch(
      new RegExp(`:instance-profile/${profile}$`),
    );
  });

  it('fails provisioning with DB.PROVISION_FAILED when the profile does not exist, launching nothing', async () => {
    const missing = `${profile}-missing`;
    await expect(fleet(missing).provision(imageId, { clientToken: 'dco-2026-12-04-green-1' })).rejects.toMatchObject({
      code: 'DB.PROVISION_FAILED',
      message: expect.stringContaining(missing),
    });
    expect(
      await describeInstances(
        `Name=tag:dco:env,Values=${env}-iip`,
        `Name=tag:${CLIENT_TOKEN_TAG},Values=dco-2026-12-04-green-1`,
      ),
    ).toEqual([]);
  });
});
