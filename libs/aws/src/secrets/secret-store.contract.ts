// The behaviour every SecretStore must show; run against the in-memory fake (unit) and the SDK adapter on moto (int).
import { SecretStore } from './secret-store.port';

export function secretStoreContract(
  label: string,
  make: () => Promise<{ store: SecretStore; put: (secretId: string, value: string | Uint8Array) => Promise<void> }>,
): void {
  describe(`SecretStore contract: ${label}`, () => {
    // Names private to each run, so the contract holds on a shared, long-lived emulator too.
    const name = (what: string) =>
      `dco-test/c${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}/${what}`;

    it('reads the text of a secret', async () => {
      const { store, put } = await make();
      const id = name('neo4j-password');
      await put(id, 'a password: with spaces, "quotes" and ünïcode');
      await expect(store.read(id)).resolves.toBe('a password: with spaces, "quotes" and ünïcode');
    });

    it('reads the current value after the secret is rotated', async () => {
      const { store, put } = await make();
      const id = name('backup-signing-key');
      await put(id, 'k1:first');
      await put(id, 'k2:second');
      await expect(store.read(id)).resolves.toBe('k2:second');
    });

    it('answers undefined for a secret that does not exist', async () => {
      const { store } = await make();
      await expect(store.read(name('missing'))).resolves.toBeUndefined();
    });

    it('refuses a binary secret with SECRETS.UNREADABLE', async () => {
      const { store, put } = await make();
      const id = name('binary');
      await put(id, new Uint8Array([0, 1, 2, 255]));
      await expect(store.read(id)).rejects.toMatchObject({ code: 'SECRETS.UNREADABLE' });
    });
  });
}
