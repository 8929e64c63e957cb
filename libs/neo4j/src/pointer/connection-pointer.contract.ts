// The contract every ConnectionPointerStore satisfies; run against the fake (unit) and the file and SSM adapters (integration).
import { ConnectionPointer, ConnectionPointerStore } from './connection-pointer.port';

const pointer = (generation: number, boltUri: string): ConnectionPointer => ({
  current: { instanceId: `i-${generation}`, boltUri, version: '5.26.19' },
  writes: generation % 2 === 0 ? 'open' : 'frozen',
  generation,
  updatedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, generation)).toISOString(),
});

export function connectionPointerContract(
  name: string,
  create: () => Promise<ConnectionPointerStore>,
  waitMs = 10_000,
): void {
  describe(`ConnectionPointerStore contract: ${name}`, () => {
    it('reads nothing before the first write, then what was written last', async () => {
      const store = await create();
      expect(await store.read()).toBeUndefined();
      await store.write(pointer(1, 'bolt://a:7687'));
      await store.write(pointer(2, 'bolt://b:7687'));
      expect(await store.read()).toEqual(pointer(2, 'bolt://b:7687'));
    });

    it('notifies watchers of a switch', async () => {
      const store = await create();
      await store.write(pointer(1, 'bolt://a:7687'));
      const seen: string[] = [];
      let resolveSwitch: () => void = () => undefined;
      const switched = new Promise<void>((resolve) => (resolveSwitch = resolve));
      const stop = store.watch((p) => {
        seen.push(p.current.boltUri);
        if (p.current.boltUri === 'bolt://green:7687') resolveSwitch();
      }, 50);
      await store.write(pointer(2, 'bolt://green:7687'));
      const deadline = new Promise((_, reject) =>
        setTimeout(() => reject(new Error('no switch notification')), waitMs).unref(),
      );
      await Promise.race([switched, deadline]);
      stop();
      expect(seen[seen.length - 1]).toBe('bolt://green:7687');
    });
  });
}
