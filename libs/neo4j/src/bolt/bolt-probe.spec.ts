// A readiness or reachability poll asks a server once: probeVersion makes a single connection attempt and fails at once
// when nothing answers, where the driver would retry a managed transaction (serverVersion) for seconds, backing off.
import { createServer, Server, Socket } from 'node:net';
import { CodedError } from '@dco/contracts';
import { BoltGraphDatabase } from './bolt-graph-database.adapter';
import { probeBolt } from './bolt-probe';

/** A TCP server that accepts and at once closes every connection (a port whose server is still starting or gone). */
async function closingServer(): Promise<{ server: Server; port: number; connections: () => number }> {
  let connections = 0;
  const server = createServer((socket: Socket) => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { server, port: address.port, connections: () => connections };
}

describe('probing a Neo4j server', () => {
  let closing: Awaited<ReturnType<typeof closingServer>>;
  beforeEach(async () => {
    closing = await closingServer();
  });
  afterEach(async () => {
    await new Promise<void>((resolve) => closing.server.close(() => resolve()));
  });

  it('asks once: a server that does not answer is DB.UNREACHABLE after a single connection', async () => {
    const db = new BoltGraphDatabase(`bolt://127.0.0.1:${closing.port}`, undefined, { connectionTimeoutMs: 1_000 });
    try {
      const error = await db.probeVersion().then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(CodedError);
      expect(error).toMatchObject({ code: 'DB.UNREACHABLE' });
      expect(closing.connections()).toBe(1);
    } finally {
      await db.close();
    }
  });

  it('probeBolt, the fleets readiness probe, asks once too', async () => {
    await expect(probeBolt(`bolt://127.0.0.1:${closing.port}`, '5.26.19', undefined)).rejects.toMatchObject({
      code: 'DB.UNREACHABLE',
    });
    expect(closing.connections()).toBe(1);
  });
});
