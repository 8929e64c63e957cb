// aws-offering: a deprecated running AMI and a type the region no longer offers (or the operator retires) become a Neo4j
// blue-green onto a supported image/type; what cannot be remediated stays an aws-offering change; engine end of support.
import { InMemoryEc2Inventory, InMemoryImageParameters, InMemoryInstanceTypeOfferings } from '@dco/aws';
import { DEFAULT_POLICY, approvalReasons, isDbChange } from '@dco/saga';
import {
  AwsOfferingOptions,
  AwsOfferingSource,
  parseEngineSupport,
  parseRetiringInstanceTypes,
} from './aws-offering.source';

const context = { day: '2026-11-26', now: new Date('2026-11-26T06:00:00Z') };
const images = { owners: ['self'], namePattern: 'neo4j-*' };

function world(options: { deprecationTime?: string; instanceType?: string } = {}) {
  const ec2 = new InMemoryEc2Inventory();
  const running = ec2.addImage({
    name: 'neo4j-5.20.0-a',
    creationDate: '2026-01-01T00:00:00Z',
    ...(options.deprecationTime ? { deprecationTime: options.deprecationTime } : {}),
  });
  ec2.addInstance({
    imageId: running,
    instanceType: options.instanceType ?? 'm4.large',
    tags: { 'dco:role': 'neo4j', 'dco:color': 'blue' },
  });
  const offerings = new InMemoryInstanceTypeOfferings(['m4.large', 'm5.large', 'r6i.large'], 'eu-north-1');
  return { ec2, running, offerings };
}

function source(
  { ec2, offerings }: ReturnType<typeof world>,
  options: Partial<AwsOfferingOptions> = {},
  parameters?: InMemoryImageParameters,
) {
  return new AwsOfferingSource(
    ec2,
    offerings,
    {
      retiringInstanceTypes: [],
      engineSupport: [],
      horizonDays: 30,
      images,
      targetInstanceType: 'r6i.large',
      ...options,
    },
    parameters,
  );
}

describe('AwsOfferingSource', () => {
  it('reports nothing when the AMI is not deprecated, the type is offered and nothing ends within the horizon', async () => {
    const fleet = world({ deprecationTime: '2027-06-01T00:00:00Z' });
    const quiet = source(fleet, {
      retiringInstanceTypes: parseRetiringInstanceTypes('m4.large:2027-12-15'),
      engineSupport: parseEngineSupport('neo4j@5.20:2027-12-01'),
    });
    await expect(quiet.detect(context)).resolves.toEqual([]);
  });

  it('turns a deprecated running AMI into a blue-green onto the newest supported image, rated by the version jump', async () => {
    const fleet = world({ deprecationTime: '2026-11-01T00:00:00Z' });
    const supported = fleet.ec2.addImage({ name: 'neo4j-5.26.19-b', creationDate: '2026-10-01T00:00:00Z' });
    fleet.ec2.addImage({
      name: 'neo4j-5.26.20-c',
      creationDate: '2026-11-10T00:00:00Z',
      deprecationTime: '2026-12-01T00:00:00Z', // deprecated within the horizon: not a target
    });
    const changes = await source(fleet).detect(context);
    expect(changes).toEqual([
      {
        kind: 'neo4j-ami',
        subject: 'neo4j',
        from: fleet.running,
        to: supported,
        risk: 'medium',
        reason: expect.stringContaining(`was deprecated at 2026-11-01T00:00:00Z`),
      },
    ]);
    expect(changes[0].reason).toMatch(/^blue-green onto neo4j-5\.26\.19-b: the running AMI neo4j-5\.20\.0-a/);
  });

  it('keeps a deprecated AMI with no supported replacement as a high-risk aws-offering change', async () => {
    const fleet = world({ deprecationTime: '2026-12-10T00:00:00Z' });
    const [change] = await source(fleet).detect(context);
    expect(change).toMatchObject({
      kind: 'aws-offering',
      subject: `ami:${fleet.running}`,
      to: 'deprecated',
      risk: 'high',
    });
    expect(change.reason).toContain('will be deprecated at 2026-12-10');
    expect(change.reason).toContain('no supported image is published under owners self and name neo4j-*');
  });

  it('moves a fleet on a type the region no longer offers onto DCO_NEO4J_INSTANCE_TYPE, with approval (high risk)', async () => {
    const fleet = world();
    fleet.offerings.withdraw('m4.large');
    const changes = await source(fleet).detect(context);
    expect(changes).toEqual([
      {
        kind: 'neo4j-ami',
        subject: 'neo4j',
        from: fleet.running,
        to: fleet.running, // the running image is still the newest supported one: only the type changes
        risk: 'high',
        reason:
          'blue-green onto neo4j-5.20.0-a on r6i.large: instance type m4.large is no longer offered in eu-north-1: the fleet moves to r6i.large',
      },
    ]);
  });

  it("is remediated by the saga's blue-green (a db change), with approval under the default policy only when the type changes", async () => {
    const moved = world();
    moved.offerings.withdraw('m4.large');
    const typeChange = await source(moved).detect(context);
    expect(typeChange.every(isDbChange)).toBe(true);
    expect(approvalReasons(typeChange, DEFAULT_POLICY)).toEqual([
      expect.stringContaining('instance type m4.large is no longer offered in eu-north-1'),
    ]);
    const deprecated = world({ deprecationTime: '2026-11-01T00:00:00Z' });
    deprecated.ec2.addImage({ name: 'neo4j-5.20.3-b', creationDate: '2026-10-01T00:00:00Z' });
    const imageOnly = await source(deprecated, { targetInstanceType: 'm4.large' }).detect(context);
    expect(imageOnly.every(isDbChange)).toBe(true);
    expect(approvalReasons(imageOnly, DEFAULT_POLICY)).toEqual([]);
  });

  it("also retires a type on the operator's list (override) although AWS still offers it; a later date waits", async () => {
    const soon = source(world(), { retiringInstanceTypes: parseRetiringInstanceTypes('m4.large:2026-12-15') });
    const [change] = await soon.detect(context);
    expect(change).toMatchObject({ kind: 'neo4j-ami', risk: 'high' });
    expect(change.reason).toContain("m4.large is on the operator's retirement list (retires 2026-12-15)");
    const later = source(world(), { retiringInstanceTypes: parseRetiringInstanceTypes('m4.large:2027-02-01') });
    await expect(later.detect(context)).resolves.toEqual([]);
  });

  it('reports a retiring type as an aws-offering change when the target type is no replacement', async () => {
    const fleet = world();
    fleet.offerings.withdraw('m4.large');
    fleet.offerings.withdraw('r6i.large');
    const [change] = await source(fleet).detect(context);
    expect(change).toMatchObject({
      kind: 'aws-offering',
      subject: 'instance-type:m4.large',
      from: 'm4.large',
      to: 'not-offered',
      risk: 'high',
    });
    expect(change.reason).toContain('DCO_NEO4J_INSTANCE_TYPE=r6i.large is no replacement');
    const same = world({ instanceType: 'r6i.large' });
    same.offerings.withdraw('r6i.large');
    const [sameType] = await source(same).detect(context);
    expect(sameType).toMatchObject({ subject: 'instance-type:r6i.large', to: 'not-offered' });
  });

  it('combines a deprecated AMI and a retiring type into one blue-green, the riskiest finding deciding', async () => {
    const fleet = world({ deprecationTime: '2026-11-01T00:00:00Z' });
    fleet.offerings.withdraw('m4.large');
    const supported = fleet.ec2.addImage({ name: 'neo4j-5.20.1-b', creationDate: '2026-10-01T00:00:00Z' });
    const changes = await source(fleet).detect(context);
    expect(changes).toEqual([expect.objectContaining({ kind: 'neo4j-ami', to: supported, risk: 'high' })]);
    expect(changes[0].reason).toContain('deprecated');
    expect(changes[0].reason).toContain('no longer offered');
  });

  it('takes the supported image from the SSM parameter path when one is configured', async () => {
    const fleet = world({ deprecationTime: '2026-11-01T00:00:00Z' });
    fleet.ec2.addImage({ name: 'neo4j-5.26.30-by-name', creationDate: '2026-11-20T00:00:00Z' });
    const published = fleet.ec2.addImage({ name: 'neo4j-5.26.19-ssm', creationDate: '2026-10-01T00:00:00Z' });
    const parameters = new InMemoryImageParameters();
    parameters.put('/neo4j/ami/5.26/x86_64', published);
    const changes = await source(fleet, { images: { ...images, ssmPath: '/neo4j/ami' } }, parameters).detect(context);
    expect(changes).toEqual([expect.objectContaining({ kind: 'neo4j-ami', to: published })]);
  });

  it('fails with DETECT.AMI_SSM_PATH_EMPTY when the SSM path publishes no AMI id, instead of reporting no change', async () => {
    const fleet = world({ deprecationTime: '2026-11-01T00:00:00Z' });
    const parameters = new InMemoryImageParameters();
    parameters.put('/neo4j/ami/version', '5.26.19');
    await expect(
      source(fleet, { images: { ...images, ssmPath: '/neo4j/ami' } }, parameters).detect(context),
    ).rejects.toMatchObject({ code: 'DETECT.AMI_SSM_PATH_EMPTY' });
  });

  it('judges only the serving (blue) instances', async () => {
    const fleet = world();
    fleet.ec2.addInstance({
      imageId: fleet.running,
      instanceType: 'm1.small',
      tags: { 'dco:role': 'neo4j', 'dco:color': 'retiring' },
    });
    await expect(source(fleet).detect(context)).resolves.toEqual([]);
  });

  it('reports an engine reaching end of support', async () => {
    const changes = await source(world(), { engineSupport: parseEngineSupport('neo4j@5.20:2026-12-01') }).detect(
      context,
    );
    expect(changes.map((change) => [change.subject, change.to, change.risk])).toEqual([
      ['engine:neo4j@5.20.0', 'end-of-support', 'medium'],
    ]);
  });

  it('refuses a malformed end-of-support entry', () => {
    expect(() => parseEngineSupport('neo4j-5.20')).toThrow(expect.objectContaining({ code: 'CONFIG.INVALID' }));
  });

  it.each([['m4.large:2027-13'], ['M4.Large'], ['m4.large:2027-01-31:x'], ['m4large']])(
    'refuses a malformed retiring instance type entry %s with CONFIG.INVALID',
    (entry) => {
      expect(() => parseRetiringInstanceTypes(entry)).toThrow(
        expect.objectContaining({
          code: 'CONFIG.INVALID',
          message: expect.stringContaining('DCO_RETIRING_INSTANCE_TYPES'),
        }),
      );
    },
  );
});
