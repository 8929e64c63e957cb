// The behaviour every ImageParameters must show; run against the in-memory fake (unit) and the SDK adapter on moto (int).
import { ImageParameters } from './image-parameters.port';

export function imageParametersContract(
  label: string,
  make: () => Promise<{ parameters: ImageParameters; put: (name: string, value: string) => Promise<void> }>,
): void {
  describe(`ImageParameters contract: ${label}`, () => {
    // A path private to each run, so the contract holds on a shared, long-lived emulator too.
    const root = () => `/dco-test/c${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}/neo4j`;

    it('reads every AMI id under a path, recursively, sorted by parameter name', async () => {
      const { parameters, put } = await make();
      const path = root();
      await put(`${path}/5.26/x86_64/ami-id`, 'ami-0123456789abcdef0');
      await put(`${path}/2025.01/x86_64/ami-id`, 'ami-0fedcba9876543210');
      await expect(parameters.imageIdsUnder(path)).resolves.toEqual([
        { parameter: `${path}/2025.01/x86_64/ami-id`, imageId: 'ami-0fedcba9876543210' },
        { parameter: `${path}/5.26/x86_64/ami-id`, imageId: 'ami-0123456789abcdef0' },
      ]);
    });

    it('reads a path that names one parameter', async () => {
      const { parameters, put } = await make();
      const name = `${root()}/current/ami-id`;
      await put(name, 'ami-0123456789abcdef0');
      await expect(parameters.imageIdsUnder(name)).resolves.toEqual([
        { parameter: name, imageId: 'ami-0123456789abcdef0' },
      ]);
    });

    it('leaves out values that are not AMI ids', async () => {
      const { parameters, put } = await make();
      const path = root();
      await put(`${path}/current/ami-id`, 'ami-0123456789abcdef0');
      await put(`${path}/current/version`, '5.26.19');
      await expect(parameters.imageIdsUnder(path)).resolves.toEqual([
        { parameter: `${path}/current/ami-id`, imageId: 'ami-0123456789abcdef0' },
      ]);
    });

    it('answers an empty list for a path with nothing under it', async () => {
      const { parameters } = await make();
      await expect(parameters.imageIdsUnder(`${root()}/nothing`)).resolves.toEqual([]);
    });

    it('does not read a sibling path that merely shares the prefix', async () => {
      const { parameters, put } = await make();
      const path = root();
      await put(`${path}-other/ami-id`, 'ami-0123456789abcdef0');
      await expect(parameters.imageIdsUnder(path)).resolves.toEqual([]);
    });
  });
}
