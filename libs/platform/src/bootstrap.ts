// Starts one service as its own process: validated config, its bus, the platform module, its feature module, its command
// workers on the bus transport, HTTP.
import { DynamicModule, INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClassConstructor } from 'class-transformer';
import { PRODUCERS, Producer } from '@dco/contracts';
import { BusHooks, MessageBus } from '@dco/messaging';
import { setupServiceObservability } from '@dco/observability';
import { CommonConfig, isConfigError, loadConfig } from './config';
import { startCommandWorkers } from './command-worker';
import { uuidGenerator } from './ids';
import { PlatformModule } from './platform.module';
import { httpsOptionsOf } from './http/tls';
import { keepConnectionsAlive } from './http/keep-alive';

export interface ServiceDefinition<TConfig extends CommonConfig> {
  service: string;
  config: ClassConstructor<TConfig>;
  /** The service's feature module, built from its validated config. */
  feature(config: TConfig): DynamicModule;
  /** How this process reaches the bus; the platform picks Kafka or in-memory by profile. */
  createBus(config: CommonConfig, service: string, hooks?: BusHooks): Promise<MessageBus>;
}

export const EXIT_CONFIG = 78;

/**
 * The environment with the secrets its `<VARIABLE>_SECRET_ID` variables name, read from Secrets Manager (ADR 0034); the
 * SDK loads only when there is one. A missing, empty, binary or unreadable secret is CONFIG.INVALID.
 */
export async function environmentWithSecrets(env: NodeJS.ProcessEnv): Promise<NodeJS.ProcessEnv> {
  if (!Object.keys(env).some((name) => name.endsWith('_SECRET_ID'))) return env;
  const { withSecretsFromStore } = await import('@dco/aws');
  return withSecretsFromStore(env);
}

export async function createServiceApp<TConfig extends CommonConfig>(
  definition: ServiceDefinition<TConfig>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ app: INestApplication; config: TConfig }> {
  const config = loadConfig(definition.config, await environmentWithSecrets(env));
  const httpsOptions = httpsOptionsOf(config);
  // Tracing, JSON logs, /metrics and the bus hooks (trace context in Kafka headers, bus metrics, DLQ growth alerts).
  const observability = setupServiceObservability({
    service: definition.service,
    otlpEndpoint: config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
    logLevel: config.LOG_LEVEL,
    logFormat: config.LOG_FORMAT,
    ids: uuidGenerator,
    namespace: config.DCO_NAMESPACE,
    producer: (PRODUCERS as readonly string[]).includes(definition.service)
      ? (definition.service as Producer)
      : 'orchestrator',
  });
  const bus = await definition.createBus(config, definition.service, observability.busHooks);
  observability.attachBus(bus);

  @Module({
    imports: [
      PlatformModule.forRoot({ service: definition.service, config, bus }),
      observability.module,
      definition.feature(config),
    ],
  })
  class ServiceRootModule {}

  const app = await NestFactory.create(ServiceRootModule, {
    logger: observability.nestLogger,
    abortOnError: false,
    httpsOptions,
  });
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  return { app, config };
}

/** The body of every apps/<app>/src/main.ts. */
export async function runService<TConfig extends CommonConfig>(definition: ServiceDefinition<TConfig>): Promise<void> {
  try {
    const { app, config } = await createServiceApp(definition);
    await startCommandWorkers(app);
    keepConnectionsAlive(app.getHttpServer());
    await app.listen(config.PORT, config.HOST);
    console.log(
      `${definition.service} listening on ${config.DCO_API_TLS_CERT_FILE ? 'https' : 'http'}://${config.HOST}:${config.PORT} (profile ${config.DCO_PROFILE})`,
    );
  } catch (error) {
    if (isConfigError(error)) {
      console.error(`${definition.service}: ${error.code}: ${error.message}`);
      process.exit(EXIT_CONFIG);
    }
    console.error(`${definition.service}: failed to start:`, error);
    process.exit(1);
  }
}
