// TracingBusInterceptor on the real in-memory MessageBus: a command and its outcome form one parent-child chain in the run trace.
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, ReadableSpan } from '@opentelemetry/sdk-trace';
import { fixtureMessage } from '@dco/contracts';
import { InMemoryMessageBus } from '@dco/messaging';
import { waitFor as waitUntil } from '@dco/testing';
import { TracingBusInterceptor } from './tracing-bus.interceptor';
import { TracingHandle, initTracing } from './tracing.setup';
import { runTraceIds } from './run-trace';
import { DcoMetrics } from '../metrics/dco-metrics';
import { PrometheusBusObserver } from '../metrics/prometheus-bus.observer';

const RUN = 'dco-2026-11-26';
const exporter = new InMemorySpanExporter();
let tracing: TracingHandle;
beforeAll(() => {
  tracing = initTracing({ serviceName: 'embedded', exporter, exportImmediately: true });
});
afterAll(() => tracing.shutdown());

const waitFor = <T>(probe: () => T | undefined): Promise<T> =>
  waitUntil(probe, { description: 'the spans of the chain', timeoutMs: 5_000, intervalMs: 5 });

it('chains publish -> process -> publish -> process across two consumer groups, with metrics from the observer', async () => {
  const metrics = new DcoMetrics({ service: 'embedded' });
  const bus = new InMemoryMessageBus({
    interceptor: new TracingBusInterceptor(),
    observer: new PrometheusBusObserver(metrics),
  });
  await bus.ensureTopics(['ApplyInfra', 'InfraApplied']);
  const seen: string[] = [];
  const deployer = await bus.subscribe({
    group: 'infra-deployer',
    types: ['ApplyInfra'],
    handler: async (message) => ({
      messages: [fixtureMessage('InfraApplied', { runId: message.runId, causationId: message.eventId })],
    }),
  });
  const orchestrator = await bus.subscribe({
    group: 'orchestrator',
    types: ['InfraApplied'],
    handler: async (message) => {
      seen.push(message.type);
    },
  });
  try {
    await bus.publish(fixtureMessage('ApplyInfra', { runId: RUN }));
    await waitFor(() => (seen.length > 0 ? true : undefined));
    const spans = await waitFor(() => {
      const finished = exporter.getFinishedSpans();
      return finished.length >= 4 ? finished : undefined;
    });
    const find = (name: string): ReadableSpan => {
      const span = spans.find((candidate) => candidate.name === name);
      if (!span) throw new Error(`missing span ${name}`);
      return span;
    };
    const chain = ['ApplyInfra publish', 'ApplyInfra process', 'InfraApplied publish', 'InfraApplied process'].map(
      find,
    );
    expect(chain.map((span) => span.kind)).toEqual([
      SpanKind.PRODUCER,
      SpanKind.CONSUMER,
      SpanKind.PRODUCER,
      SpanKind.CONSUMER,
    ]);
    expect(chain[0].parentSpanContext?.spanId).toBe(runTraceIds(RUN).rootSpanId);
    for (let index = 1; index < chain.length; index += 1) {
      expect(chain[index].parentSpanContext?.spanId).toBe(chain[index - 1].spanContext().spanId);
    }
    expect(new Set(chain.map((span) => span.spanContext().traceId))).toEqual(new Set([runTraceIds(RUN).traceId]));
    const handled = await metrics.registry.getSingleMetric('dco_messages_handled_total')?.get();
    expect(handled?.values.map((entry) => `${entry.labels.group}:${entry.labels.type}:${entry.value}`).sort()).toEqual([
      'infra-deployer:ApplyInfra:1',
      'orchestrator:InfraApplied:1',
    ]);
  } finally {
    await deployer.stop();
    await orchestrator.stop();
    await bus.close();
  }
});
