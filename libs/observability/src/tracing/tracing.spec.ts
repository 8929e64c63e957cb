// Tracing: spans of one run share the run's trace, parent-child links survive a Kafka hop, the root span has the run's ids.
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, ReadableSpan } from '@opentelemetry/sdk-trace';
import { CodedError, fixtureMessage } from '@dco/contracts';
import { DeliveryContext } from '@dco/messaging';
import { TracingBusInterceptor } from './tracing-bus.interceptor';
import { TracingHandle, initTracing } from './tracing.setup';
import { runTraceIds, runTraceparent, jaegerTraceUrl } from './run-trace';
import { parseTraceparent, formatTraceparent } from './trace-context';
import { withSpan } from './with-span';
import { PhaseSpans } from './phase-spans';

const RUN = 'dco-2026-11-26';
const exporter = new InMemorySpanExporter();
let tracing: TracingHandle;

beforeAll(() => {
  tracing = initTracing({ serviceName: 'orchestrator', exporter, exportImmediately: true });
});
afterAll(() => tracing.shutdown());
beforeEach(() => exporter.reset());

const delivery = (headers: Record<string, string>): DeliveryContext => ({
  topic: 'ApplyInfra',
  partition: 0,
  offset: '7',
  attempt: 1,
  headers,
});
const parentOf = (span: ReadableSpan): string | undefined => span.parentSpanContext?.spanId;
const byName = (name: string): ReadableSpan => {
  const span = exporter.getFinishedSpans().find((candidate) => candidate.name === name);
  if (!span)
    throw new Error(
      `no span ${name}; have ${exporter
        .getFinishedSpans()
        .map((s) => s.name)
        .join(', ')}`,
    );
  return span;
};

describe('run trace ids', () => {
  it('are stable per run and differ between runs', () => {
    expect(runTraceIds(RUN)).toEqual(runTraceIds(RUN));
    expect(runTraceIds(RUN).traceId).not.toBe(runTraceIds(`${RUN}-r1`).traceId);
    expect(runTraceIds(RUN, 'staging').traceId).not.toBe(runTraceIds(RUN, 'production').traceId);
    expect(runTraceIds(RUN, 'staging')).toEqual(runTraceIds(RUN, 'staging'));
    expect(runTraceIds(RUN).traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(runTraceparent(RUN)).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(jaegerTraceUrl(RUN)).toBe(`http://127.0.0.1:16686/trace/${runTraceIds(RUN).traceId}`);
  });

  it('parse and format traceparent round-trip and reject invalid values', () => {
    const value = runTraceparent(RUN);
    const parsed = parseTraceparent(value);
    expect(parsed && formatTraceparent(parsed)).toBe(value);
    expect(parseTraceparent('00-00000000000000000000000000000000-0000000000000001-01')).toBeUndefined();
    expect(parseTraceparent('garbage')).toBeUndefined();
    expect(parseTraceparent(undefined)).toBeUndefined();
  });
});

describe('TracingBusInterceptor', () => {
  it('links publish and process spans across a Kafka hop within the run trace', async () => {
    const interceptor = new TracingBusInterceptor('infra-deployer');
    const command = fixtureMessage('ApplyInfra', { runId: RUN });
    const headers: Record<string, string> = {};
    interceptor.beforePublish(command, headers);
    const published = byName('ApplyInfra publish');
    expect(published.kind).toBe(SpanKind.PRODUCER);
    expect(published.spanContext().traceId).toBe(runTraceIds(RUN).traceId);
    expect(parentOf(published)).toBe(runTraceIds(RUN).rootSpanId);
    expect(headers.traceparent).toBe(formatTraceparent(published.spanContext()));

    const outcome = fixtureMessage('InfraApplied', { runId: RUN });
    const outHeaders: Record<string, string> = {};
    const result = await interceptor.aroundHandle(command, delivery(headers), async () => {
      await withSpan('plan', { runId: RUN, adds: 1 }, async () => undefined);
      return { messages: [outcome] };
    });
    // The adapter writes outputs after the handler returned, outside the consumer span.
    const written = result?.messages?.[0];
    if (!written) throw new Error('the output message was dropped');
    interceptor.beforePublish(written, outHeaders);
    const processed = byName('ApplyInfra process');
    expect(processed.kind).toBe(SpanKind.CONSUMER);
    expect(parentOf(processed)).toBe(published.spanContext().spanId);
    expect(processed.attributes['messaging.kafka.consumer.group']).toBe('infra-deployer');
    expect(parentOf(byName('plan'))).toBe(processed.spanContext().spanId);
    expect(byName('plan').attributes['dco.adds']).toBe(1);
    expect(parentOf(byName('InfraApplied publish'))).toBe(processed.spanContext().spanId);
    const traceIds = new Set(exporter.getFinishedSpans().map((span) => span.spanContext().traceId));
    expect([...traceIds]).toEqual([runTraceIds(RUN).traceId]);
  });

  it('ignores a traceparent from another trace and falls back to the run root', async () => {
    const interceptor = new TracingBusInterceptor();
    const foreign = '00-11111111111111111111111111111111-2222222222222222-01';
    const message = fixtureMessage('RunDco', { runId: RUN, traceparent: foreign });
    await interceptor.aroundHandle(message, delivery({ traceparent: foreign }), async () => undefined);
    const span = byName('RunDco process');
    expect(span.spanContext().traceId).toBe(runTraceIds(RUN).traceId);
    expect(parentOf(span)).toBe(runTraceIds(RUN).rootSpanId);
  });

  it('uses the envelope traceparent when the headers lost it', async () => {
    const interceptor = new TracingBusInterceptor();
    const upstream = `00-${runTraceIds(RUN).traceId}-aaaaaaaaaaaaaaaa-01`;
    await interceptor.aroundHandle(
      fixtureMessage('MigrateDb', { runId: RUN, traceparent: upstream }),
      delivery({}),
      async () => undefined,
    );
    expect(parentOf(byName('MigrateDb process'))).toBe('aaaaaaaaaaaaaaaa');
  });

  it('records a failed handler with its code and rethrows it unchanged', async () => {
    const interceptor = new TracingBusInterceptor();
    const error = new CodedError('DB.VALIDATION_MISMATCH', 'green differs');
    await expect(
      interceptor.aroundHandle(fixtureMessage('MigrateDb', { runId: RUN }), delivery({}), async () =>
        Promise.reject(error),
      ),
    ).rejects.toBe(error);
    const span = byName('MigrateDb process');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['dco.outcome']).toBe('DB.VALIDATION_MISMATCH');
    expect(span.events.map((event) => event.name)).toContain('exception');
  });

  it('keeps a publish made inside an unrelated active span (an HTTP request) in the run trace', () => {
    const interceptor = new TracingBusInterceptor();
    const tracer = trace.getTracer('test');
    const http = tracer.startSpan('POST /api/runs/approve');
    const headers: Record<string, string> = {};
    context.with(trace.setSpan(context.active(), http), () =>
      interceptor.beforePublish(fixtureMessage('ApprovalGranted', { runId: RUN }), headers),
    );
    http.end();
    expect(parseTraceparent(headers.traceparent)?.traceId).toBe(runTraceIds(RUN).traceId);
  });
});

describe('run root span', () => {
  it('is recorded with the run ids, its start and end, and its outcome', () => {
    const startedAt = new Date('2026-11-26T06:00:00Z');
    const endedAt = new Date('2026-11-26T06:42:00Z');
    tracing.recordRunSpan({
      runId: RUN,
      startedAt,
      endedAt,
      outcome: 'failed',
      failed: true,
      attributes: { 'dco.day': '2026-11-26' },
    });
    const root = byName(`run ${RUN}`);
    expect(root.spanContext().traceId).toBe(runTraceIds(RUN).traceId);
    expect(root.spanContext().spanId).toBe(runTraceIds(RUN).rootSpanId);
    expect(parentOf(root)).toBeUndefined();
    expect(root.status.code).toBe(SpanStatusCode.ERROR);
    expect(root.duration[0]).toBe(42 * 60);
    expect(root.resource.attributes['service.name']).toBe('orchestrator');
  });

  it('does not leak the run ids into spans started afterwards', async () => {
    tracing.recordRunSpan({ runId: RUN, startedAt: new Date(), endedAt: new Date(), outcome: 'completed' });
    await withSpan('unrelated', {}, async () => undefined);
    expect(byName('unrelated').spanContext().traceId).not.toBe(runTraceIds(RUN).traceId);
  });
});

describe('PhaseSpans', () => {
  it('opens one child span per phase under the active span and records the failing phase', async () => {
    await withSpan('MigrateDb process', { runId: RUN }, async () => {
      const phases = new PhaseSpans({ runId: RUN, day: '2026-11-26' });
      phases.progress('backup', 0, 10);
      phases.progress('backup', 10, 10);
      phases.progress('restore', 5, 10);
      phases.finish(new CodedError('DB.RESTORE_FAILED', 'batch 3 failed'));
    });
    const parent = byName('MigrateDb process');
    const backup = byName('backup');
    const restore = byName('restore');
    expect([parentOf(backup), parentOf(restore)]).toEqual([parent.spanContext().spanId, parent.spanContext().spanId]);
    expect(backup.attributes).toMatchObject({
      'dco.phase': 'backup',
      'dco.done': 10,
      'dco.total': 10,
      'dco.day': '2026-11-26',
    });
    expect(backup.status.code).toBe(SpanStatusCode.OK);
    expect(restore.status.code).toBe(SpanStatusCode.ERROR);
    expect(restore.attributes['dco.outcome']).toBe('DB.RESTORE_FAILED');
  });
});
