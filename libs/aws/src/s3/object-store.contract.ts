// The behaviour every ObjectStore must show; run against the in-memory fake (unit) and S3 on moto (int). On moto this
// is also the check that the stack's emulator honours conditional writes: without If-None-Match / If-Match support,
// the "never overwrites" and "conflict" cases fail.
import { ObjectStore, readJsonObject, updateJsonObject } from './object-store.port';

/** make() gives a fresh, empty store and a second instance over the same objects (another replica's view). */
export function objectStoreContract(
  label: string,
  make: () => Promise<{ store: ObjectStore; peer: ObjectStore }>,
  timeoutMs = 5_000,
): void {
  describe(`ObjectStore contract: ${label}`, () => {
    it(
      'create writes once and never overwrites (If-None-Match: *)',
      async () => {
        const { store } = await make();
        const first = await store.create('a/one.json', 'first');
        expect(first).toEqual({ etag: expect.any(String) });
        expect(await store.create('a/one.json', 'second')).toBe('exists');
        expect((await store.get('a/one.json'))?.body.toString()).toBe('first');
      },
      timeoutMs,
    );

    it(
      'replace writes only over the version it read (If-Match: ETag)',
      async () => {
        const { store } = await make();
        const created = await store.create('b.json', 'v1');
        if (created === 'exists') throw new Error('fresh key existed');
        const second = await store.replace('b.json', 'v2', created.etag);
        if (second === 'conflict') throw new Error('replace at the current ETag conflicted');
        expect(await store.replace('b.json', 'stale', created.etag)).toBe('conflict');
        expect((await store.get('b.json'))?.body.toString()).toBe('v2');
        expect(await store.replace('missing.json', 'x', second.etag)).toBe('conflict');
        expect(await store.get('missing.json')).toBeUndefined();
      },
      timeoutMs,
    );

    it(
      'lists keys under a prefix, sorted, and deletes',
      async () => {
        const { store } = await make();
        await store.put('c/2', 'x');
        await store.put('c/1', Buffer.from([0, 255]));
        await store.put('d/1', 'y');
        expect(await store.list('c/')).toEqual(['c/1', 'c/2']);
        expect([...(await store.get('c/1'))!.body]).toEqual([0, 255]);
        await store.delete('c/1');
        expect(await store.list('c/')).toEqual(['c/2']);
      },
      timeoutMs,
    );

    it(
      'concurrent read-modify-write updates of one object lose nothing',
      async () => {
        const { store: one, peer: two } = await make();
        const appendFrom = (store: ObjectStore, writer: string) =>
          Promise.all(
            Array.from({ length: 8 }, (_, index) =>
              updateJsonObject<string[]>(store, 'shared/list.json', (items = []) => [...items, `${writer}-${index}`]),
            ),
          );
        await Promise.all([appendFrom(one, 'one'), appendFrom(two, 'two')]);
        const final = await readJsonObject<string[]>(one, 'shared/list.json');
        expect(final?.value.sort()).toEqual(
          [
            ...Array.from({ length: 8 }, (_, i) => `one-${i}`),
            ...Array.from({ length: 8 }, (_, i) => `two-${i}`),
          ].sort(),
        );
      },
      timeoutMs * 6,
    );

    it('refuses keys that could escape the prefix', async () => {
      const { store } = await make();
      await expect(store.get('../x')).rejects.toThrow(/invalid object key/);
      await expect(store.create('/abs', 'x')).rejects.toThrow(/invalid object key/);
    });
  });
}
