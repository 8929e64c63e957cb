import { createServer } from 'node:net';
import { freePorts } from './net';

describe('freePorts', () => {
  it('picks distinct ports, each free again once picked', async () => {
    const ports = await freePorts(40);
    expect(new Set(ports).size).toBe(40);
    for (const port of ports) expect(port).toBeGreaterThan(0);
    // Every one can be bound right away (the pickers were closed).
    for (const port of ports.slice(0, 5)) {
      const server = createServer();
      await new Promise<void>((bound, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => bound());
      });
      await new Promise<void>((closed) => server.close(() => closed()));
    }
  });

  it('returns nothing for zero ports', async () => {
    await expect(freePorts(0)).resolves.toEqual([]);
  });
});
