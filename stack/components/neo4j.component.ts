// Neo4j Community servers of any 5.x version from Maven Central jars, one JVM per server (CommunityEntryPoint), home under .stack/neo4j/<name>.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import neo4j from 'neo4j-driver';
// Only this dependency-free file of libs/neo4j: the stack installer must not load the libs (and their decorators).
import {
  generateNeo4jPassword,
  NEO4J_ADMIN_USER,
  setNeo4jInitialPassword,
} from '../../libs/neo4j/src/fleet/neo4j-initial-password';
import type { Neo4jServerConfig } from '../stack-config';
import { StackError } from '../stack-error';
import { mavenCopyDependencies } from '../support/maven';
import { freePort, readOrCreateSecretFile, waitFor } from '@dco/probes';
import { DaemonComponent, DaemonDefinition, logFileOf, StackContext } from './stack-component';

export function neo4jPom(): string {
  return `<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
  <groupId>local</groupId><artifactId>neo4j-jars</artifactId><version>1</version><packaging>pom</packaging>
  <properties><neo4j.version>5.26.19</neo4j.version></properties>
  <dependencies>
    <dependency><groupId>org.neo4j</groupId><artifactId>neo4j</artifactId><version>\${neo4j.version}</version></dependency>
    <dependency><groupId>org.neo4j.app</groupId><artifactId>neo4j-server</artifactId><version>\${neo4j.version}</version></dependency>
  </dependencies></project>
`;
}

export interface Neo4jLogin {
  user: string;
  password: string;
}

/** Sets a new store's password; the tool's failure becomes STACK.START_FAILED. */
function setInitialPassword(spec: { home: string; password: string; lib: string }): void {
  try {
    setNeo4jInitialPassword(spec);
  } catch (error) {
    throw new StackError('STACK.START_FAILED', (error as Error).message);
  }
}

/** Server names become directory and pid-file names. */
export function assertNeo4jServerName(name: string): void {
  if (!/^[a-z0-9][a-z0-9-]{0,40}$/.test(name)) {
    throw new StackError(
      'STACK.CONFIG_INVALID',
      `invalid Neo4j server name "${name}": use lower-case letters, digits and dashes`,
    );
  }
}

export function neo4jComponentName(serverName: string): string {
  return `neo4j-${serverName}`;
}

/** Downloads the jars of one Neo4j version into the cache (neo4j-<version>/lib) unless they are there. */
export async function ensureNeo4jJars(ctx: StackContext, version: string): Promise<void> {
  if (!/^5\.\d+\.\d+$/.test(version))
    throw new StackError(
      'STACK.CONFIG_INVALID',
      `Neo4j ${version} is not supported: the stack runs 5.x servers (CommunityEntryPoint)`,
    );
  const lib = ctx.paths.neo4jLib(version);
  if (existsSync(lib) && readdirSync(lib).includes(`neo4j-${version}.jar`)) return;
  ctx.log(`neo4j: downloading Neo4j ${version} jars from Maven Central into ${lib}`);
  await mavenCopyDependencies({
    pomXml: neo4jPom(),
    pomDir: join(ctx.paths.buildDir, 'neo4j'),
    outputDir: lib,
    properties: { 'neo4j.version': version },
    logFile: logFileOf(ctx.paths, `neo4j-${version}-install`),
    description: `download the Neo4j ${version} jars`,
  });
}

/**
 * Where a version's class-data-sharing archive lives: next to its jars, shared by every clone on this machine. The
 * local fleet (libs/neo4j neo4j-process.launcher.ts) maps the same file.
 */
export function neo4jClassArchive(ctx: StackContext, version: string): string {
  return join(dirname(ctx.paths.neo4jLib(version)), 'neo4j-classes.jsa');
}

/** True when this JDK can map `archive` for the jars of `lib` (-Xshare:on fails on another JDK build or other jars). */
function archiveUsable(archive: string, lib: string): boolean {
  if (!existsSync(archive)) return false;
  return (
    spawnSync('java', ['-Xshare:on', `-XX:SharedArchiveFile=${archive}`, '-cp', `${lib}/*`, '-version'], {
      stdio: 'ignore',
      timeout: 60_000,
    }).status === 0
  );
}

/**
 * Records the classes a Neo4j start loads into a dynamic class-data-sharing archive (JDK 13+), once per version and JDK:
 * one start of a throw-away server with -XX:ArchiveClassesAtExit, stopped cleanly once Bolt answers. Every later start
 * maps them instead of parsing and verifying them again: on this 2-core machine a test server is ready in about 3 s
 * instead of 8.5 s. Only a saving: when the recording fails, servers start without it.
 */
export async function ensureNeo4jClassArchive(ctx: StackContext, version: string): Promise<void> {
  const archive = neo4jClassArchive(ctx, version);
  const lib = ctx.paths.neo4jLib(version);
  if (archiveUsable(archive, lib)) return;
  ctx.log(`neo4j: recording the class-data archive of a Neo4j ${version} start (once per version and JDK)`);
  const home = join(ctx.paths.buildDir, `neo4j-cds-${version}-${process.pid}`);
  const recording = `${archive}.${process.pid}.tmp`;
  rmSync(home, { recursive: true, force: true });
  const host = ctx.config.host;
  const boltPort = await freePort(host);
  writeNeo4jHome(home, host, {
    version,
    boltPort,
    heapMb: 256,
    pageCacheMb: 64,
    transactionTotalMaxMb: 128,
    transactionMaxMb: 64,
  });
  // Authentication on as on every server, so the recording loads the same classes; its password dies with the home.
  const credentials = { user: NEO4J_ADMIN_USER, password: randomBytes(18).toString('base64url') };
  setInitialPassword({ home, password: credentials.password, lib });
  const logFile = logFileOf(ctx.paths, `neo4j-${version}-class-archive`);
  const log = openSync(logFile, 'a');
  const child = spawn(
    'java',
    [...neo4jJvmArgs(256), `-XX:ArchiveClassesAtExit=${recording}`, '-cp', `${lib}/*`, ...neo4jMainArgs(home)],
    { cwd: home, stdio: ['ignore', log, log] },
  );
  closeSync(log);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let gone = false;
  void exited.then(() => (gone = true));
  try {
    const ready = async () => {
      if (gone) throw new StackError('STACK.START_FAILED', 'the recording start exited early', { logFile });
      return (await probeNeo4j(`bolt://${host}:${boltPort}`, version, credentials)) === undefined;
    };
    await waitFor(ready, { timeoutMs: 240_000, intervalMs: 500, description: `the Neo4j ${version} recording start` });
    child.kill('SIGTERM');
    await waitFor(() => gone, {
      timeoutMs: 120_000,
      intervalMs: 200,
      description: `the Neo4j ${version} recording start to stop and write its archive`,
    });
    if (!archiveUsable(recording, lib))
      throw new StackError('STACK.BUILD_FAILED', 'the JVM wrote no usable archive', { logFile });
    renameSync(recording, archive);
  } catch (error) {
    ctx.log(
      `neo4j: no class-data archive for ${version}, servers start without it (${error instanceof Error ? error.message : String(error)})`,
    );
    child.kill('SIGKILL');
    await exited;
  } finally {
    rmSync(recording, { force: true });
    rmSync(home, { recursive: true, force: true });
  }
}

/** JVM options of a stack server: heap, GC, the module openings Neo4j needs. */
function neo4jJvmArgs(heapMb: number): string[] {
  return [
    `-Xms${heapMb}m`,
    `-Xmx${heapMb}m`,
    '-XX:+UseG1GC',
    // A heap exhausted despite the transaction limits ends the server (the supervisor sees it down) instead of leaving
    // it answering nothing for minutes, as the 10M-contribution read did (issue 21).
    '-XX:+ExitOnOutOfMemoryError',
    '-XX:-OmitStackTraceInFastThrow',
    '-XX:+DisableExplicitGC',
    '-XX:MaxMetaspaceSize=512m',
    '-Djdk.nio.maxCachedBufferSize=1024',
    '-Dio.netty.tryReflectionSetAccessible=true',
    '-Dlog4j2.disable.jmx=true',
    '-Dfile.encoding=UTF-8',
    '--add-opens=java.base/java.nio=ALL-UNNAMED',
    '--add-opens=java.base/java.io=ALL-UNNAMED',
    '--add-opens=java.base/sun.nio.ch=ALL-UNNAMED',
    '--enable-native-access=ALL-UNNAMED',
  ];
}

function neo4jMainArgs(home: string): string[] {
  return [
    'org.neo4j.server.CommunityEntryPoint',
    `--home-dir=${home}`,
    `--config-dir=${join(home, 'conf')}`,
    '--console-mode',
  ];
}

/** A server home's directories and its neo4j.conf. */
function writeNeo4jHome(home: string, host: string, server: Neo4jServerConfig): void {
  for (const dir of ['conf', 'data', 'logs', 'run', 'plugins', 'import'])
    mkdirSync(join(home, dir), { recursive: true });
  writeFileSync(join(home, 'conf', 'neo4j.conf'), neo4jConf(home, host, server));
}

export function neo4jConf(home: string, host: string, server: Neo4jServerConfig): string {
  return [
    '# Generated by stack/components/neo4j.component.ts; edit stack/stack.config.json instead.',
    `server.default_listen_address=${host}`,
    'server.bolt.enabled=true',
    `server.bolt.listen_address=${host}:${server.boltPort}`,
    `server.bolt.advertised_address=${host}:${server.boltPort}`,
    'server.http.enabled=false',
    'server.https.enabled=false',
    `server.directories.data=${join(home, 'data')}`,
    `server.directories.logs=${join(home, 'logs')}`,
    `server.directories.run=${join(home, 'run')}`,
    `server.directories.plugins=${join(home, 'plugins')}`,
    `server.directories.import=${join(home, 'import')}`,
    `server.memory.heap.initial_size=${server.heapMb}m`,
    `server.memory.heap.max_size=${server.heapMb}m`,
    `server.memory.pagecache.size=${server.pageCacheMb}m`,
    `dbms.memory.transaction.total.max=${server.transactionTotalMaxMb}m`,
    `db.memory.transaction.max=${server.transactionMaxMb}m`,
    'dbms.security.auth_enabled=true',
    'dbms.usage_report.enabled=false',
    'db.tx_log.rotation.retention_policy=2 files',
    // A clean stop waited 5 s twice for Bolt's idle network threads after the databases had stopped (the default quiet
    // period); a local server's connections are closed by then.
    'internal.dbms.bolt.netty_server_shutdown_quiet_period=0',
    '',
  ].join('\n');
}

/** Bolt probe: connectivity plus `CALL dbms.components()` reporting the expected version. */
export async function probeNeo4j(
  boltUri: string,
  version: string,
  credentials: Neo4jLogin | undefined,
): Promise<string | undefined> {
  const auth = credentials && neo4j.auth.basic(credentials.user, credentials.password);
  const driver = neo4j.driver(boltUri, auth, {
    connectionTimeout: 5000,
    maxConnectionPoolSize: 1,
    logging: { level: 'error', logger: () => undefined },
  });
  try {
    await driver.verifyConnectivity();
    const result = await driver.executeQuery(
      'CALL dbms.components() YIELD name, versions RETURN name, versions[0] AS version',
    );
    const reported = result.records.map((record) => String(record.get('version')));
    return reported.includes(version) ? undefined : `reports version ${reported.join(', ')} instead of ${version}`;
  } catch (error) {
    return `bolt check failed: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    await driver.close().catch(() => undefined);
  }
}

/**
 * The login of every stack server: `neo4j` with the password generated once per machine (beside the shared caches, so
 * that a clone using another clone's running servers has it too), copied into this clone's .stack/neo4j-password where
 * the local profile and the specs read it. Both files are readable by their owner only.
 */
export function stackNeo4jLogin(ctx: StackContext): Neo4jLogin {
  const password = readOrCreateSecretFile(ctx.paths.neo4jSharedPasswordFile, generateNeo4jPassword);
  const copy = ctx.paths.neo4jPasswordFile;
  if (!existsSync(copy) || readFileSync(copy, 'utf8').trim() !== password) {
    mkdirSync(dirname(copy), { recursive: true });
    writeFileSync(copy, password + '\n', { mode: 0o600 });
    chmodSync(copy, 0o600);
  }
  return { user: NEO4J_ADMIN_USER, password };
}

/** Marks a home whose store was created with the stack's password (a store without it predates authentication). */
const AUTH_MARKER = 'authentication-on';

/**
 * Before a start: a new store gets the stack's password (`neo4j-admin dbms set-initial-password`); a store created before
 * the stack turned authentication on (its neo4j user has no password we know) is re-created, as an upgrade of .stack
 * would; a store with the marker keeps its password. Idempotent: the next start finds the marker.
 */
function prepareAuthentication(ctx: StackContext, serverName: string, home: string, version: string): void {
  const marker = join(home, AUTH_MARKER);
  if (existsSync(marker)) return;
  const data = join(home, 'data');
  if (existsSync(join(data, 'databases'))) {
    ctx.log(`neo4j: ${serverName}'s store predates authentication; re-creating it with the stack's password`);
    rmSync(data, { recursive: true, force: true });
  }
  setInitialPassword({ home, password: stackNeo4jLogin(ctx).password, lib: ctx.paths.neo4jLib(version) });
  writeFileSync(marker, 'the neo4j user has the password in .stack/neo4j-password\n');
}

export function neo4jHome(ctx: StackContext, serverName: string): string {
  return join(ctx.paths.neo4jHomes, serverName);
}

function neo4jDefinition(ctx: StackContext, serverName: string, server: Neo4jServerConfig): DaemonDefinition {
  const { host } = ctx.config;
  const home = neo4jHome(ctx, serverName);
  const boltUri = `bolt://${host}:${server.boltPort}`;
  return {
    address: `${boltUri} (Neo4j ${server.version})`,
    host,
    ports: [server.boltPort],
    startTimeoutMs: 240000,
    stopGraceMs: 60000,
    meta: {
      server: serverName,
      version: server.version,
      boltPort: server.boltPort,
      heapMb: server.heapMb,
      pageCacheMb: server.pageCacheMb,
      transactionTotalMaxMb: server.transactionTotalMaxMb,
      transactionMaxMb: server.transactionMaxMb,
      boltUri,
      home,
    },
    install: async () => {
      await ensureNeo4jJars(ctx, server.version);
      await ensureNeo4jClassArchive(ctx, server.version);
    },
    prepare: async () => {
      writeNeo4jHome(home, host, server);
      prepareAuthentication(ctx, serverName, home, server.version);
    },
    launch: () => {
      const archive = neo4jClassArchive(ctx, server.version);
      return {
        command: 'java',
        args: [
          ...neo4jJvmArgs(server.heapMb),
          ...(existsSync(archive) ? [`-XX:SharedArchiveFile=${archive}`] : []),
          '-cp',
          `${join(ctx.paths.neo4jLib(server.version), '*')}:${join(home, 'plugins', '*')}`,
          ...neo4jMainArgs(home),
        ],
        cwd: home,
      };
    },
    // A status check generates no password: a stack started before authentication has none yet (its servers take any).
    probe: () =>
      probeNeo4j(
        boltUri,
        server.version,
        existsSync(ctx.paths.neo4jSharedPasswordFile) ? stackNeo4jLogin(ctx) : undefined,
      ),
  };
}

/** The supervised process of one Neo4j server (blue, green, or any extra one). */
export function neo4jComponent(serverName: string, server: Neo4jServerConfig): DaemonComponent {
  assertNeo4jServerName(serverName);
  return new DaemonComponent(neo4jComponentName(serverName), (ctx) => neo4jDefinition(ctx, serverName, server));
}
