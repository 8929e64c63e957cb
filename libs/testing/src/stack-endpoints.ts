// Addresses and client settings of the running local stack, for integration specs (Kafka brokers, Neo4j Bolt URIs, AWS emulator, Jaeger).
import { stackConfig, StackConfig, stackPaths } from '@dco/stack';

export interface StackEndpoints {
  kafkaBrokers: string[];
  neo4j: Record<string, { boltUri: string; version: string }>;
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
