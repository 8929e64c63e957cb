// Starts and stops a local Neo4j Community server process (one JVM from the cached jars) for the local fleet and the tests.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { CodedError } from '@dco/contracts';
import { abortWaiting, isProcessAlive, signalGroup, stopProcessGroup, waitFor } from '@dco/probes';
import { BoltGraphDatabase } from '../bolt/bolt-graph-database.adapter';
import { Neo4jCredentials } from '../bolt/neo4j-credentials';
import { NEO4J_ADMIN_USER, setNeo4jInitialPassword } from './neo4j-initial-password';

export interface Neo4jProcessSpec {
  version: string;
  boltPort: number;
  /** Home directory: conf, data, logs, run. Reusing a home restarts the same database. */
  home: string;
  /**
   * The password of the `neo4j` user, set before the store's first start (authentication is always on). A home started
   * before keeps the password it was given then.
   */
  password: string;
  heapMb?: number;
  pageCacheMb?: number;
  /** dbms.memory.transaction.total.max: all transactions together; above it a query fails instead of the heap. */
  transactionTotalMaxMb?: number;
  /** db.memory.transaction.max: one transaction. */
  transactionMaxMb?: number;
  /** -XX:+ExitOnOutOfMemoryError: a heap exhausted anyway ends the JVM (to be restarted) instead of leaving it unhealthy. */
  exitOnOutOfMemory?: boolean;
  host?: string;
  /**
   * A short-lived server with a small graph (tests, day scenarios): the JIT stops at C1, which halves the CPU of a start
   * on two cores; a long-running or benchmarked server leaves it off (C2 code is faster once warm).
   */
  quickStart?: boolean;
}

export interface Neo4jProcess {
  pid: number;
  boltUri: string;
  version: string;
  home: string;
  /** What a client logs in with. */
  credentials: Neo4jCredentials;
}

export function neo4jLibDir(version: string, env: NodeJS.ProcessEnv = process.env): string {
  const cache = env.DCO_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'dco-autopilot');
  return join(cache, `neo4j-${version}`, 'lib');
}

/**
 * The class-data-sharing archive `npm run stack:up` records next to a version's jars (stack/components/neo4j.component.ts):
 * the classes a start loads, mapped instead of parsed and verified again. A missing one is no error; one the JVM finds
 * stale (another JDK, other jars) it ignores (-Xshare:auto).
 */
export function neo4jClassArchive(version: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(dirname(neo4jLibDir(version, env)), 'neo4j-classes.jsa');
}

/** The JVM options of a start: heap, GC, and the start-up savings that apply (neo4jStartupJvmOptions). */
export function neo4jJvmOptions(spec: Neo4jProcessSpec, env: NodeJS.ProcessEnv = process.env): string[] {
  const heap = `${spec.heapMb ?? 768}m`;
  return [
    `-Xms${heap}`,
    `-Xmx${heap}`,
    '-XX:+UseG1GC',
    ...(spec.exitOnOutOfMemory ? ['-XX:+ExitOnOutOfMemoryError'] : []),
    ...neo4jStartupJvmOptions(spec, env),
  ];
}

/**
 * The start-up savings of any JVM on a version's jars, the server's and `neo4j-admin`'s (the offline import): the
 * class-data-sharing archive (the tool loads many of the server's classes), and C1 only for a small store
 * (`quickStart`). Measured on a `neo4j-admin` import of 250 nodes (2026-12-08): 5.3 s and 5.6 s of CPU with neither,
 * 3.4 s and 2.6 s of CPU with both. A large store keeps C2: its throughput is compiled code.
 */
export function neo4jStartupJvmOptions(
  spec: { version: string; quickStart?: boolean },
  env: NodeJS.ProcessEnv = process.env,
): string[] {
  const archive = neo4jClassArchive(spec.version, env);
  return [
    ...(existsSync(archive) ? [`-XX:SharedArchiveFile=${archive}`] : []),
    ...(spec.quickStart ? ['-XX:TieredStopAtLevel=1'] : []),
  ];
}

/** The server's neo4j.conf: listen addresses, directories, memory. */
export function neo4jConf(spec: Neo4jProcessSpec): string {
  const host = spec.host ?? '127.0.0.1';
  return [
    '# Written by libs/neo4j neo4j-process.launcher.ts',
    `server.default_listen_address=${host}`,
    `server.bolt.listen_address=${host}:${spec.boltPort}`,
    `server.bolt.advertised_address=${host}:${spec.boltPort}`,
    'server.http.enabled=false',
    'server.https.enabled=false',
    `server.directories.data=${join(spec.home, 'data')}`,
    `server.directories.logs=${join(spec.home, 'logs')}`,
    `server.directories.run=${join(spec.home, 'run')}`,
    `server.memory.heap.initial_size=${spec.heapMb ?? 768}m`,
    `server.memory.heap.max_size=${spec.heapMb ?? 768}m`,
    `server.memory.pagecache.size=${spec.pageCacheMb ?? 512}m`,
    ...(spec.transactionTotalMaxMb ? [`dbms.memory.transaction.total.max=${spec.transactionTotalMaxMb}m`] : []),
    ...(spec.transactionMaxMb ? [`db.memory.transaction.max=${spec.transactionMaxMb}m`] : []),
    'dbms.security.auth_enabled=true',
    'dbms.usage_report.enabled=false',
    'db.tx_log.rotation.retention_policy=2 files',
    // A stop waits this long (default 5 s) for Bolt's idle network threads, twice, after the databases have stopped:
    // half of a clean stop's 10 s. These servers are local (stack, tests, the local fleet), every connection already closed.
    'internal.dbms.bolt.netty_server_shutdown_quiet_period=0',
    '',
  ].join('\n');
}

/** Writes the server's conf/neo4j.conf into its home (before a start, or before an offline import into that home). */
export function writeNeo4jConf(spec: Neo4jProcessSpec): void {
  mkdirSync(join(spec.home, 'conf'), { recursive: true });
  writeFileSync(join(spec.home, 'conf', 'neo4j.conf'), neo4jConf(spec));
}

function logTail(home: string): string {
  for (const file of [join(home, 'console.log'), join(home, 'logs', 'neo4j.log')]) {
    if (existsSync(file)) return readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
  }
  return '';
}

/** Spawns the server detached (it outlives this process, like an instance) and resolves once Bolt answers with the version. */
export async function launchNeo4jProcess(
  spec: Neo4jProcessSpec,
  options: { readyTimeoutMs?: number } = {},
): Promise<Neo4jProcess> {
  const lib = neo4jLibDir(spec.version);
  if (!existsSync(join(lib, `neo4j-${spec.version}.jar`))) {
    throw new CodedError(
      'DB.PROVISION_FAILED',
      `no Neo4j ${spec.version} jars in ${lib} (npm run stack:up downloads the configured versions)`,
    );
  }
  writeNeo4jConf(spec);
  try {
    setNeo4jInitialPassword({ home: spec.home, password: spec.password, lib });
  } catch (error) {
    throw new CodedError('DB.PROVISION_FAILED', (error as Error).message, undefined, { cause: error });
  }
  const credentials = { user: NEO4J_ADMIN_USER, password: spec.password };
  const out = openSync(join(spec.home, 'console.log'), 'a');
  const child = spawn(
    'java',
    [
      ...neo4jJvmOptions(spec),
      '-cp',
      `${lib}/*`,
      'org.neo4j.server.CommunityEntryPoint',
      `--home-dir=${spec.home}`,
      `--config-dir=${join(spec.home, 'conf')}`,
    ],
    { detached: true, stdio: ['ignore', out, out] },
  );
  closeSync(out);
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new CodedError('DB.PROVISION_FAILED', 'java could not be started');
  writeFileSync(join(spec.home, 'neo4j.pid'), String(pid));
  const boltUri = `bolt://${spec.host ?? '127.0.0.1'}:${spec.boltPort}`;
  const db = new BoltGraphDatabase(boltUri, credentials, { connectionTimeoutMs: 1_000 });
  try {
    const version = await waitFor(
      async () => {
        if (!isProcessAlive(pid))
          abortWaiting(
            new CodedError('DB.PROVISION_FAILED', `Neo4j ${spec.version} exited during start`, logTail(spec.home)),
          );
        try {
          return await db.probeVersion();
        } catch (error) {
          // A home whose store has another password never becomes ready: say so now.
          if (error instanceof CodedError && error.code === 'DB.UNAUTHORIZED') abortWaiting(error);
          return undefined;
        }
      },
      { timeoutMs: options.readyTimeoutMs ?? 120_000, description: `Neo4j ${spec.version} on ${boltUri}` },
    );
    if (version !== spec.version)
      throw new CodedError(
        'DB.PROVISION_FAILED',
        `${boltUri} answers as Neo4j ${version}, not ${spec.version} (port in use?)`,
      );
    return { pid, boltUri, version, home: spec.home, credentials };
  } catch (error) {
    signalGroup(pid, 'SIGKILL');
    if (error instanceof CodedError) throw error;
    throw new CodedError(
      'DB.PROVISION_FAILED',
      `Neo4j ${spec.version} did not become reachable on ${boltUri}`,
      logTail(spec.home),
      { cause: error },
    );
  } finally {
    await db.close();
  }
}

/**
 * SIGTERM (clean shutdown), SIGKILL after the deadline; resolves when the process is gone. `discardStore`: SIGKILL at once,
 * for a server whose database is overwritten next (the offline restore's import): a clean shutdown of Neo4j 5 spends
 * 10 s waiting out its Bolt connectors (5 s each) and checkpoints a store about to be replaced; the system database
 * recovers from its transaction log at the next start as after any crash.
 */
export async function stopNeo4jProcess(
  pid: number,
  options: { timeoutMs?: number; discardStore?: boolean } = {},
): Promise<void> {
  if (!isProcessAlive(pid)) return;
  await stopProcessGroup(pid, { graceMs: options.discardStore ? 0 : (options.timeoutMs ?? 30_000), name: 'Neo4j' });
}
