// OTLP/HTTP export to the local Jaeger across two processes: one trace per run, both services in it, every parent present.
import { spawnTs, waitFor } from '@dco/testing';
import { runTraceIds } from './run-trace';

const JAEGER_QUERY = process.env.JAEGER_QUERY_URL ?? 'http://127.0.0.1:16686';
const PROGRAM = 'libs/observability/src/tracing/trace-hop.program.ts';

interface JaegerTrace {
  traceID: string;
  spans: Array<{
    spanID: string;
    operationName: string;
    references: Array<{ refType: string; spanID: string }>;
    processID: string;
  }>;
  processes: Record<string, { serviceName: string }>;
}

async function run(args: string[]): Promise<string> {
  const child = spawnTs(PROGRAM, { args });
  const exit = await child.exited;
  if (exit.code !== 0) throw new Error(`${PROGRAM} ${args.join(' ')} exited ${exit.code}: ${child.output()}`);
  return child.stdout();
}

it('joins the spans of a run from two processes into one Jaeger trace whose spans all hang off the run root', async () => {
  const runId = `dco-2031-01-01-r${Date.now() % 1_000_000}`;
  const published = await run(['publish', runId]);
  const traceparent = /traceparent=(\S+)/.exec(published)?.[1];
  expect(traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  await run(['handle', runId, traceparent as string]);

  const { traceId, rootSpanId } = runTraceIds(runId);
  const trace = await waitFor(
    async () => {
      const response = await fetch(`${JAEGER_QUERY}/api/traces/${traceId}`);
      if (!response.ok) return undefined;
      const found = ((await response.json()) as { data?: JaegerTrace[] }).data?.[0];
      return found && found.spans.length >= 5 ? found : undefined;
    },
    { timeoutMs: 20_000, intervalMs: 250, description: `trace ${traceId} with 5 spans in Jaeger` },
  );
  const byId = new Map(trace.spans.map((span) => [span.spanID, span]));
  expect(byId.get(rootSpanId)?.operationName).toBe(`run ${runId}`);
  const parentName = (name: string) => {
    const span = trace.spans.find((candidate) => candidate.operationName === name);
    const parent = span?.references.find((reference) => reference.refType === 'CHILD_OF')?.spanID;
    return parent ? byId.get(parent)?.operationName : undefined;
  };
  expect(parentName('ApplyInfra publish')).toBe(`run ${runId}`);
  expect(parentName('ApplyInfra process')).toBe('ApplyInfra publish');
  expect(parentName('plan')).toBe('ApplyInfra process');
  expect(parentName('InfraApplied publish')).toBe('ApplyInfra process');
  const orphans = trace.spans.filter(
    (span) => span.spanID !== rootSpanId && !span.references.some((reference) => byId.has(reference.spanID)),
  );
  expect(orphans).toEqual([]);
  expect(new Set(Object.values(trace.processes).map((process) => process.serviceName))).toEqual(
    new Set(['trace-hop-publisher', 'trace-hop-handler']),
  );
});
