// withSpan: one child span around a stage's internal step (plan, apply, export, restore, validate, allocate), with its outcome.
import { Attributes, Span, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { CodedError } from '@dco/contracts';
import { withLogContext } from '../logging/log-context';
import { TRACER_NAME } from './tracing.setup';
import { runParentContext } from './trace-context';

export interface SpanAttributes {
  runId?: string;
  day?: string;
  [key: string]: string | number | boolean | string[] | undefined;
}

export function toOtelAttributes(attributes: SpanAttributes): Attributes {
  const result: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined) continue;
    const name = key === 'runId' ? 'dco.run_id' : key === 'day' ? 'dco.day' : key.includes('.') ? key : `dco.${key}`;
    result[name] = value;
  }
  return result;
}

/** Records a thrown error on the span: its code (CodedError) or INTERNAL.UNEXPECTED. */
export function recordFailure(span: Span, error: unknown): void {
  const code = error instanceof CodedError ? String(error.code) : 'INTERNAL.UNEXPECTED';
  const message = error instanceof Error ? error.message : String(error);
  span.setAttribute('dco.outcome', code);
  if (error instanceof Error) span.recordException(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: `${code}: ${message}`.slice(0, 500) });
}

/**
 * Runs `fn` inside a child span of the active one (or of the run's root when there is none and runId is given).
 * The span ends when `fn` settles; a failure is recorded with its code and rethrown unchanged.
 */
export async function withSpan<T>(
  name: string,
  attributes: SpanAttributes,
  fn: (span: Span) => Promise<T> | T,
): Promise<T> {
  const tracer = trace.getTracer(TRACER_NAME);
  const activeContext = context.active();
  const activeSpan = trace.getSpanContext(activeContext);
  const parent = attributes.runId ? runParentContext(attributes.runId, [activeSpan], activeContext) : activeContext;
  const span = tracer.startSpan(name, { attributes: toOtelAttributes(attributes) }, parent);
  const run = () =>
    context.with(trace.setSpan(parent, span), async () => {
      try {
        const result = await fn(span);
        span.setStatus({ code: SpanStatusCode.OK });
        return result;
      } catch (error) {
        recordFailure(span, error);
        throw error;
      } finally {
        span.end();
      }
    });
  return attributes.runId ? withLogContext({ runId: attributes.runId }, run) : run();
}
