// One call per service process: tracing, metrics, JSON logs and the bus hooks, with a shutdown that flushes spans.
import { DynamicModule } from '@nestjs/common';
import { BusHooks } from '@dco/messaging';
import { DcoLogger, createLogger } from './logging/logger.factory';
import { PinoNestLogger } from './logging/nest-logger.adapter';
import { DcoMetrics } from './metrics/dco-metrics';
import { PrometheusBusObserver } from './metrics/prometheus-bus.observer';
import { ObservabilityModule } from './observability.module';
import { TracingBusInterceptor } from './tracing/tracing-bus.interceptor';
import { TracingHandle, initTracing } from './tracing/tracing.setup';

export interface ServiceObservabilityOptions {
  service: string;
  /** OTLP/HTTP traces endpoint; tracing stays off (no exporter, spans are not recorded) when absent. */
  otlpEndpoint?: string;
  logLevel?: string;
  defaultMetrics?: boolean;
}

export interface ServiceObservability {
  logger: DcoLogger;
  nestLogger: PinoNestLogger;
  metrics: DcoMetrics;
  tracing?: TracingHandle;
  /** Pass to the MessageBus adapter. */
  busHooks: BusHooks;
  /** Import into the service's root module (GET /metrics). */
  module: DynamicModule;
  /** Flushes pending spans; call from the app's shutdown hook. */
  shutdown(): Promise<void>;
}

export function setupServiceObservability(options: ServiceObservabilityOptions): ServiceObservability {
  const tracing = options.otlpEndpoint ? initTracing({ serviceName: options.service, otlpEndpoint: options.otlpEndpoint }) : undefined;
  const metrics = new DcoMetrics({ service: options.service, defaultMetrics: options.defaultMetrics ?? true });
  const logger = createLogger({ service: options.service, level: options.logLevel });
  return {
    logger,
    nestLogger: new PinoNestLogger(logger),
    metrics,
    tracing,
    busHooks: { interceptor: new TracingBusInterceptor(), observer: new PrometheusBusObserver(metrics) },
    module: ObservabilityModule.forRoot({ service: options.service, metrics }),
    shutdown: async () => {
      await tracing?.shutdown();
      logger.flush();
    },
  };
}
