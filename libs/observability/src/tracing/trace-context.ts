// W3C traceparent helpers: read a parent context from Kafka headers or the envelope, write the active one back.
import { Context, ROOT_CONTEXT, SpanContext, TraceFlags, context, isSpanContextValid, trace } from '@opentelemetry/api';
import { runRootContext, runTraceIds } from './run-trace';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

export function parseTraceparent(value: string | undefined): SpanContext | undefined {
  const match = value ? TRACEPARENT.exec(value.trim()) : null;
  if (!match) return undefined;
  const spanContext: SpanContext = {
    traceId: match[1],
    spanId: match[2],
    traceFlags: parseInt(match[3], 16) & TraceFlags.SAMPLED,
    isRemote: true,
  };
  return isSpanContextValid(spanContext) ? spanContext : undefined;
}

export function formatTraceparent(spanContext: SpanContext): string {
  const flags = (spanContext.traceFlags & 0xff).toString(16).padStart(2, '0');
  return `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`;
}

/** The traceparent of the active span, if there is one. */
export function activeTraceparent(active: Context = context.active()): string | undefined {
  const spanContext = trace.getSpanContext(active);
  return spanContext && isSpanContextValid(spanContext) ? formatTraceparent(spanContext) : undefined;
}

/**
 * The parent for work on a run's message: the first candidate that belongs to the run's trace, else the run's root.
 * Candidates from another trace (an HTTP request span, a foreign caller) are ignored so that a run stays one trace.
 */
export function runParentContext(
  runId: string,
  candidates: ReadonlyArray<string | SpanContext | undefined>,
  base: Context = ROOT_CONTEXT,
): Context {
  const { traceId } = runTraceIds(runId);
  for (const candidate of candidates) {
    const spanContext = typeof candidate === 'string' ? parseTraceparent(candidate) : candidate;
    if (spanContext && isSpanContextValid(spanContext) && spanContext.traceId === traceId) {
      return trace.setSpanContext(base, spanContext);
    }
  }
  return runRootContext(runId, base);
}
