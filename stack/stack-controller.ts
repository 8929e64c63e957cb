// The local stack as a whole: up/down/status of every component, and the programmatic API fault tests and local adapters use.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { awsCliComponent } from './components/aws-cli.component';
import { jaegerComponent } from './components/jaeger.component';
import { kafkaComponent } from './components/kafka.component';
import { kafkaToolsComponent } from './components/kafka-tools.component';
import { motoComponent } from './components/moto.component';
import { neo4jComponent, neo4jComponentName, neo4jHome } from './components/neo4j.component';
import { ComponentStatus, logFileOf, pidFileOf, StackComponent, StackContext } from './components/stack-component';
import { tofuComponent } from './components/tofu.component';
import { verdaccioComponent } from './components/verdaccio.component';
import { Neo4jServerConfig, neo4jTransactionLimits, StackConfig, stackConfig, stackPaths } from './stack-config';
import { StackError } from './stack-error';
import { freePort } from '@dco/probes';
import { liveRecord, readPidRecord } from './support/process-supervisor';
import { withStackLock } from './support/stack-lock';

export interface StackOptions {
  config?: StackConfig;
  /** Progress lines (default: stderr). */
  log?: (line: string) => void;
}

export function stackContext(options: StackOptions = {}): StackContext {
  const config = options.config ?? stackConfig();
  return { config, paths: stackPaths(config), log: options.log ?? ((line) => process.stderr.write(`${line}\n`)) };
}

/**
 * The configured components in start order: the JVMs one after another (2 cores), then the light ones. The command-line
 * tools come last: kafka-tools runs a JVM to check itself, so it waits behind the broker and the Neo4j servers.
 */
export function stackComponents(config: StackConfig): StackComponent[] {
  const neo4jServers = Object.entries(config.neo4j).map(([name, server]) => neo4jComponent(name, server));
  return [
    kafkaComponent,
    ...neo4jServers,
    motoComponent,
    tofuComponent,
    jaegerComponent,
    verdaccioComponent,
    kafkaToolsComponent,
    awsCliComponent,
  ];
}

/** Components that run a JVM (kafka, kafka-tools, neo4j-*): started one after another. */
const JVM_COMPONENT = /^(kafka|neo4j-)/;

function lockFile(ctx: StackContext): string {
  return join(ctx.paths.stateDir, 'stack.lock');
}

function locked<T>(ctx: StackContext, purpose: string, action: () => Promise<T>): Promise<T> {
  return withStackLock(lockFile(ctx), purpose, action, 30 * 60 * 1000, ctx.log);
}

function findComponent(ctx: StackContext, name: string): StackComponent {
  const component =
    stackComponents(ctx.config).find((candidate) => candidate.name === name) ??
    extraNeo4jComponents(ctx).find((candidate) => candidate.name === name);
  if (!component) {
    const known = stackComponents(ctx.config).map((candidate) => candidate.name);
    throw new StackError('STACK.UNKNOWN_COMPONENT', `unknown stack component "${name}"; known: ${known.join(', ')}`);
  }
  return component;
}

/**
 * Starts every component (or the named ones) and returns when all are ready. Healthy components are left alone,
 * so a second call takes seconds. JVMs start one after another; moto, tofu and Jaeger in parallel with them.
 */
export async function stackUp(
  options: StackOptions & { only?: string[]; onReady?: (status: ComponentStatus) => void } = {},
): Promise<ComponentStatus[]> {
  const ctx = stackContext(options);
  const wanted = options.only?.length
    ? options.only.map((name) => findComponent(ctx, name))
    : stackComponents(ctx.config);
  // Fast path without the lock: when everything is already healthy there is nothing to serialize with other stack operations.
  const current = await Promise.all(wanted.map((component) => component.status(ctx)));
  if (current.every(isHealthy)) {
    const reused = current.map((status) => ({ ...status, reused: true }));
    reused.forEach((status) => options.onReady?.(status));
    return reused;
  }
  return locked(ctx, 'up', async () => {
    const results = new Map<string, ComponentStatus>();
    const run = async (components: StackComponent[]) => {
      for (const component of components) {
        const status = await component.up(ctx);
        results.set(component.name, status);
        options.onReady?.(status);
      }
    };
    const jvms = wanted.filter((component) => JVM_COMPONENT.test(component.name));
    const others = wanted.filter((component) => !JVM_COMPONENT.test(component.name));
    const outcomes = await Promise.allSettled([run(jvms), ...others.map((component) => run([component]))]);
    const failure = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failure) throw failure.reason;
    return wanted
      .map((component) => results.get(component.name))
      .filter((status): status is ComponentStatus => status !== undefined);
  });
}

/** Stops everything this stack started (configured components and extra Neo4j servers), all at once: none depends on another. */
export async function stackDown(options: StackOptions = {}): Promise<string[]> {
  const ctx = stackContext(options);
  return locked(ctx, 'down', async () => {
    const components = [...stackComponents(ctx.config), ...extraNeo4jComponents(ctx)];
    const outcomes = await Promise.allSettled(components.map((component) => component.down(ctx)));
    const failure = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failure)
      throw new StackError(
        'STACK.STOP_FAILED',
        `could not stop every component: ${failure.reason instanceof Error ? failure.reason.message : String(failure.reason)}`,
        { cause: failure.reason },
      );
    return components
      .filter(
        (_, index) =>
          outcomes[index].status === 'fulfilled' && (outcomes[index] as PromiseFulfilledResult<boolean>).value,
      )
      .map((component) => component.name);
  });
}

/** Status of every configured component plus the extra Neo4j servers that are running. */
export async function stackStatus(options: StackOptions = {}): Promise<ComponentStatus[]> {
  const ctx = stackContext(options);
  const components = [...stackComponents(ctx.config), ...extraNeo4jComponents(ctx)];
  return Promise.all(components.map((component) => component.status(ctx)));
}

export function isHealthy(status: ComponentStatus): boolean {
  return status.state === 'running' || status.state === 'installed';
}

/** True when every configured component is healthy; extra Neo4j servers belong to their callers and do not count. */
export function isStackHealthy(statuses: ComponentStatus[], config: StackConfig = stackConfig()): boolean {
  const configured = new Set(stackComponents(config).map((component) => component.name));
  return (
    statuses.filter((status) => configured.has(status.name)).every(isHealthy) &&
    statuses.filter((status) => configured.has(status.name)).length === configured.size
  );
}

export async function startComponent(name: string, options: StackOptions = {}): Promise<ComponentStatus> {
  const ctx = stackContext(options);
  return locked(ctx, `start ${name}`, () => findComponent(ctx, name).up(ctx));
}

/**
 * A fault test that stops or restarts a component must really do so: refuse (STACK.NOT_OWNED) when the healthy instance on
 * its port was started by another clone's stack, which this one must never signal.
 */
async function assertOwned(ctx: StackContext, component: StackComponent, action: string): Promise<void> {
  const status = await component.status(ctx);
  if (status.state === 'running' && status.pid === undefined) {
    throw new StackError(
      'STACK.NOT_OWNED',
      `cannot ${action} ${component.name}: the instance at ${status.address} was started by another clone's stack (not ${ctx.paths.stateDir}); stop that stack first or give this one other ports`,
    );
  }
}

/** Stops one component by pid; false when it was not running. Throws STACK.NOT_OWNED for another clone's instance. */
export async function stopComponent(name: string, options: StackOptions = {}): Promise<boolean> {
  const ctx = stackContext(options);
  return locked(ctx, `stop ${name}`, async () => {
    const component = findComponent(ctx, name);
    await assertOwned(ctx, component, 'stop');
    return component.down(ctx);
  });
}

/** Stops (SIGTERM, then SIGKILL after a deadline) and starts one component again, returning when it is ready. */
export async function restartComponent(name: string, options: StackOptions = {}): Promise<ComponentStatus> {
  const ctx = stackContext(options);
  return locked(ctx, `restart ${name}`, async () => {
    const component = findComponent(ctx, name);
    await assertOwned(ctx, component, 'restart');
    await component.down(ctx);
    return component.up(ctx);
  });
}

/** Stops the Kafka broker (fault tests: "the broker goes away mid-run"). */
export const stopKafka = (options: StackOptions = {}) => stopComponent('kafka', options);
/** Starts the Kafka broker again on the same data; returns when it answers describeCluster. */
export const startKafka = (options: StackOptions = {}) => startComponent('kafka', options);

export interface Neo4jServerRequest {
  /** Directory and pid-file name under .stack/neo4j/<name>; lower-case letters, digits, dashes. */
  name: string;
  /** A 5.x version; its jars are downloaded into the cache when missing. */
  version: string;
  /** Default: the port it had if already running, else a free port. */
  boltPort?: number;
  heapMb?: number;
  pageCacheMb?: number;
}

export interface Neo4jServerHandle {
  name: string;
  version: string;
  boltPort: number;
  boltUri: string;
  home: string;
  pid: number;
}

function handleFromPidFile(ctx: StackContext, serverName: string): Neo4jServerHandle | undefined {
  const record = liveRecord(pidFileOf(ctx.paths, neo4jComponentName(serverName)));
  if (!record?.meta) return undefined;
  const { version, boltPort, boltUri, home } = record.meta;
  return {
    name: serverName,
    version: String(version),
    boltPort: Number(boltPort),
    boltUri: String(boltUri),
    home: String(home),
    pid: record.pid,
  };
}

function serverConfigFromPidFile(ctx: StackContext, serverName: string): Neo4jServerConfig | undefined {
  const meta = readPidRecord(pidFileOf(ctx.paths, neo4jComponentName(serverName)))?.meta;
  if (!meta) return undefined;
  const heapMb = Number(meta.heapMb ?? 512);
  const limits = neo4jTransactionLimits(heapMb);
  return {
    version: String(meta.version),
    boltPort: Number(meta.boltPort),
    heapMb,
    pageCacheMb: Number(meta.pageCacheMb ?? 256),
    transactionTotalMaxMb: Number(meta.transactionTotalMaxMb ?? limits.transactionTotalMaxMb),
    transactionMaxMb: Number(meta.transactionMaxMb ?? limits.transactionMaxMb),
  };
}

/** Neo4j servers started through startNeo4jServer (not in stack.config.json), found by their pid files. */
function extraNeo4jComponents(ctx: StackContext): StackComponent[] {
  let files: string[];
  try {
    files = readdirSync(ctx.paths.pidsDir);
  } catch {
    return [];
  }
  return files
    .filter((file) => file.startsWith('neo4j-') && file.endsWith('.pid'))
    .map((file) => file.slice('neo4j-'.length, -'.pid'.length))
    .filter((serverName) => !(serverName in ctx.config.neo4j))
    .flatMap((serverName) => {
      const server = serverConfigFromPidFile(ctx, serverName);
      return server ? [neo4jComponent(serverName, server)] : [];
    });
}

/**
 * Starts (or finds running) a Neo4j server of `version` with its own home under .stack/neo4j/<name>, returning when Bolt answers
 * and `dbms.components()` reports that version. Idempotent for the same name and version.
 */
export async function startNeo4jServer(
  request: Neo4jServerRequest,
  options: StackOptions = {},
): Promise<Neo4jServerHandle> {
  const ctx = stackContext(options);
  return locked(ctx, `start neo4j ${request.name}`, async () => {
    const configured = ctx.config.neo4j[request.name];
    const running = handleFromPidFile(ctx, request.name);
    if (running && running.version !== request.version) {
      throw new StackError(
        'STACK.CONFIG_INVALID',
        `Neo4j server "${request.name}" already runs version ${running.version} (pid ${running.pid}); stop it before starting ${request.version}`,
      );
    }
    if (running && request.boltPort !== undefined && running.boltPort !== request.boltPort) {
      throw new StackError(
        'STACK.CONFIG_INVALID',
        `Neo4j server "${request.name}" already listens on ${running.boltPort}, not ${request.boltPort}`,
      );
    }
    const heapMb = request.heapMb ?? configured?.heapMb ?? 512;
    const server: Neo4jServerConfig = {
      version: request.version,
      boltPort:
        request.boltPort ??
        running?.boltPort ??
        (configured?.version === request.version ? configured.boltPort : await freePort(ctx.config.host)),
      heapMb,
      pageCacheMb: request.pageCacheMb ?? configured?.pageCacheMb ?? 256,
      ...(configured?.heapMb === heapMb
        ? { transactionTotalMaxMb: configured.transactionTotalMaxMb, transactionMaxMb: configured.transactionMaxMb }
        : neo4jTransactionLimits(heapMb)),
    };
    await neo4jComponent(request.name, server).up(ctx);
    const handle = handleFromPidFile(ctx, request.name);
    if (!handle)
      throw new StackError('STACK.START_FAILED', `Neo4j server "${request.name}" started but its pid file is missing`);
    return handle;
  });
}

/** Stops a Neo4j server started by this stack; `removeData` also deletes its home (data, logs, conf) and its .stack/logs file. */
export async function stopNeo4jServer(
  name: string,
  options: StackOptions & { removeData?: boolean } = {},
): Promise<boolean> {
  const ctx = stackContext(options);
  return locked(ctx, `stop neo4j ${name}`, async () => {
    const server = ctx.config.neo4j[name] ?? serverConfigFromPidFile(ctx, name);
    const stopped = server ? await neo4jComponent(name, server).down(ctx) : false;
    if (options.removeData) {
      rmSync(neo4jHome(ctx, name), { recursive: true, force: true });
      rmSync(logFileOf(ctx.paths, neo4jComponentName(name)), { force: true });
    }
    return stopped;
  });
}

/** Every Neo4j server of this stack that is running now (blue, green and extra ones). */
export function listNeo4jServers(options: StackOptions = {}): Neo4jServerHandle[] {
  const ctx = stackContext(options);
  let files: string[];
  try {
    files = readdirSync(ctx.paths.pidsDir);
  } catch {
    return [];
  }
  return files
    .filter((file) => file.startsWith('neo4j-') && file.endsWith('.pid'))
    .map((file) => handleFromPidFile(ctx, file.slice('neo4j-'.length, -'.pid'.length)))
    .filter((handle): handle is Neo4jServerHandle => handle !== undefined);
}
