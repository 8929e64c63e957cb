// Runs the InstanceTypeOfferings contract against the SDK adapter on the local emulator. moto serves AWS's offering data
// per region: eu-north-1 offers m5.large and not m4.large (checked in moto 5.2.5's resources/instance_type_offerings).
import { EC2Client } from '@aws-sdk/client-ec2';
import { localEmulatorOptions } from '../aws-client.config';
import { instanceTypeOfferingsContract } from './instance-type-offerings.contract';
import { SdkInstanceTypeOfferings } from './sdk-instance-type-offerings.adapter';

const options = { ...localEmulatorOptions(), region: 'eu-north-1' };
const client = new EC2Client(options);
afterAll(() => client.destroy());

instanceTypeOfferingsContract('SDK adapter on the emulator', async () => ({
  offerings: new SdkInstanceTypeOfferings(client, options.region),
  offeredType: 'm5.large',
  notOfferedType: 'm4.large',
}));

describe('SdkInstanceTypeOfferings on the emulator', () => {
  it('answers for its own region: us-east-1 still offers m4.large', async () => {
    const usEast = new EC2Client({ ...options, region: 'us-east-1' });
    try {
      await expect(new SdkInstanceTypeOfferings(usEast, 'us-east-1').offered(['m4.large'])).resolves.toEqual(
        new Set(['m4.large']),
      );
    } finally {
      usEast.destroy();
    }
  });
});
