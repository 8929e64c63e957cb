// One span per phase of a long operation reported through progress callbacks (provision, backup, restore, validate, switch, retire).
import { Span, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { TRACER_NAME } from './tracing.setup';
import { runParentContext } from './trace-context';
import { SpanAttributes, recordFailure, toOtelAttributes } from './with-span';

export class PhaseSpans {
  private current?: { phase: string; span: Span };

  /** `attributes` go on every phase span (runId, day, ...); spans are children of the span active at each phase start. */
  constructor(private readonly attributes: SpanAttributes) {}

  /** Reports progress; a new phase ends the previous phase's span and starts its own. */
  progress(phase: string, done: number, total: number): void {
    if (this.current?.phase !== phase) {
      this.endCurrent();
      const active = context.active();
      const parent = this.attributes.runId
        ? runParentContext(this.attributes.runId, [trace.getSpanContext(active)], active)
        : active;
      const span = trace
        .getTracer(TRACER_NAME)
        .startSpan(phase, { attributes: toOtelAttributes({ ...this.attributes, phase }) }, parent);
      this.current = { phase, span };
    }
    this.current.span.setAttributes({ 'dco.done': done, 'dco.total': total });
  }

  /** Ends the open phase: OK, or failed with the error's code. */
  finish(error?: unknown): void {
    if (error !== undefined && this.current) recordFailure(this.current.span, error);
    this.endCurrent(error !== undefined);
  }

  private endCurrent(failed = false): void {
    if (!this.current) return;
    if (!failed) this.current.span.setStatus({ code: SpanStatusCode.OK });
    this.current.span.end();
    this.current = undefined;
  }
}
