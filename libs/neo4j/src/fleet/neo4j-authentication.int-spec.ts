// A launched server has authentication on: its own credentials get in, no credentials or a wrong password get DB.UNAUTHORIZED.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@dco/probes';
import { BoltGraphDatabase } from '../bolt/bolt-graph-database.adapter';
import { setNeo4jInitialPassword } from './neo4j-initial-password';
import { launchNeo4jProcess, neo4jLibDir, Neo4jProcess, stopNeo4jProcess } from './neo4j-process.launcher';

jest.setTimeout(180_000);

const VERSION = '5.26.19';
// Starts with '-' and holds a quote and a backslash: the argument file must carry it as the parameter, verbatim.
const PASSWORD = '-first-"Pass\\word"-0123';

describe('a launched Neo4j server with authentication on', () => {
  let home: string;
  let server: Neo4jProcess;

  const specOf = (started: Neo4jProcess) => ({
    version: VERSION,
    boltPort: Number(new URL(started.boltUri.replace(/^bolt/, 'http')).port),
    home,
    password: PASSWORD,
    heapMb: 256,
    pageCacheMb: 32,
    quickStart: true,
  });

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'dco-neo4j-auth-'));
    server = await launchNeo4jProcess({
      ...specOf({ boltUri: `bolt://127.0.0.1:${await freePort()}` } as Neo4jProcess),
    });
  });
  afterAll(async () => {
    if (server) await stopNeo4jProcess(server.pid);
    rmSync(home, { recursive: true, force: true });
  });

  const attempt = async (credentials: { user: string; password: string } | undefined) => {
    const db = new BoltGraphDatabase(server.boltUri, credentials, { connectionTimeoutMs: 2_000 });
    try {
      return await db.serverVersion();
    } finally {
      await db.close();
    }
  };

  it('lets in the neo4j user with the password it was given', async () => {
    expect(server.credentials).toEqual({ user: 'neo4j', password: PASSWORD });
    await expect(attempt(server.credentials)).resolves.toBe(VERSION);
  });

  it('refuses a client without credentials with DB.UNAUTHORIZED', async () => {
    await expect(attempt(undefined)).rejects.toMatchObject({ code: 'DB.UNAUTHORIZED' });
  });

  it('refuses a wrong password with DB.UNAUTHORIZED, naming the user and never the password', async () => {
    const refused = await attempt({ user: 'neo4j', password: 'wrong-Password-0123' }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'DB.UNAUTHORIZED' });
    expect(String((refused as Error).message)).toContain('user "neo4j"');
    expect(String((refused as Error).message)).not.toContain('wrong-Password');
  });

  it('keeps the first password of a home: started again with another it fails fast with DB.UNAUTHORIZED', async () => {
    await stopNeo4jProcess(server.pid);
    const spec = { ...specOf(server), password: 'second-Password-0123' };
    await expect(launchNeo4jProcess(spec)).rejects.toMatchObject({ code: 'DB.UNAUTHORIZED' });
    server = await launchNeo4jProcess({ ...spec, password: PASSWORD });
    await expect(attempt(server.credentials)).resolves.toBe(VERSION);
  });

  it('leaves the password in no file of the home but the store (no argument file, no log line)', () => {
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)],
      );
    const outsideStore = files(home).filter((file) => !file.startsWith(join(home, 'data') + '/'));
    expect(outsideStore.length).toBeGreaterThan(3);
    for (const file of outsideStore) expect(readFileSync(file, 'latin1')).not.toContain(PASSWORD);
  });

  it('sets the password of a home filled by neo4j-admin import before its first start (no system database yet)', () => {
    const imported = mkdtempSync(join(tmpdir(), 'dco-neo4j-imported-'));
    try {
      mkdirSync(join(imported, 'data', 'databases', 'neo4j'), { recursive: true });
      setNeo4jInitialPassword({ home: imported, password: PASSWORD, lib: neo4jLibDir(VERSION) });
      expect(existsSync(join(imported, 'data', 'dbms', 'auth.ini'))).toBe(true);
    } finally {
      rmSync(imported, { recursive: true, force: true });
    }
  });
});
