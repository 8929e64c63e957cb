// A tiny process for the Jaeger int-spec: publishes or handles one message of a run with tracing on, then shuts down (flushing).
// Usage: trace-hop.program.ts publish <runId>             -> prints "traceparent=<value>"
//        trace-hop.program.ts handle <runId> <traceparent> -> handles it, publishes the outcome and records the run root span
import 'reflect-metadata';
import { fixtureMessage } from '@dco/contracts';
import { TracingBusInterceptor } from './tracing-bus.interceptor';
import { initTracing } from './tracing.setup';
import { withSpan } from './with-span';

async function main(): Promise<void> {
  const [mode, runId, traceparent] = process.argv.slice(2);
  const tracing = initTracing({
    serviceName: mode === 'publish' ? 'trace-hop-publisher' : 'trace-hop-handler',
    otlpEndpoint: process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? 'http://127.0.0.1:4318/v1/traces',
  });
  const interceptor = new TracingBusInterceptor('trace-hop');
  const command = fixtureMessage('ApplyInfra', { runId });
  if (mode === 'publish') {
    const headers: Record<string, string> = {};
    interceptor.beforePublish(command, headers);
    console.log(`traceparent=${headers.traceparent}`);
  } else {
    const started = new Date();
    const output = await interceptor.aroundHandle(
      command,
      { topic: 'ApplyInfra', partition: 0, offset: '0', attempt: 1, headers: { traceparent } },
      async () => {
        await withSpan('plan', { runId, adds: 1 }, async () => undefined);
        return { messages: [fixtureMessage('InfraApplied', { runId })] };
      },
    );
    for (const message of output?.messages ?? []) interceptor.beforePublish(message, {});
    tracing.recordRunSpan({ runId, startedAt: started, endedAt: new Date(), outcome: 'completed' });
  }
  // Nothing is flushed explicitly: shutdown must export what is pending.
  await tracing.shutdown();
  console.log('done');
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
