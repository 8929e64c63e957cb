// The password of a new Neo4j store, set before its first start; free of other imports, so the stack installer uses it too.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The initial admin user of a new store; `neo4j-admin dbms set-initial-password` sets its password. */
export const NEO4J_ADMIN_USER = 'neo4j';

/** Neo4j refuses a shorter password (dbms.security.auth_minimum_password_length). */
export const NEO4J_MIN_PASSWORD_LENGTH = 8;

export const generateNeo4jPassword = (): string => randomBytes(24).toString('base64url');

/**
 * Sets the `neo4j` user's password of a store that has never started (`neo4j-admin dbms set-initial-password`, which
 * only takes effect on the first start; a home that already has databases keeps its password). The password reaches the
 * tool in an argument file (picocli's @file), never on the command line where `ps` shows it, and the file is removed at
 * once. Throws an Error naming the home and the tool's output (which never echoes the password); callers add their code.
 */
export function setNeo4jInitialPassword(spec: { home: string; password: string; lib: string }): void {
  if (spec.password.length < NEO4J_MIN_PASSWORD_LENGTH)
    throw new Error(`the Neo4j password must have at least ${NEO4J_MIN_PASSWORD_LENGTH} characters`);
  // The system database appears on the first start; a home filled by `neo4j-admin database import` before it (the
  // offline restore, the dco bench) already has data/databases/neo4j and still needs its password.
  if (existsSync(join(spec.home, 'data', 'databases', 'system'))) return;
  mkdirSync(join(spec.home, 'data'), { recursive: true });
  const argFile = join(spec.home, 'set-initial-password.args');
  const quoted = '"' + spec.password.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
  // `--` ends the options: a password that starts with '-' (base64url generates one in 32) is still the parameter.
  writeFileSync(argFile, `dbms\nset-initial-password\n--\n${quoted}\n`, { mode: 0o600 });
  try {
    const result = spawnSync(
      'java',
      ['-XX:TieredStopAtLevel=1', '-cp', `${spec.lib}/*`, 'org.neo4j.cli.AdminTool', `@${argFile}`],
      {
        env: { ...process.env, NEO4J_HOME: spec.home, NEO4J_CONF: join(spec.home, 'conf') },
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    if (result.status !== 0)
      throw new Error(
        `neo4j-admin dbms set-initial-password in ${spec.home} exited with ${result.status}: ` +
          `${result.stderr ?? ''}${result.error ? String(result.error) : ''}`.slice(-2_000),
      );
  } finally {
    rmSync(argFile, { force: true });
  }
}
