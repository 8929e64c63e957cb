// Instance type offerings over the AWS SDK v3: DescribeInstanceTypeOfferings in the client's region (real AWS or moto).
import { DescribeInstanceTypeOfferingsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { AwsClientOptions } from '../aws-client.config';
import { InstanceTypeOfferings } from './instance-type-offerings.port';

/** AWS accepts at most this many values in one filter. */
const FILTER_VALUES_MAX = 200;

export class SdkInstanceTypeOfferings implements InstanceTypeOfferings {
  constructor(
    private readonly client: EC2Client,
    readonly region: string,
  ) {}

  static fromOptions(options: AwsClientOptions): SdkInstanceTypeOfferings {
    return new SdkInstanceTypeOfferings(new EC2Client(options), options.region);
  }

  async offered(instanceTypes: string[]): Promise<Set<string>> {
    const wanted = [...new Set(instanceTypes)];
    const offered = new Set<string>();
    for (let start = 0; start < wanted.length; start += FILTER_VALUES_MAX) {
      const values = wanted.slice(start, start + FILTER_VALUES_MAX);
      let nextToken: string | undefined;
      do {
        const page = await this.client.send(
          new DescribeInstanceTypeOfferingsCommand({
            LocationType: 'region',
            Filters: [{ Name: 'instance-type', Values: values }],
            NextToken: nextToken,
          }),
        );
        for (const offering of page.InstanceTypeOfferings ?? []) {
          if (offering.InstanceType && values.includes(offering.InstanceType)) offered.add(offering.InstanceType);
        }
        nextToken = page.NextToken;
      } while (nextToken);
    }
    return offered;
  }
}
