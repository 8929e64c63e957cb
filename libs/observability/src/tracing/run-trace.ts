// One trace per run: the run's trace id and root span id are derived from its runId, so every service joins the same trace.
import { createHash } from 'node:crypto';
import { Context, ROOT_CONTEXT, SpanContext, TraceFlags, trace } from '@opentelemetry/api';

export interface RunTraceIds {
  traceId: string;
  rootSpanId: string;
}

const hex = (seed: string, length: number): string => {
  const digest = createHash('sha256').update(seed).digest('hex').slice(0, length);
  // An all-zero id is invalid in W3C trace context; flip the last digit in that (astronomically rare) case.
  return /^0+$/.test(digest) ? `${digest.slice(0, -1)}1` : digest;
};

let processNamespace = '';

/**
 * The deployment's namespace (DCO_NAMESPACE) this process traces in: two deployments sharing a Jaeger (staging and
 * production, or parallel test runs) get different traces for the same runId. Every process of a deployment sets the same.
 */
export function setTraceNamespace(namespace: string): void {
  processNamespace = namespace;
}

/** The trace id and root span id of a run: stable across processes and restarts. */
export function runTraceIds(runId: string, namespace: string = processNamespace): RunTraceIds {
  const scope = namespace ? `${namespace}:${runId}` : runId;
  return { traceId: hex(`dco-trace:${scope}`, 32), rootSpanId: hex(`dco-root:${scope}`, 16) };
}

/** The W3C traceparent naming the run's root span as parent. */
export function runTraceparent(runId: string, namespace?: string): string {
  const { traceId, rootSpanId } = runTraceIds(runId, namespace);
  return `00-${traceId}-${rootSpanId}-01`;
}

/** A context whose (remote) parent is the run's root span. */
export function runRootContext(runId: string, base: Context = ROOT_CONTEXT): Context {
  const { traceId, rootSpanId } = runTraceIds(runId);
  const parent: SpanContext = { traceId, spanId: rootSpanId, traceFlags: TraceFlags.SAMPLED, isRemote: true };
  return trace.setSpanContext(base, parent);
}

/** Jaeger UI link of a run's trace. */
export function jaegerTraceUrl(runId: string, jaegerUiBase = 'http://127.0.0.1:16686'): string {
  return `${jaegerUiBase.replace(/\/$/, '')}/trace/${runTraceIds(runId).traceId}`;
}
