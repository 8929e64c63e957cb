// The behaviour every InstanceTypeOfferings must show; run against the in-memory fake (unit) and the SDK adapter on moto (int).
import { InstanceTypeOfferings } from './instance-type-offerings.port';

export function instanceTypeOfferingsContract(
  label: string,
  make: () => Promise<{ offerings: InstanceTypeOfferings; offeredType: string; notOfferedType: string }>,
): void {
  describe(`InstanceTypeOfferings contract: ${label}`, () => {
    it('answers which of the asked types the region offers', async () => {
      const { offerings, offeredType, notOfferedType } = await make();
      await expect(offerings.offered([offeredType, notOfferedType])).resolves.toEqual(new Set([offeredType]));
    });

    it('leaves out a type that does not exist instead of failing', async () => {
      const { offerings, offeredType } = await make();
      await expect(offerings.offered(['zz9.nonexistent', offeredType])).resolves.toEqual(new Set([offeredType]));
    });

    it('answers an empty question with an empty set', async () => {
      const { offerings } = await make();
      await expect(offerings.offered([])).resolves.toEqual(new Set());
    });

    it('names its region', async () => {
      const { offerings } = await make();
      expect(offerings.region).toMatch(/^[a-z]{2}(-[a-z]+)+-\d$/);
    });
  });
}
