// Reads stack/stack.config.json and resolves every path of the local stack (version-keyed cache outside the clone, running state in .stack/).
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { StackError } from './stack-error';

export interface KafkaConfig {
  version: string;
  port: number;
  controllerPort: number;
  heapMb: number;
  partitions: number;
}

export interface Neo4jServerConfig {
  version: string;
  boltPort: number;
  heapMb: number;
  pageCacheMb: number;
  /** dbms.memory.transaction.total.max: every transaction together, well under the heap (ADR 0020). */
  transactionTotalMaxMb: number;
  /** db.memory.transaction.max: one transaction, so that no single query can take the others' memory. */
  transactionMaxMb: number;
}

/**
 * The transaction memory limits of a server of `heapMb` as stack.config.json sets blue's and green's: all transactions
 * together at 60% of the heap (the rest for the server's own caches, Bolt buffers and GC headroom), one at 15% (four
 * large queries at once still fit). Servers started without explicit limits get these.
 */
export function neo4jTransactionLimits(
  heapMb: number,
): Pick<Neo4jServerConfig, 'transactionTotalMaxMb' | 'transactionMaxMb'> {
  return { transactionTotalMaxMb: Math.floor(heapMb * 0.6), transactionMaxMb: Math.floor(heapMb * 0.15) };
}

export interface StackConfig {
  /** Absolute path of the repository (the clone) the stack belongs to. */
  root: string;
  /** Absolute cache of heavy artifacts, shared by every clone on this machine. */
  cacheDir: string;
  /** Absolute running state of this clone: data, pid files, logs. */
  stateDir: string;
  host: string;
  kafka: KafkaConfig;
  neo4j: Record<string, Neo4jServerConfig>;
  moto: { version: string; port: number };
  /** The AWS CLI (v1, from PyPI) that specs read the emulator with, as an operator would. */
  awsCli: { version: string };
  tofu: { version: string };
  jaeger: { version: string; otlpGrpcPort: number; otlpHttpPort: number; queryPort: number; queryGrpcPort: number };
  /** The npm registry the dependency source is tested against (ADR 0029). */
  verdaccio: { version: string; port: number };
}

/** Where everything of the stack lives on disk. */
export interface StackPaths {
  root: string;
  cacheDir: string;
  stateDir: string;
  logsDir: string;
  pidsDir: string;
  binDir: string;
  buildDir: string;
  kafkaLibs: string;
  kafkaHome: string;
  neo4jHomes: string;
  /** This clone's copy of the stack servers' `neo4j` password (git-ignored; the local profile's default). */
  neo4jPasswordFile: string;
  /**
   * Where the password is generated, once per machine beside the shared caches: a fresh clone (CI) that uses the servers
   * another clone started (see DaemonComponent.up) logs in with the same password.
   */
  neo4jSharedPasswordFile: string;
  motoVenv: string;
  /** Kafka's command-line tools (kafka-tools and its dependencies) of the broker's version. */
  kafkaToolsLibs: string;
  kafkaToolsLog4j: string;
  /** Wrappers in the state dir's bin/: Kafka's `kafka-run-class` and `kafka-console-consumer`, the AWS CLI's `aws`. */
  kafkaRunClass: string;
  kafkaConsoleConsumer: string;
  awsCliVenv: string;
  aws: string;
  tofu: string;
  tofuCliConfig: string;
  tofuProviderMirror: string;
  jaeger: string;
  jaegerHome: string;
  /** Verdaccio's npm install prefix in the cache (version-keyed) and its config and storage in the state dir. */
  verdaccioPrefix: string;
  verdaccioHome: string;
  /** The jar folder of one Neo4j version. */
  neo4jLib(version: string): string;
}

/** The repository root: the nearest parent of this file that holds stack/stack.config.json (works from sources and from dist/). */
export function findRepoRoot(start: string = __dirname): string {
  if (process.env.DCO_STACK_ROOT) return resolve(process.env.DCO_STACK_ROOT);
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, 'stack', 'stack.config.json')) && existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new StackError('STACK.CONFIG_MISSING', `no stack/stack.config.json above ${start}`);
    dir = parent;
  }
}

/** Expands `${VAR}`, `${VAR:-default}` (defaults may nest) and a leading `~` the way a POSIX shell would. */
export function expandShellVars(value: string, env: NodeJS.ProcessEnv = process.env): string {
  let out = '';
  let i = 0;
  while (i < value.length) {
    if (value.startsWith('${', i)) {
      let depth = 1;
      let j = i + 2;
      while (j < value.length && depth > 0) {
        if (value.startsWith('${', j)) {
          depth += 1;
          j += 2;
          continue;
        }
        if (value[j] === '}') depth -= 1;
        j += 1;
      }
      if (depth !== 0) throw new StackError('STACK.CONFIG_INVALID', `unbalanced \${ in "${value}"`);
      const inner = value.slice(i + 2, j - 1);
      const sep = inner.indexOf(':-');
      const name = sep >= 0 ? inner.slice(0, sep) : inner;
      const fallback = sep >= 0 ? inner.slice(sep + 2) : '';
      const current = name === 'HOME' ? (env.HOME ?? homedir()) : env[name];
      out += current !== undefined && current !== '' ? current : expandShellVars(fallback, env);
      i = j;
      continue;
    }
    const bare = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(value.slice(i));
    if (bare) {
      out += bare[1] === 'HOME' ? (env.HOME ?? homedir()) : (env[bare[1]] ?? '');
      i += bare[0].length;
      continue;
    }
    out += value[i];
    i += 1;
  }
  return out.startsWith('~/') ? join(env.HOME ?? homedir(), out.slice(2)) : out;
}

interface RawConfig extends Omit<StackConfig, 'root' | 'cacheDir' | 'stateDir'> {
  cacheDir: string;
  stateDir: string;
}

/** The stack configuration with absolute paths. `DCO_STACK_CACHE_DIR` / `DCO_STACK_STATE_DIR` override the file. */
export function stackConfig(root: string = findRepoRoot(), env: NodeJS.ProcessEnv = process.env): StackConfig {
  const file = join(root, 'stack', 'stack.config.json');
  const raw = JSON.parse(readFileSync(file, 'utf8')) as RawConfig;
  const absolute = (p: string): string => (isAbsolute(p) ? p : join(root, p));
  return {
    ...raw,
    root,
    cacheDir: absolute(expandShellVars(env.DCO_STACK_CACHE_DIR ?? raw.cacheDir, env)),
    stateDir: absolute(expandShellVars(env.DCO_STACK_STATE_DIR ?? raw.stateDir, env)),
  };
}

export function stackPaths(config: StackConfig = stackConfig()): StackPaths {
  const { cacheDir, stateDir } = config;
  return {
    root: config.root,
    cacheDir,
    stateDir,
    logsDir: join(stateDir, 'logs'),
    pidsDir: join(stateDir, 'pids'),
    binDir: join(stateDir, 'bin'),
    buildDir: join(cacheDir, 'build'),
    kafkaLibs: join(cacheDir, `kafka-${config.kafka.version}`, 'libs'),
    kafkaHome: join(stateDir, 'kafka'),
    neo4jHomes: join(stateDir, 'neo4j'),
    neo4jPasswordFile: join(stateDir, 'neo4j-password'),
    neo4jSharedPasswordFile: join(cacheDir, 'neo4j-password'),
    motoVenv: join(cacheDir, 'moto', `venv-${config.moto.version}`),
    kafkaToolsLibs: join(cacheDir, `kafka-${config.kafka.version}`, 'tools-libs'),
    kafkaToolsLog4j: join(cacheDir, `kafka-${config.kafka.version}`, 'tools-log4j.properties'),
    kafkaRunClass: join(stateDir, 'bin', 'kafka-run-class'),
    kafkaConsoleConsumer: join(stateDir, 'bin', 'kafka-console-consumer'),
    awsCliVenv: join(cacheDir, 'aws-cli', `venv-${config.awsCli.version}`),
    aws: join(stateDir, 'bin', 'aws'),
    tofu: join(stateDir, 'bin', 'tofu'),
    tofuCliConfig: join(stateDir, 'tofu.tfrc'),
    tofuProviderMirror: join(cacheDir, 'tofu-providers'),
    jaeger: join(cacheDir, 'bin', `jaeger-${config.jaeger.version}`),
    jaegerHome: join(stateDir, 'jaeger'),
    verdaccioPrefix: join(cacheDir, 'verdaccio', `verdaccio-${config.verdaccio.version}`),
    verdaccioHome: join(stateDir, 'verdaccio'),
    neo4jLib: (version: string) => join(cacheDir, `neo4j-${version}`, 'lib'),
  };
}
