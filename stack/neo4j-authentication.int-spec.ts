// The stack's Neo4j servers have authentication on: the password generated into <state>/neo4j-password (owner-only) lets
// in, no login or a wrong one is refused; a store from before authentication is re-created once, then kept. Runs on a
// private state directory, never the shared stack's.
import { mkdtempSync, readFileSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import neo4j, { AuthToken } from 'neo4j-driver';
import { startNeo4jServer, stackConfig, StackConfig, stackPaths, stopNeo4jServer } from '@dco/stack';

jest.setTimeout(300_000);

describe('stack Neo4j servers with authentication on', () => {
  const name = 'auth-probe';
  let config: StackConfig;
  let lines: string[];
  const options = () => ({ config, log: (line: string) => lines.push(line) });
  const start = () => startNeo4jServer({ name, version: '5.26.19', heapMb: 256, pageCacheMb: 32 }, options());

  beforeAll(() => {
    config = { ...stackConfig(), stateDir: mkdtempSync(join(tmpdir(), 'dco-stack-auth-')) };
    lines = [];
  });
  afterAll(async () => {
    await stopNeo4jServer(name, { ...options(), removeData: true });
    rmSync(config.stateDir, { recursive: true, force: true });
  });

  const query = async (boltUri: string, auth: AuthToken | undefined, cypher: string) => {
    const driver = neo4j.driver(boltUri, auth, { logging: { level: 'error', logger: () => undefined } });
    try {
      return (await driver.executeQuery(cypher)).records;
    } finally {
      await driver.close();
    }
  };
  const password = () => readFileSync(stackPaths(config).neo4jPasswordFile, 'utf8').trim();

  it('generates the password into the state directory, readable by its owner only, and lets only it in', async () => {
    const server = await start();
    expect(statSync(stackPaths(config).neo4jPasswordFile).mode & 0o077).toBe(0);
    expect(statSync(stackPaths(config).neo4jSharedPasswordFile).mode & 0o077).toBe(0);
    expect(readFileSync(stackPaths(config).neo4jSharedPasswordFile, 'utf8').trim()).toBe(password());
    expect(password().length).toBeGreaterThanOrEqual(32);
    const records = await query(
      server.boltUri,
      neo4j.auth.basic('neo4j', password()),
      'CREATE (n:Kept) RETURN 1 AS one',
    );
    expect(records).toHaveLength(1);
    await expect(query(server.boltUri, undefined, 'RETURN 1')).rejects.toMatchObject({
      code: 'Neo.ClientError.Security.Unauthorized',
    });
    await expect(
      query(server.boltUri, neo4j.auth.basic('neo4j', 'wrong-Password-0123'), 'RETURN 1'),
    ).rejects.toMatchObject({
      code: 'Neo.ClientError.Security.Unauthorized',
    });
    expect(lines.join('\n')).not.toContain(password());
  });

  it('keeps the store and its password on a restart', async () => {
    await stopNeo4jServer(name, options());
    const server = await start();
    const records = await query(
      server.boltUri,
      neo4j.auth.basic('neo4j', password()),
      'MATCH (n:Kept) RETURN count(n) AS c',
    );
    expect(records[0].get('c').toNumber()).toBe(1);
  });

  it('re-creates a store from before authentication (no marker) with the password, once', async () => {
    await stopNeo4jServer(name, options());
    unlinkSync(join(stackPaths(config).neo4jHomes, name, 'authentication-on'));
    lines = [];
    const server = await start();
    expect(lines.join('\n')).toContain('predates authentication');
    const records = await query(
      server.boltUri,
      neo4j.auth.basic('neo4j', password()),
      'MATCH (n:Kept) RETURN count(n) AS c',
    );
    expect(records[0].get('c').toNumber()).toBe(0);
  });
});
