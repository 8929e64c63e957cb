// Runs the InstanceTypeOfferings contract against the in-memory fake, and its withdraw/offer-everything modes.
import { InMemoryInstanceTypeOfferings } from './in-memory-instance-type-offerings.fake';
import { instanceTypeOfferingsContract } from './instance-type-offerings.contract';

instanceTypeOfferingsContract('in-memory fake', async () => ({
  offerings: new InMemoryInstanceTypeOfferings(['m5.large', 'r6i.large'], 'eu-north-1'),
  offeredType: 'm5.large',
  notOfferedType: 'm4.large',
}));

describe('InMemoryInstanceTypeOfferings', () => {
  it('stops offering a withdrawn type', async () => {
    const offerings = new InMemoryInstanceTypeOfferings(['m5.large', 'r6i.large']);
    offerings.withdraw('m5.large');
    await expect(offerings.offered(['m5.large', 'r6i.large'])).resolves.toEqual(new Set(['r6i.large']));
  });

  it('offers every type in the offer-everything mode (embedded profile)', async () => {
    await expect(new InMemoryInstanceTypeOfferings('all').offered(['x1.large'])).resolves.toEqual(
      new Set(['x1.large']),
    );
  });
});
