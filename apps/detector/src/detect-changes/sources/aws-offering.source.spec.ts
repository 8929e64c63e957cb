// aws-offering: deprecated AMIs, retiring instance types and engine end of support of the running fleet.
import { InMemoryEc2Inventory } from '@dco/aws';
import { AwsOfferingSource, parseEngineSupport, parseRetiringInstanceTypes } from './aws-offering.source';

const context = { day: '2026-11-26', now: new Date('2026-11-26T06:00:00Z') };

function fleet(deprecationTime?: string) {
  const ec2 = new InMemoryEc2Inventory();
  const imageId = ec2.addImage({
    name: 'neo4j-5.20.0-a',
    creationDate: '2026-01-01T00:00:00Z',
    ...(deprecationTime ? { deprecationTime } : {}),
  });
  ec2.addInstance({ imageId, instanceType: 'm4.large', tags: { 'dco:role': 'neo4j', 'dco:color': 'blue' } });
  return ec2;
}

describe('AwsOfferingSource', () => {
  it('reports a deprecated AMI, a retiring instance type and an engine reaching end of support', async () => {
    const source = new AwsOfferingSource(fleet('2026-11-01T00:00:00Z'), {
      retiringInstanceTypes: parseRetiringInstanceTypes('m4.large:2026-12-15,t2.micro'),
      engineSupport: parseEngineSupport('neo4j@5.20:2026-12-01'),
      horizonDays: 30,
    });
    const changes = await source.detect(context);
    expect(changes.map((change) => [change.subject, change.to, change.risk])).toEqual([
      [expect.stringMatching(/^ami:ami-/), 'deprecated', 'high'],
      ['instance-type:m4.large', 'retiring', 'medium'],
      ['engine:neo4j@5.20.0', 'end-of-support', 'medium'],
    ]);
  });

  it('reports nothing when nothing ends within the horizon', async () => {
    const source = new AwsOfferingSource(fleet('2027-06-01T00:00:00Z'), {
      retiringInstanceTypes: parseRetiringInstanceTypes('m4.large:2027-12-15'),
      engineSupport: parseEngineSupport('neo4j@5.20:2027-12-01'),
      horizonDays: 30,
    });
    await expect(source.detect(context)).resolves.toEqual([]);
  });

  it('refuses a malformed end-of-support entry', () => {
    expect(() => parseEngineSupport('neo4j-5.20')).toThrow(expect.objectContaining({ code: 'CONFIG.INVALID' }));
  });
});
