// The behaviour every Ec2Inventory must show; run against the in-memory fake (unit) and the SDK adapter on moto (int).
import { Ec2Inventory } from './ec2-inventory.port';

/** How a contract run creates its fixtures on the implementation under test. */
export interface Ec2Seeder {
  /** deprecationTime: natively where the implementation can (EnableImageDeprecation), else as DEPRECATION_TAG. */
  addImage(image: { name: string; tags?: Record<string, string>; deprecationTime?: string }): Promise<string>;
  addInstance(instance: { imageId: string; instanceType: string; tags: Record<string, string> }): Promise<string>;
  terminate(instanceId: string): Promise<void>;
}

export function ec2InventoryContract(
  label: string,
  make: () => Promise<{ inventory: Ec2Inventory; seed: Ec2Seeder; owner: string }>,
): void {
  describe(`Ec2Inventory contract: ${label}`, () => {
    // Unique names per run, so the contract holds on a shared, long-lived emulator too.
    const run = `c${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;

    it('finds images by owner and name pattern only', async () => {
      const { inventory, seed, owner } = await make();
      const wanted = await seed.addImage({ name: `neo4j-5.26.19-${run}-a`, tags: { 'dco:neo4j-version': '5.26.19' } });
      await seed.addImage({ name: `other-${run}` });
      const images = await inventory.findImages({ owners: [owner], namePattern: `neo4j-*-${run}-?` });
      expect(images.map((image) => image.imageId)).toEqual([wanted]);
      expect(images[0]).toMatchObject({ name: `neo4j-5.26.19-${run}-a`, tags: { 'dco:neo4j-version': '5.26.19' } });
      expect(Number.isNaN(Date.parse(images[0].creationDate))).toBe(false);
    });

    it('returns nothing (not an error) when the pattern matches no image', async () => {
      const { inventory, owner } = await make();
      await expect(inventory.findImages({ owners: [owner], namePattern: `nothing-${run}-*` })).resolves.toEqual([]);
    });

    it('looks images up by id and skips unknown ids', async () => {
      const { inventory, seed } = await make();
      const id = await seed.addImage({ name: `byid-${run}` });
      const images = await inventory.findImagesById([id, 'ami-00000000000000000']);
      expect(images.map((image) => image.imageId)).toEqual([id]);
    });

    it("reports an image's deprecation time, and none for an image that is not deprecated", async () => {
      const { inventory, seed } = await make();
      const deprecated = await seed.addImage({ name: `old-${run}`, deprecationTime: '2026-11-01T00:00:00.000Z' });
      const current = await seed.addImage({ name: `new-${run}` });
      const images = await inventory.findImagesById([deprecated, current]);
      const byId = new Map(images.map((image) => [image.imageId, image]));
      expect(Date.parse(byId.get(deprecated)?.deprecationTime ?? '')).toBe(Date.parse('2026-11-01T00:00:00.000Z'));
      expect(byId.get(current)?.deprecationTime).toBeUndefined();
    });

    it('finds live instances by every tag, not terminated ones', async () => {
      const { inventory, seed } = await make();
      const imageId = await seed.addImage({ name: `fleet-${run}` });
      const blue = await seed.addInstance({
        imageId,
        instanceType: 't3.large',
        tags: { 'dco:role': `neo4j-${run}`, 'dco:color': 'blue' },
      });
      const gone = await seed.addInstance({
        imageId,
        instanceType: 't3.large',
        tags: { 'dco:role': `neo4j-${run}`, 'dco:color': 'green' },
      });
      await seed.addInstance({ imageId, instanceType: 't3.large', tags: { 'dco:role': `other-${run}` } });
      await seed.terminate(gone);
      const live = await inventory.findInstances({ tags: { 'dco:role': `neo4j-${run}` } });
      expect(live.map((instance) => instance.instanceId)).toEqual([blue]);
      expect(live[0]).toMatchObject({ imageId, instanceType: 't3.large', tags: { 'dco:color': 'blue' } });
      const blueOnly = await inventory.findInstances({ tags: { 'dco:role': `neo4j-${run}`, 'dco:color': 'green' } });
      expect(blueOnly).toEqual([]);
    });
  });
}
