// One call per service process: tracing, metrics, JSON logs and the bus hooks, with a shutdown that flushes spans.
import { DynamicModule } from '@nestjs/common';
import { IdGenerator, Producer } from '@dco/contracts';
import { BusHooks, MessageBus } from '@dco/messaging';
import { CompositeBusObserver, DlqAlertingObserver } from './alerts/dlq-alerting.observer';
import { LogFormat } from './logging/human-log.format';
import { DcoLogger, createLogger } from './logging/logger.factory';
import { LoggingBusObserver } from './logging/logging-bus.observer';
import { PinoNestLogger } from './logging/nest-logger.adapter';
import { pinoBusLogger } from './logging/bus-logger.adapter';
import { DcoMetrics } from './metrics/dco-metrics';
import { PrometheusBusObserver } from './metrics/prometheus-bus.observer';
import { ObservabilityModule } from './observability.module';
import { TracingBusInterceptor } from './tracing/tracing-bus.interceptor';
import { TracingHandle, initTracing } from './tracing/tracing.setup';
import { setTraceNamespace } from './tracing/run-trace';

export interface ServiceObservabilityOptions {
  service: string;
  /** OTLP/HTTP traces endpoint; tracing stays off (no exporter, spans are not recorded) when absent. */
  otlpEndpoint?: string;
  logLevel?: string;
  /** json (the default, for log pipelines) or human (a console a person reads). */
  logFormat?: LogFormat;
  defaultMetrics?: boolean;
  /** Raise DLQ_GROWING when this many messages of one topic are dead-lettered within dlqWindowMs (default 5 in 10 min). */
  dlqThreshold?: number;
  dlqWindowMs?: number;
  ids: IdGenerator;
  /** The producer name alerts raised by this process carry (the app, or orchestrator when embedded). */
  producer: Producer;
  /** DCO_NAMESPACE: scopes the run trace ids to this deployment. */
  namespace?: string;
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
  /** Gives the DLQ watcher the bus its alerts go out on (call once the bus built with busHooks exists). */
  attachBus(bus: MessageBus): void;
  /** Flushes pending spans; call from the app's shutdown hook. */
  shutdown(): Promise<void>;
}

export function setupServiceObservability(options: ServiceObservabilityOptions): ServiceObservability {
  if (options.namespace) setTraceNamespace(options.namespace);
  const tracing = options.otlpEndpoint
    ? initTracing({ serviceName: options.service, otlpEndpoint: options.otlpEndpoint })
    : undefined;
  const metrics = new DcoMetrics({ service: options.service, defaultMetrics: options.defaultMetrics ?? true });
  const logger = createLogger({ service: options.service, level: options.logLevel, format: options.logFormat });
  const dlqAlerts = new DlqAlertingObserver({
    producer: options.producer,
    ids: options.ids,
    threshold: options.dlqThreshold ?? 5,
    windowMs: options.dlqWindowMs ?? 600_000,
    onError: (error) => logger.error({ err: error }, 'could not publish the DLQ_GROWING alert'),
  });
  const shutdown = async (): Promise<void> => {
    await tracing?.shutdown();
    logger.flush();
  };
  return {
    logger,
    nestLogger: new PinoNestLogger(logger),
    metrics,
    tracing,
    busHooks: {
      interceptor: new TracingBusInterceptor(),
      logger: pinoBusLogger(logger),
      observer: new CompositeBusObserver([
        new PrometheusBusObserver(metrics),
        dlqAlerts,
        new LoggingBusObserver(logger.child({ context: 'MessageBus' })),
      ]),
    },
    attachBus: (bus) => dlqAlerts.attach(bus),
    module: ObservabilityModule.forRoot({ service: options.service, metrics, onShutdown: shutdown }),
    shutdown,
  };
}
