// OpenTelemetry setup per app: a tracer provider exporting OTLP/HTTP to Jaeger, W3C propagation, flush on shutdown.
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, SimpleSpanProcessor, SpanExporter, TracerProvider } from '@opentelemetry/sdk-trace';
import { RunRootIdGenerator } from './run-root-id.generator';
import { runTraceIds } from './run-trace';

export const TRACER_NAME = 'dco-autopilot';

export interface TracingOptions {
  /** service.name of every span: the app name (scheduler, orchestrator, ...). */
  serviceName: string;
  /** OTLP/HTTP traces endpoint, e.g. http://127.0.0.1:4318/v1/traces. Ignored when `exporter` is given. */
  otlpEndpoint?: string;
  /** Where spans go instead of OTLP (an in-memory exporter in unit specs, the console when debugging). */
  exporter?: SpanExporter;
  /** Export each span as it ends instead of in batches (in-memory exporters). */
  exportImmediately?: boolean;
  /** Version reported as service.version. */
  serviceVersion?: string;
}

export interface RunSpanRecord {
  runId: string;
  startedAt: Date;
  endedAt: Date;
  outcome: string;
  attributes?: Record<string, string | number | boolean | string[]>;
  failed?: boolean;
}

export interface TracingHandle {
  readonly serviceName: string;
  /** Records the run's root span with its deterministic ids (call once, when the run reaches a final state). */
  recordRunSpan(record: RunSpanRecord): void;
  /** Exports everything ended so far. */
  flush(): Promise<void>;
  /** Flushes and stops exporting; safe to call twice. */
  shutdown(): Promise<void>;
}

let active: TracingHandle | undefined;

/** Installs the global tracer provider for this process (once; later calls return the first handle). */
export function initTracing(options: TracingOptions): TracingHandle {
  if (active) return active;
  const exporter =
    options.exporter ?? new OTLPTraceExporter({ url: options.otlpEndpoint ?? 'http://127.0.0.1:4318/v1/traces' });
  const processor = options.exportImmediately
    ? new SimpleSpanProcessor({ exporter })
    : new BatchSpanProcessor({ exporter, scheduledDelayMillis: 500, maxExportBatchSize: 256, maxQueueSize: 4096 });
  const ids = new RunRootIdGenerator();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      'service.name': options.serviceName,
      'service.namespace': 'dco-autopilot',
      ...(options.serviceVersion ? { 'service.version': options.serviceVersion } : {}),
    }),
    idGenerator: ids,
    spanProcessors: [processor],
  });
  // What SDK 2's NodeTracerProvider.register() did (SDK 3 has no Node provider): the async-local context, the W3C propagator.
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  let stopped: Promise<void> | undefined;
  const handle: TracingHandle = {
    serviceName: options.serviceName,
    recordRunSpan(record) {
      const tracer = trace.getTracer(TRACER_NAME);
      const span = ids.withIds(runTraceIds(record.runId), () =>
        tracer.startSpan(
          `run ${record.runId}`,
          {
            root: true,
            kind: SpanKind.INTERNAL,
            startTime: record.startedAt,
            attributes: { 'dco.run_id': record.runId, 'dco.outcome': record.outcome, ...(record.attributes ?? {}) },
          },
          ROOT_CONTEXT,
        ),
      );
      span.setStatus(
        record.failed ? { code: SpanStatusCode.ERROR, message: record.outcome } : { code: SpanStatusCode.OK },
      );
      span.end(record.endedAt);
    },
    flush: () => provider.forceFlush(),
    shutdown() {
      stopped ??= provider.shutdown().finally(() => {
        if (active === handle) active = undefined;
        trace.disable();
        propagation.disable();
        context.disable();
      });
      return stopped;
    },
  };
  active = handle;
  return handle;
}

/** The handle installed by initTracing, if any. */
export function currentTracing(): TracingHandle | undefined {
  return active;
}
