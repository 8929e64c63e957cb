// Unit spec of the generated configuration files: the settings the project relies on are present and derived from stack.config.json.
import { stackConfig, stackPaths } from '../stack-config';
import { awsWrapperScript } from './aws-cli.component';
import { jaegerConfig } from './jaeger.component';
import { kafkaPom, kafkaServerProperties, newKafkaClusterId } from './kafka.component';
import {
  CONSOLE_CONSUMER_CLASS,
  kafkaConsoleConsumerScript,
  kafkaRunClassScript,
  kafkaToolsPom,
} from './kafka-tools.component';
import { assertNeo4jServerName, neo4jConf } from './neo4j.component';
import { StackContext } from './stack-component';
import { tofuCliConfig } from './tofu.component';

const config = { ...stackConfig(), stateDir: '/state', cacheDir: '/cache' };
const ctx: StackContext = { config, paths: stackPaths(config), log: () => undefined };

function properties(text: string): Map<string, string> {
  return new Map(
    text
      .split('\n')
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as [string, string]),
  );
}

describe('Kafka cluster id', () => {
  it('never starts with "-" (a command line would read it as an option): such a draw is replaced', () => {
    const draws = [Buffer.from([0xf8, ...Array(15).fill(1)]), Buffer.from(Array(16).fill(7))];
    expect(draws[0].toString('base64url').startsWith('-')).toBe(true);
    const id = newKafkaClusterId(() => draws.shift() as Buffer);
    expect(id).toBe(Buffer.from(Array(16).fill(7)).toString('base64url'));
    expect(draws).toHaveLength(0);
  });
});

describe('Kafka server.properties', () => {
  const props = properties(kafkaServerProperties(ctx));

  it('lets transactions and consumer groups work on a single node', () => {
    expect(props.get('transaction.state.log.replication.factor')).toBe('1');
    expect(props.get('transaction.state.log.min.isr')).toBe('1');
    expect(props.get('offsets.topic.replication.factor')).toBe('1');
    expect(props.get('group.initial.rebalance.delay.ms')).toBe('0');
  });

  it('is a KRaft combined node on the configured ports, with data in the state dir', () => {
    expect(props.get('process.roles')).toBe('broker,controller');
    expect(props.get('controller.quorum.voters')).toBe(`1@127.0.0.1:${config.kafka.controllerPort}`);
    expect(props.get('advertised.listeners')).toBe(`PLAINTEXT://127.0.0.1:${config.kafka.port}`);
    expect(props.get('log.dirs')).toBe('/state/kafka/data');
    expect(props.get('num.partitions')).toBe(String(config.kafka.partitions));
  });

  it('downloads the configured broker version with its log backend', () => {
    expect(kafkaPom('3.9.1')).toContain('<kafka.version>3.9.1</kafka.version>');
    expect(kafkaPom('3.9.1')).toContain('<artifactId>reload4j</artifactId>');
  });
});

describe('neo4j.conf', () => {
  const props = properties(neo4jConf('/state/neo4j/blue', '127.0.0.1', config.neo4j.blue));

  it('serves Bolt only, on the configured port, without auth', () => {
    expect(props.get('server.bolt.listen_address')).toBe(`127.0.0.1:${config.neo4j.blue.boltPort}`);
    expect(props.get('server.http.enabled')).toBe('false');
    expect(props.get('server.https.enabled')).toBe('false');
    expect(props.get('dbms.security.auth_enabled')).toBe('true');
  });

  it('keeps everything under the server home and sizes memory explicitly', () => {
    expect(props.get('server.directories.data')).toBe('/state/neo4j/blue/data');
    expect(props.get('server.directories.logs')).toBe('/state/neo4j/blue/logs');
    expect(props.get('server.memory.pagecache.size')).toBe(`${config.neo4j.blue.pageCacheMb}m`);
    expect(props.get('server.memory.heap.max_size')).toBe(`${config.neo4j.blue.heapMb}m`);
    expect(props.get('dbms.memory.transaction.total.max')).toBe(`${config.neo4j.blue.transactionTotalMaxMb}m`);
    expect(props.get('db.memory.transaction.max')).toBe(`${config.neo4j.blue.transactionMaxMb}m`);
  });

  it('accepts only names that are safe as directory and pid-file names', () => {
    expect(() => assertNeo4jServerName('green-2')).not.toThrow();
    for (const bad of ['', '../x', 'Blue', 'a b', '-x'])
      expect(() => assertNeo4jServerName(bad)).toThrow('invalid Neo4j server name');
  });
});

describe('Jaeger config', () => {
  const yaml = jaegerConfig(ctx);

  it('receives OTLP and serves the query API on the configured ports, memory storage, no metrics listener', () => {
    expect(yaml).toContain(`endpoint: "127.0.0.1:${config.jaeger.otlpHttpPort}"`);
    expect(yaml).toContain(`endpoint: "127.0.0.1:${config.jaeger.otlpGrpcPort}"`);
    expect(yaml).toContain(`endpoint: "127.0.0.1:${config.jaeger.queryPort}"`);
    expect(yaml).toMatch(/memory:\n\s+max_traces: \d+/);
    expect(yaml).toMatch(/metrics:\n\s+level: none/);
  });
});

describe('tofu CLI config', () => {
  it('installs providers only from the filesystem mirror', () => {
    const hcl = tofuCliConfig('/cache/tofu-providers');
    expect(hcl).toContain('filesystem_mirror');
    expect(hcl).toContain('path    = "/cache/tofu-providers"');
    expect(hcl).not.toContain('direct');
  });
});

describe('standard tool wrappers', () => {
  it('runs Kafka tools of the broker version from the cache, records on stdout and logs on stderr', () => {
    expect(kafkaToolsPom(config.kafka.version)).toContain('<artifactId>kafka-tools</artifactId>');
    expect(kafkaToolsPom(config.kafka.version)).toContain(`<kafka.version>${config.kafka.version}</kafka.version>`);
    const runClass = kafkaRunClassScript(ctx);
    expect(runClass.startsWith('#!/bin/sh\n')).toBe(true);
    expect(runClass).toContain(`-cp '/cache/kafka-${config.kafka.version}/tools-libs/*'`);
    expect(runClass).toContain(
      `'-Dlog4j.configuration=file:/cache/kafka-${config.kafka.version}/tools-log4j.properties'`,
    );
    expect(runClass.trimEnd().endsWith('"$@"')).toBe(true);
  });

  it('finds kafka-run-class next to the console consumer, with no path of the clone in it', () => {
    const script = kafkaConsoleConsumerScript();
    expect(script).toContain(`"$(dirname "$0")/kafka-run-class" ${CONSOLE_CONSUMER_CLASS} "$@"`);
    expect(script).not.toContain('/state');
  });

  it('points aws at the pinned venv of the cache', () => {
    expect(awsWrapperScript(ctx)).toContain(`exec '/cache/aws-cli/venv-${config.awsCli.version}/bin/aws' "$@"`);
  });
});
