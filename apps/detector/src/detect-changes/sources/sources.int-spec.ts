// The AWS-backed detection sources against the local emulator: each finds its change and none when nothing changed.
import { CreateTagsCommand, EC2Client, RegisterImageCommand, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { SdkEc2Inventory, SdkEcsServices, localEmulatorOptions } from '@dco/aws';
import { InMemoryDocumentReader } from '../document-reader.port';
import { AppReleaseSource } from './app-release.source';
import { AwsOfferingSource } from './aws-offering.source';
import { Neo4jAmiSource } from './neo4j-ami.source';

const ec2Client = new EC2Client(localEmulatorOptions());
const ecsClient = new ECSClient(localEmulatorOptions());
const ec2 = new SdkEc2Inventory(ec2Client);
const ecs = new SdkEcsServices(ecsClient);
afterAll(() => {
  ec2Client.destroy();
  ecsClient.destroy();
});

const context = { day: '2026-11-26', now: new Date() };
const tags = (record: Record<string, string>) => Object.entries(record).map(([Key, Value]) => ({ Key, Value }));

/** A fleet private to this test: its own env tag and AMI name prefix on the shared emulator. */
async function privateFleet(version: string) {
  const env = `t${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  const prefix = `neo4j-${env}`;
  const addImage = async (imageVersion: string, extraTags: Record<string, string> = {}) => {
    const { ImageId } = await ec2Client.send(new RegisterImageCommand({ Name: `${prefix}-${imageVersion}-x86_64` }));
    await ec2Client.send(
      new CreateTagsCommand({
        Resources: [ImageId ?? ''],
        Tags: tags({ 'dco:neo4j-version': imageVersion, ...extraTags }),
      }),
    );
    return ImageId ?? '';
  };
  const running = await addImage(version);
  await ec2Client.send(
    new RunInstancesCommand({
      ImageId: running,
      InstanceType: 'm4.large',
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
  it('reports a retiring instance type and engine end of support of the running fleet, nothing otherwise', async () => {
    const fleet = await privateFleet('5.20.0');
    const quiet = new AwsOfferingSource(ec2, {
      retiringInstanceTypes: [],
      engineSupport: [],
      horizonDays: 30,
      fleetTags: fleet.fleetTags,
    });
    await expect(quiet.detect(context)).resolves.toEqual([]);
    const soon = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
    const loud = new AwsOfferingSource(ec2, {
      retiringInstanceTypes: [{ instanceType: 'm4.large', retiresOn: soon }],
      engineSupport: [{ engine: 'neo4j', version: '5.20', endOfSupport: soon }],
      horizonDays: 30,
      fleetTags: fleet.fleetTags,
    });
    const changes = await loud.detect(context);
    expect(changes.map((change) => change.subject)).toEqual(['instance-type:m4.large', 'engine:neo4j@5.20.0']);
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
