// The Neo4j login by profile: configured wins; local generates one password per state directory; aws requires one.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@dco/platform';
import { LOCAL_NEO4J_PASSWORD_FILE, Neo4jCredentialsConfig, neo4jCredentialsOf } from './neo4j-credentials.config';

describe('neo4jCredentialsOf', () => {
  let stateDir: string;
  beforeEach(() => (stateDir = mkdtempSync(join(tmpdir(), 'neo4j-login-'))));
  afterEach(() => rmSync(stateDir, { recursive: true, force: true }));
  const config = (env: NodeJS.ProcessEnv) => loadConfig(Neo4jCredentialsConfig, env);

  it('uses the configured user and password in every profile', () => {
    for (const profile of ['embedded', 'local', 'aws'])
      expect(
        neo4jCredentialsOf(config({ NEO4J_USER: 'dco', NEO4J_PASSWORD: 'a-Password-0123' }), profile, stateDir),
      ).toEqual({ user: 'dco', password: 'a-Password-0123' });
  });

  it("gives the local profile the state directory's password, generated once, readable by its owner only", () => {
    const first = neo4jCredentialsOf(config({}), 'local', stateDir);
    const file = join(stateDir, LOCAL_NEO4J_PASSWORD_FILE);
    expect(first).toEqual({ user: 'neo4j', password: readFileSync(file, 'utf8').trim() });
    expect(first?.password.length).toBeGreaterThanOrEqual(32);
    expect(statSync(file).mode & 0o077).toBe(0);
    expect(neo4jCredentialsOf(config({}), 'local', stateDir)).toEqual(first);
  });

  it('needs no login in embedded (no Neo4j) and refuses aws without a password', () => {
    expect(neo4jCredentialsOf(config({}), 'embedded', stateDir)).toBeUndefined();
    expect(() => neo4jCredentialsOf(config({}), 'aws', stateDir)).toThrow(
      expect.objectContaining({ code: 'CONFIG.INVALID', message: expect.stringContaining('NEO4J_PASSWORD') }),
    );
  });

  it.each([
    ['NEO4J_PASSWORD', 'short'],
    ['NEO4J_USER', 'two words'],
  ])('refuses a malformed %s at boot', (name, value) => {
    expect(() => config({ [name]: value })).toThrow(
      expect.objectContaining({ code: 'CONFIG.INVALID', message: expect.stringContaining(name) }),
    );
  });
});
