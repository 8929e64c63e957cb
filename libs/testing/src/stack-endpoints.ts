// Addresses and client settings of the running local stack, for integration specs (Kafka brokers, Neo4j Bolt URIs, AWS emulator, Jaeger).
import { existsSync, readFileSync } from 'node:fs';
import { stackConfig, StackConfig, stackPaths } from '@dco/stack';

export interface StackEndpoints {
  kafkaBrokers: string[];
  neo4j: Record<string, { boltUri: string; version: string }>;
  /**
   * The login of every stack server (`neo4j` and .stack/neo4j-password); none for a stack started before authentication
   * was turned on (its servers accept any login).
   */
  neo4jCredentials: { user: string; password: string } | undefined;
  aws: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  jaeger: { queryUrl: string; otlpHttpUrl: string; otlpGrpcEndpoint: string };
  tofu: { binary: string; cliConfigFile: string };
}

export function stackEndpoints(config: StackConfig = stackConfig()): StackEndpoints {
  const { host } = config;
  const paths = stackPaths(config);
  return {
    kafkaBrokers: [`${host}:${config.kafka.port}`],
    neo4j: Object.fromEntries(
      Object.entries(config.neo4j).map(([name, server]) => [
        name,
        { boltUri: `bolt://${host}:${server.boltPort}`, version: server.version },
      ]),
    ),
    neo4jCredentials: stackNeo4jCredentials(config),
    aws: {
      endpoint: `http://${host}:${config.moto.port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    },
    jaeger: {
      queryUrl: `http://${host}:${config.jaeger.queryPort}`,
      otlpHttpUrl: `http://${host}:${config.jaeger.otlpHttpPort}`,
      otlpGrpcEndpoint: `${host}:${config.jaeger.otlpGrpcPort}`,
    },
    tofu: { binary: paths.tofu, cliConfigFile: paths.tofuCliConfig },
  };
}

/**
 * The stack servers' login, read (never generated: `npm run stack:up` writes it) from the machine's password file beside
 * the shared caches, which this clone's .stack/neo4j-password copies; none before the stack turned authentication on.
 */
export function stackNeo4jCredentials(
  config: StackConfig = stackConfig(),
): { user: string; password: string } | undefined {
  const file = stackPaths(config).neo4jSharedPasswordFile;
  return existsSync(file) ? { user: 'neo4j', password: readFileSync(file, 'utf8').trim() } : undefined;
}

/** The same login as a service's variables (NEO4J_USER, NEO4J_PASSWORD), for a service a spec starts against the stack. */
export function stackNeo4jEnv(config: StackConfig = stackConfig()): Record<string, string> {
  const login = stackNeo4jCredentials(config);
  return login ? { NEO4J_USER: login.user, NEO4J_PASSWORD: login.password } : {};
}
