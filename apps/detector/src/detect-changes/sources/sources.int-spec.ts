// The AWS-backed detection sources against the local emulator: each finds its change and none when nothing changed.
import { CreateTagsCommand, EC2Client, RegisterImageCommand, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import {
  DEPRECATION_TAG,
  SdkEc2Inventory,
  SdkEcsServices,
  SdkImageParameters,
  SdkInstanceTypeOfferings,
  localEmulatorOptions,
} from '@dco/aws';
import { InMemoryDocumentReader } from '../document-reader.port';
import { AppReleaseSource } from './app-release.source';
import { AwsOfferingSource } from './aws-offering.source';
import { Neo4jAmiSource } from './neo4j-ami.source';

const ec2Client = new EC2Client(localEmulatorOptions());
const ecsClient = new ECSClient(localEmulatorOptions());
const ec2 = new SdkEc2Inventory(ec2Client);
const ecs = new SdkEcsServices(ecsClient);
/** moto serves AWS's per-region offering data: eu-north-1 offers m5.large and r6i.large, not m4.large. */
const NORTH = { ...localEmulatorOptions(), region: 'eu-north-1' };
const northEc2Client = new EC2Client(NORTH);
const northSsm = new SSMClient(NORTH);
const north = {
  ec2: new SdkEc2Inventory(northEc2Client),
  offerings: new SdkInstanceTypeOfferings(northEc2Client, NORTH.region),
  parameters: new SdkImageParameters(northSsm),
};
afterAll(() => {
  ec2Client.destroy();
  ecsClient.destroy();
  northEc2Client.destroy();
  northSsm.destroy();
});

const context = { day: '2026-11-26', now: new Date() };
const tags = (record: Record<string, string>) => Object.entries(record).map(([Key, Value]) => ({ Key, Value }));

/** A fleet private to this test: its own env tag and AMI name prefix on the shared emulator. */
async function privateFleet(version: string, client = ec2Client, instanceType = 'm4.large') {
  const env = `t${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  const prefix = `neo4j-${env}`;
  const addImage = async (imageVersion: string, extraTags: Record<string, string> = {}) => {
    const { ImageId } = await client.send(new RegisterImageCommand({ Name: `${prefix}-${imageVersion}-x86_64` }));
    await client.send(
      new CreateTagsCommand({
        Resources: [ImageId ?? ''],
        Tags: tags({ 'dco:neo4j-version': imageVersion, ...extraTags }),
      }),
    );
    return ImageId ?? '';
  };
  const running = await addImage(version);
  await client.send(
    new RunInstancesCommand({
      ImageId: running,
      InstanceType: instanceType as 'm4.large',
      MinCount: 1,
      MaxCount: 1,
      TagSpecifications: [
        { ResourceType: 'instance', Tags: tags({ 'dco:role': 'neo4j', 'dco:color': 'blue', 'dco:env': env }) },
      ],
    }),
  );
  return { env, prefix, running, addImage, fleetTags: { 'dco:env': env } };
}

describe('neo4j-ami on the emulator', () => {
  it('reports nothing while the fleet runs the newest AMI, then the newer AMI once published', async () => {
    const fleet = await privateFleet('5.20.0');
    const source = new Neo4jAmiSource(ec2, {
      owners: ['self'],
      namePattern: `${fleet.prefix}-*`,
      fleetTags: fleet.fleetTags,
    });
    await expect(source.detect(context)).resolves.toEqual([]);
    const newer = await fleet.addImage('5.26.19');
    const changes = await source.detect(context);
    expect(changes).toEqual([
      expect.objectContaining({ kind: 'neo4j-ami', from: fleet.running, to: newer, risk: 'medium' }),
    ]);
  });

  it('rejects a filter that matches nothing with DETECT.AMI_FILTER_EMPTY', async () => {
    const fleet = await privateFleet('5.20.0');
    const source = new Neo4jAmiSource(ec2, {
      owners: ['self'],
      namePattern: `${fleet.prefix}-nothing-*`,
      fleetTags: fleet.fleetTags,
    });
    await expect(source.detect(context)).rejects.toMatchObject({ code: 'DETECT.AMI_FILTER_EMPTY' });
  });
});

describe('aws-offering on the emulator', () => {
  const offeringOptions = (prefix: string, fleetTags: Record<string, string>) => ({
    retiringInstanceTypes: [],
    engineSupport: [],
    horizonDays: 30,
    fleetTags,
    images: { owners: ['self'], namePattern: `${prefix}-*` },
    targetInstanceType: 'r6i.large',
  });

  it('reports nothing for a supported fleet, then a blue-green once DescribeImages shows its AMI deprecated', async () => {
    const fleet = await privateFleet('5.20.0', northEc2Client, 'm5.large');
    const source = new AwsOfferingSource(north.ec2, north.offerings, offeringOptions(fleet.prefix, fleet.fleetTags));
    await expect(source.detect(context)).resolves.toEqual([]);
    const supported = await fleet.addImage('5.20.1');
    // moto has no EnableImageDeprecation: the adapter reads the dco:deprecation-time tag where DeprecationTime is absent.
    await northEc2Client.send(
      new CreateTagsCommand({
        Resources: [fleet.running],
        Tags: tags({ [DEPRECATION_TAG]: new Date(Date.now() - 86_400_000).toISOString() }),
      }),
    );
    const changes = await source.detect(context);
    expect(changes).toEqual([
      expect.objectContaining({ kind: 'neo4j-ami', from: fleet.running, to: supported, risk: 'low' }),
    ]);
    expect(changes[0].reason).toContain('was deprecated at');
  });

  it('moves a fleet on a type the region no longer offers (DescribeInstanceTypeOfferings) onto the target type, with approval', async () => {
    const fleet = await privateFleet('5.20.0', northEc2Client, 'm4.large');
    const source = new AwsOfferingSource(north.ec2, north.offerings, offeringOptions(fleet.prefix, fleet.fleetTags));
    const changes = await source.detect(context);
    expect(changes).toEqual([
      expect.objectContaining({ kind: 'neo4j-ami', from: fleet.running, to: fleet.running, risk: 'high' }),
    ]);
    expect(changes[0].reason).toContain('instance type m4.large is no longer offered in eu-north-1');
  });

  it('takes the supported image from SSM parameters seeded with PutParameter; an empty path fails coded', async () => {
    const fleet = await privateFleet('5.20.0', northEc2Client, 'm4.large');
    const published = await fleet.addImage('5.26.19');
    const ssmPath = `/dco-test/${fleet.env}/neo4j`;
    await northSsm.send(
      new PutParameterCommand({ Name: `${ssmPath}/5.26/x86_64/ami-id`, Value: published, Type: 'String' }),
    );
    const options = offeringOptions(fleet.prefix, fleet.fleetTags);
    const source = new AwsOfferingSource(
      north.ec2,
      north.offerings,
      { ...options, images: { ...options.images, ssmPath } },
      north.parameters,
    );
    await expect(source.detect(context)).resolves.toEqual([
      expect.objectContaining({ kind: 'neo4j-ami', from: fleet.running, to: published, risk: 'high' }),
    ]);
    const empty = new AwsOfferingSource(
      north.ec2,
      north.offerings,
      { ...options, images: { ...options.images, ssmPath: `${ssmPath}-nothing` } },
      north.parameters,
    );
    await expect(empty.detect(context)).rejects.toMatchObject({ code: 'DETECT.AMI_SSM_PATH_EMPTY' });
  });

  it("applies the operator's retiring list and engine end of support over what AWS says", async () => {
    const fleet = await privateFleet('5.20.0');
    const soon = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
    const loud = new AwsOfferingSource(ec2, new SdkInstanceTypeOfferings(ec2Client, 'us-east-1'), {
      ...offeringOptions(fleet.prefix, fleet.fleetTags),
      retiringInstanceTypes: [{ instanceType: 'm4.large', retiresOn: soon }],
      engineSupport: [{ engine: 'neo4j', version: '5.20', endOfSupport: soon }],
    });
    const changes = await loud.detect(context);
    expect(changes.map((change) => [change.kind, change.subject, change.risk])).toEqual([
      ['neo4j-ami', 'neo4j', 'high'],
      ['aws-offering', 'engine:neo4j@5.20.0', 'medium'],
    ]);
    expect(changes[0].reason).toContain("m4.large is on the operator's retirement list");
  });
});

describe('app-release on the emulator', () => {
  it('compares the manifest with the running task definition image', async () => {
    const cluster = `detect-${Date.now().toString(36)}`;
    await ecs.ensureCluster(cluster);
    const definition = await ecs.registerTaskDefinition({
      family: `${cluster}-runner`,
      image: 'dco/dco-runner:1.4.0',
      environment: {},
    });
    await ecs.createService({ cluster, serviceName: 'dco-runner', taskDefinition: definition.arn, desiredCount: 1 });
    const documents = new InMemoryDocumentReader();
    const source = new AppReleaseSource(documents, ecs, { manifestPath: 'release.json', cluster });

    documents.documents.set(
      'release.json',
      JSON.stringify({ services: { 'dco-runner': { image: 'dco/dco-runner:1.4.0' } } }),
    );
    await expect(source.detect()).resolves.toEqual([]);

    documents.documents.set(
      'release.json',
      JSON.stringify({ services: { 'dco-runner': { image: 'dco/dco-runner:1.5.0' } } }),
    );
    await expect(source.detect()).resolves.toEqual([
      expect.objectContaining({ subject: 'dco-runner', from: 'dco/dco-runner:1.4.0', to: 'dco/dco-runner:1.5.0' }),
    ]);

    documents.documents.set('release.json', '{"services":{"dco-runner":{}}}');
    await expect(source.detect()).rejects.toMatchObject({ code: 'DETECT.MANIFEST_INVALID' });
  });
});
