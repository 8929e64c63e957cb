// The EC2 fleet against the EC2 emulator: the db-migrator's configured fleet tags land on the instances and select them, and two
// environments migrating the same runId get separate instances with separate ClientTokens.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTagsCommand, DescribeInstancesCommand, EC2Client, RegisterImageCommand } from '@aws-sdk/client-ec2';
import { localEmulatorOptions } from '@dco/aws';
import { awsHostRuntime, CLIENT_TOKEN_TAG, EC2_CLIENT_TOKEN_TAG, Ec2Neo4jFleet, fleetTagsFromEnv } from '@dco/neo4j';
import { blueGreenEnvironmentFromEnv } from './blue-green.environment';

const ec2 = new EC2Client(localEmulatorOptions());
const ns = `ft${Date.now().toString(36)}`;
const tagsOf = (tags: Array<{ Key?: string; Value?: string }> | undefined) =>
  Object.fromEntries((tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));

describe('EC2 fleet tags and ClientTokens on the emulator', () => {
  let imageId: string;
  let dir: string;
  const launched: string[] = [];
  const envOf = (name: string): NodeJS.ProcessEnv => ({
    DCO_PROFILE: 'local',
    DCO_ENV: `${ns}-${name}`,
    DCO_NEO4J_FLEET_TAGS: `dco:test=${ns},team=${name}-data`,
    DCO_STATE_DIR: join(dir, name),
    NEO4J_URI: 'bolt://127.0.0.1:1',
  });
  // The emulator's instances have private IPs but no Neo4j: the probe only has to let provisioning finish.
  const fleetOf = (name: string) =>
    new Ec2Neo4jFleet(ec2, awsHostRuntime, { fleetTags: fleetTagsFromEnv(envOf(name)), probe: async () => undefined });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dco-fleet-tags-'));
    const image = await ec2.send(new RegisterImageCommand({ Name: `neo4j-5.26.19-${ns}` }));
    imageId = image.ImageId ?? '';
    await ec2.send(
      new CreateTagsCommand({ Resources: [imageId], Tags: [{ Key: 'dco:neo4j-version', Value: '5.26.19' }] }),
    );
  });

  afterAll(async () => {
    for (const instanceId of launched) await fleetOf('staging').terminate(instanceId);
    ec2.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('puts DCO_ENV and DCO_NEO4J_FLEET_TAGS on the instance, and blueGreenEnvironmentFromEnv finds its fleet by them', async () => {
    const staging = await fleetOf('staging').provision(imageId, { clientToken: `dco-2026-11-26-green-1` });
    launched.push(staging.instanceId);
    const described = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [staging.instanceId] }));
    const tags = tagsOf(described.Reservations?.[0]?.Instances?.[0]?.Tags);
    expect(tags).toMatchObject({
      'dco:role': 'neo4j',
      'dco:env': `${ns}-staging`,
      'dco:test': ns,
      team: 'staging-data',
      [CLIENT_TOKEN_TAG]: 'dco-2026-11-26-green-1',
    });

    const environment = await blueGreenEnvironmentFromEnv(envOf('staging'));
    expect((await environment.fleet.describe()).map((i) => i.instanceId)).toEqual([staging.instanceId]);
    const otherTeam = await blueGreenEnvironmentFromEnv({
      ...envOf('staging'),
      DCO_NEO4J_FLEET_TAGS: `dco:test=${ns},team=someone-else`,
    });
    expect(await otherTeam.fleet.describe()).toEqual([]);
  });

  it('gives staging and prod migrating the same runId their own instance and ClientToken; a redelivery reuses its own', async () => {
    const token = 'dco-2026-11-27-green-1';
    const staging = await fleetOf('staging').provision(imageId, { clientToken: token });
    const prod = await fleetOf('prod').provision(imageId, { clientToken: token });
    launched.push(staging.instanceId, prod.instanceId);
    expect(prod.instanceId).not.toBe(staging.instanceId);
    const described = await ec2.send(
      new DescribeInstancesCommand({ InstanceIds: [staging.instanceId, prod.instanceId] }),
    );
    const ec2Tokens = (described.Reservations ?? [])
      .flatMap((r) => r.Instances ?? [])
      .map((i) => tagsOf(i.Tags)[EC2_CLIENT_TOKEN_TAG]);
    expect(new Set(ec2Tokens).size).toBe(2);
    for (const ec2Token of ec2Tokens) expect(ec2Token.length).toBeLessThanOrEqual(64);
    expect((await fleetOf('staging').provision(imageId, { clientToken: token })).instanceId).toBe(staging.instanceId);
    expect((await fleetOf('prod').provision(imageId, { clientToken: token })).instanceId).toBe(prod.instanceId);
  });
});
