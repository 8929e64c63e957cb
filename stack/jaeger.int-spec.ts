// Integration spec: a span exported by the OpenTelemetry SDK over OTLP/HTTP comes back from the query API of the stack's Jaeger.
import { randomUUID } from 'node:crypto';
import { runTs, stackEndpoints, waitFor } from '@dco/testing';

const { jaeger } = stackEndpoints();

interface JaegerTrace {
  traceID: string;
  spans: { spanID: string; operationName: string; processID: string; tags: { key: string; value: unknown }[] }[];
  processes: Record<string, { serviceName: string }>;
}

describe('Jaeger on the local stack', () => {
  it('returns a span sent over OTLP/HTTP by its trace id and lists its service', async () => {
    const serviceName = `stack-probe-${randomUUID().slice(0, 8)}`;
    const emitted = await runTs('stack/fixtures/emit-span.script.ts', {
      args: [jaeger.otlpHttpUrl, serviceName, 'DailyTick', 'dco-2026-11-26'],
      timeoutMs: 60000,
    });
    expect(emitted.stderr).toBe('');
    expect(emitted.code).toBe(0);
    const { traceId, spanId } = JSON.parse(emitted.stdout) as { traceId: string; spanId: string };

    const trace = await waitFor(
      async () => {
        const response = await fetch(`${jaeger.queryUrl}/api/traces/${traceId}`);
        if (!response.ok) return undefined;
        return ((await response.json()) as { data?: JaegerTrace[] }).data?.[0];
      },
      { timeoutMs: 20000, description: `trace ${traceId} in Jaeger` },
    );
    expect(trace.traceID).toBe(traceId);
    const stored = trace.spans.find((candidate) => candidate.spanID === spanId);
    expect(stored?.operationName).toBe('DailyTick');
    expect(trace.processes[stored?.processID ?? '']?.serviceName).toBe(serviceName);
    expect(stored?.tags).toEqual(
      expect.arrayContaining([expect.objectContaining({ key: 'dco.run_id', value: 'dco-2026-11-26' })]),
    );

    const services = (await (await fetch(`${jaeger.queryUrl}/api/services`)).json()) as { data: string[] };
    expect(services.data).toContain(serviceName);
  });
});
