// The services' HTTP servers keep idle connections longer than their clients and load balancers do.
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { KEEP_ALIVE_TIMEOUT_MS, keepConnectionsAlive } from './keep-alive';

describe('keepConnectionsAlive', () => {
  let server: Server;

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((closed) => server.close(closed));
  });

  it('keeps an idle connection past an ALB idle timeout and tells clients so, with the headers timeout above it', async () => {
    server = createServer((_request, response) => response.end('ok'));
    keepConnectionsAlive(server);
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    const { port } = server.address() as AddressInfo;

    const response = await fetch(`http://127.0.0.1:${port}/`);
    expect(await response.text()).toBe('ok');
    // Node's default answers timeout=5: a client keeping the connection longer raced the server's close.
    expect(response.headers.get('keep-alive')).toBe(`timeout=${KEEP_ALIVE_TIMEOUT_MS / 1000}`);
    expect(KEEP_ALIVE_TIMEOUT_MS).toBeGreaterThan(60_000);
    expect(server.headersTimeout).toBeGreaterThan(server.keepAliveTimeout);
  });
});
