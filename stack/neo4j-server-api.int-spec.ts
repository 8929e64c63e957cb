// Integration spec: startNeo4jServer/stopNeo4jServer give other code (the local Neo4j fleet) extra servers of a chosen version on a free port.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import neo4j from 'neo4j-driver';
import { canConnect, stackNeo4jCredentials, stackPaths } from '@dco/testing';
import { listNeo4jServers, stackStatus, startNeo4jServer, stopNeo4jServer } from '@dco/stack';

describe('extra Neo4j servers', () => {
  const name = `probe-${randomUUID().slice(0, 8)}`;

  afterAll(async () => {
    await stopNeo4jServer(name, { removeData: true, log: () => undefined });
  });

  it('starts a 5.26.19 server on a free port, is idempotent, serves Bolt, and is stopped with its data removed', async () => {
    const options = { log: () => undefined };
    const server = await startNeo4jServer({ name, version: '5.26.19', heapMb: 256, pageCacheMb: 64 }, options);
    expect(server.boltUri).toBe(`bolt://127.0.0.1:${server.boltPort}`);
    expect(server.home).toMatch(new RegExp(`/\\.stack/neo4j/${name}$`));

    const again = await startNeo4jServer({ name, version: '5.26.19' }, options);
    expect([again.pid, again.boltPort]).toEqual([server.pid, server.boltPort]);
    await expect(startNeo4jServer({ name, version: '5.20.0' }, options)).rejects.toMatchObject({
      code: 'STACK.CONFIG_INVALID',
    });

    const login = stackNeo4jCredentials();
    const driver = neo4j.driver(server.boltUri, login && neo4j.auth.basic(login.user, login.password));
    try {
      const { records } = await driver.executeQuery(
        'CREATE (n:Probe {v: 1}) WITH n CALL dbms.components() YIELD versions RETURN versions[0] AS version, n.v AS v',
      );
      expect([records[0].get('version'), records[0].get('v').toNumber()]).toEqual(['5.26.19', 1]);
    } finally {
      await driver.close();
    }
    expect(listNeo4jServers().map((handle) => handle.name)).toContain(name);
    expect((await stackStatus()).find((status) => status.name === `neo4j-${name}`)?.state).toBe('running');

    expect(await stopNeo4jServer(name, { ...options, removeData: true })).toBe(true);
    expect(await canConnect('127.0.0.1', server.boltPort)).toBe(false);
    expect(existsSync(server.home)).toBe(false);
    expect(existsSync(join(stackPaths().logsDir, `neo4j-${name}.log`))).toBe(false);
    expect(listNeo4jServers().map((handle) => handle.name)).not.toContain(name);
  }, 300000); // a JVM start of 30-150 s on 2 shared cores (the component's own readiness deadline is 240 s)
});
