// The behaviour every Neo4jFleet must show; run against the in-memory fake (unit) and the EC2 and ECS adapters on the emulator (int).
import { CodedError } from '@dco/contracts';
import { Neo4jFleet } from './neo4j-fleet.port';

export interface FleetUnderTest {
  fleet: Neo4jFleet;
  /** A released image of the Neo4j version. */
  imageOf(version: string): Promise<string>;
  /** A released image whose servers never answer Bolt. */
  unreachableImage(): Promise<string>;
  /** An image id that names no image. */
  missingImage: string;
}

export function neo4jFleetContract(label: string, make: () => Promise<FleetUnderTest>): void {
  describe(`Neo4jFleet contract: ${label}`, () => {
    const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
    const codeOf = (error: unknown) => (error instanceof CodedError ? error.code : String(error));

    it('provisions a green of the image version, found again by its token and listed by describe', async () => {
      const { fleet, imageOf } = await make();
      const image = await imageOf('5.26.19');
      const green = await fleet.provision(image, { clientToken: `${run}-green-1` });
      expect(green).toMatchObject({
        imageId: image,
        version: '5.26.19',
        color: 'green',
        clientToken: `${run}-green-1`,
      });
      expect(green.boltUri).not.toBe('');
      const again = await fleet.provision(image, { clientToken: `${run}-green-1` });
      expect(again.instanceId).toBe(green.instanceId);
      expect(await fleet.describe()).toEqual([
        expect.objectContaining({
          instanceId: green.instanceId,
          imageId: image,
          boltUri: green.boltUri,
          version: '5.26.19',
          color: 'green',
          clientToken: `${run}-green-1`,
        }),
      ]);
    });

    it('recolours a member, and ignores a colour for an endpoint that is not one', async () => {
      const { fleet, imageOf } = await make();
      const green = await fleet.provision(await imageOf('5.26.19'), { clientToken: `${run}-green-2` });
      await fleet.setColor(green.instanceId, 'blue');
      await fleet.setColor('scratch-blue', 'retiring');
      expect((await fleet.describe()).map((member) => [member.instanceId, member.color])).toEqual([
        [green.instanceId, 'blue'],
      ]);
    });

    it('terminates a member; terminating it again or an unknown one is not an error', async () => {
      const { fleet, imageOf } = await make();
      const image = await imageOf('5.26.19');
      const gone = await fleet.provision(image, { clientToken: `${run}-green-3` });
      const kept = await fleet.provision(image, { clientToken: `${run}-green-4` });
      await fleet.terminate(gone.instanceId);
      await fleet.terminate(gone.instanceId);
      await fleet.terminate('never-provisioned');
      expect((await fleet.describe()).map((member) => member.instanceId)).toEqual([kept.instanceId]);
    });

    it('refuses an image that does not exist with DB.PROVISION_FAILED and provisions nothing', async () => {
      const { fleet, missingImage } = await make();
      const error = await fleet.provision(missingImage, { clientToken: `${run}-green-5` }).catch((e: unknown) => e);
      expect(codeOf(error)).toBe('DB.PROVISION_FAILED');
      expect(await fleet.describe()).toEqual([]);
    });

    it('gives up on a green that never answers with DB.PROVISION_FAILED and leaves it terminated', async () => {
      const { fleet, unreachableImage } = await make();
      const image = await unreachableImage();
      const error = await fleet
        .provision(image, { clientToken: `${run}-green-6`, readyTimeoutMs: 1_000 })
        .catch((e: unknown) => e);
      expect(codeOf(error)).toBe('DB.PROVISION_FAILED');
      expect(await fleet.describe()).toEqual([]);
    });
  });
}
