// neo4j-ami: finds a newer AMI, stays quiet when the fleet runs the newest, rejects an empty filter.
import { InMemoryEc2Inventory, InMemoryImageParameters } from '@dco/aws';
import { Neo4jAmiSource } from './neo4j-ami.source';

const context = { day: '2026-11-26', now: new Date('2026-11-26T06:00:00Z') };
const options = { owners: ['self'], namePattern: 'neo4j-*' };

function fleetOn(version: string, ec2 = new InMemoryEc2Inventory()) {
  const imageId = ec2.addImage({ name: `neo4j-${version}-a`, creationDate: '2026-01-01T00:00:00Z' });
  ec2.addInstance({ imageId, instanceType: 'r6i.large', tags: { 'dco:role': 'neo4j', 'dco:color': 'blue' } });
  return { ec2, imageId };
}

describe('Neo4jAmiSource', () => {
  it('reports the newest AMI when the fleet runs an older one, with the version jump as risk', async () => {
    const { ec2, imageId } = fleetOn('5.20.0');
    const newer = ec2.addImage({ name: 'neo4j-5.26.19-b', creationDate: '2026-11-01T00:00:00Z' });
    ec2.addImage({ name: 'neo4j-5.26.18-b', creationDate: '2026-10-01T00:00:00Z' });
    const changes = await new Neo4jAmiSource(ec2, options).detect(context);
    expect(changes).toEqual([
      expect.objectContaining({ kind: 'neo4j-ami', subject: 'neo4j', from: imageId, to: newer, risk: 'medium' }),
    ]);
    expect(changes[0].reason).toContain('5.20.0 -> 5.26.19');
  });

  it('rates a major version as high risk', async () => {
    const { ec2 } = fleetOn('5.26.19');
    ec2.addImage({
      name: 'neo4j-2025.01.0-c',
      creationDate: '2026-11-02T00:00:00Z',
      tags: { 'dco:neo4j-version': '2025.01.0' },
    });
    const [change] = await new Neo4jAmiSource(ec2, options).detect(context);
    expect(change.risk).toBe('high');
  });

  it('reports nothing when the fleet runs the newest AMI', async () => {
    const { ec2 } = fleetOn('5.26.19');
    await expect(new Neo4jAmiSource(ec2, options).detect(context)).resolves.toEqual([]);
  });

  it('judges only the serving (blue) server: a retiring old one in its grace period does not re-report the migration', async () => {
    const ec2 = new InMemoryEc2Inventory();
    const old = ec2.addImage({ name: 'neo4j-5.20.0-a', creationDate: '2026-01-01T00:00:00Z' });
    ec2.addInstance({
      imageId: old,
      instanceType: 'r6i.large',
      tags: { 'dco:role': 'neo4j', 'dco:color': 'retiring' },
    });
    const newest = ec2.addImage({ name: 'neo4j-5.26.19-b', creationDate: '2026-11-01T00:00:00Z' });
    ec2.addInstance({ imageId: newest, instanceType: 'r6i.large', tags: { 'dco:role': 'neo4j', 'dco:color': 'blue' } });
    await expect(new Neo4jAmiSource(ec2, options).detect(context)).resolves.toEqual([]);
  });

  it('does not count a green still being built as serving', async () => {
    const { ec2, imageId } = fleetOn('5.20.0');
    const newest = ec2.addImage({ name: 'neo4j-5.26.19-b', creationDate: '2026-11-01T00:00:00Z' });
    ec2.addInstance({
      imageId: newest,
      instanceType: 'r6i.large',
      tags: { 'dco:role': 'neo4j', 'dco:color': 'green' },
    });
    const changes = await new Neo4jAmiSource(ec2, options).detect(context);
    expect(changes).toEqual([expect.objectContaining({ from: imageId, to: newest })]);
  });

  it('skips deprecated images when choosing the newest', async () => {
    const { ec2 } = fleetOn('5.26.19');
    ec2.addImage({
      name: 'neo4j-5.26.20-x',
      creationDate: '2026-11-03T00:00:00Z',
      deprecationTime: '2026-11-20T00:00:00Z',
    });
    await expect(new Neo4jAmiSource(ec2, options).detect(context)).resolves.toEqual([]);
  });

  it('rejects a filter that matches no image with DETECT.AMI_FILTER_EMPTY', async () => {
    const { ec2 } = fleetOn('5.26.19');
    await expect(
      new Neo4jAmiSource(ec2, { owners: ['self'], namePattern: 'neo5j-*' }).detect(context),
    ).rejects.toMatchObject({
      code: 'DETECT.AMI_FILTER_EMPTY',
    });
  });

  it('reads the published images from the SSM parameter path when one is configured, not the name filter', async () => {
    const { ec2, imageId } = fleetOn('5.20.0');
    ec2.addImage({ name: 'neo4j-5.26.30-by-name', creationDate: '2026-11-20T00:00:00Z' });
    const published = ec2.addImage({ name: 'neo4j-5.26.19-ssm', creationDate: '2026-11-01T00:00:00Z' });
    const parameters = new InMemoryImageParameters();
    parameters.put('/neo4j/ami/5.26/x86_64/ami-id', published);
    const changes = await new Neo4jAmiSource(ec2, { ...options, ssmPath: '/neo4j/ami' }, parameters).detect(context);
    expect(changes).toEqual([expect.objectContaining({ from: imageId, to: published })]);
  });

  it('rejects an SSM path that publishes no AMI id with DETECT.AMI_SSM_PATH_EMPTY', async () => {
    const { ec2 } = fleetOn('5.26.19');
    await expect(
      new Neo4jAmiSource(ec2, { ...options, ssmPath: '/neo4j/nothing' }, new InMemoryImageParameters()).detect(context),
    ).rejects.toMatchObject({ code: 'DETECT.AMI_SSM_PATH_EMPTY' });
  });
});
