// TracingBusInterceptor: a consumer span around each handled message and a producer span whose traceparent goes into the Kafka headers.
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { AnyMessage, Envelope } from '@dco/contracts';
import { BusInterceptor, DeliveryContext, HandlerOutput, HEADERS } from '@dco/messaging';
import { withLogContext } from '../logging/log-context';
import { TRACER_NAME } from './tracing.setup';
import { formatTraceparent, runParentContext } from './trace-context';
import { recordFailure } from './with-span';

/**
 * Adapters write a handler's output after the handler returned, outside its span; so the output messages of the
 * same run get the consumer span as their traceparent, which beforePublish then continues.
 */
function continueTrace(output: HandlerOutput | void, runId: string, traceparent: string): HandlerOutput | void {
  if (!output?.messages?.length) return output;
  return {
    ...output,
    messages: output.messages.map((message) => (message.runId === runId ? { ...message, traceparent } : message)),
  };
}

export class TracingBusInterceptor implements BusInterceptor {
  /** `group` labels consumer spans when one bus serves one consumer group. */
  constructor(private readonly group?: string) {}

  async aroundHandle(
    message: AnyMessage,
    delivery: DeliveryContext,
    next: () => Promise<HandlerOutput | void>,
  ): Promise<HandlerOutput | void> {
    const tracer = trace.getTracer(TRACER_NAME);
    const parent = runParentContext(
      message.runId,
      [delivery.headers[HEADERS.traceparent], message.traceparent],
      context.active(),
    );
    const span = tracer.startSpan(
      `${message.type} process`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.operation': 'process',
          'messaging.destination.name': delivery.topic,
          'messaging.kafka.destination.partition': delivery.partition,
          'messaging.kafka.message.offset': delivery.offset,
          'messaging.message.id': message.eventId,
          ...(this.group ? { 'messaging.kafka.consumer.group': this.group } : {}),
          'dco.run_id': message.runId,
          'dco.message_type': message.type,
          'dco.attempt': delivery.attempt,
        },
      },
      parent,
    );
    return context.with(trace.setSpan(parent, span), () =>
      withLogContext({ runId: message.runId, messageType: message.type, eventId: message.eventId }, async () => {
        try {
          const result = await next();
          span.setStatus({ code: SpanStatusCode.OK });
          return continueTrace(result, message.runId, formatTraceparent(span.spanContext()));
        } catch (error) {
          recordFailure(span, error);
          throw error;
        } finally {
          span.end();
        }
      }),
    );
  }

  beforePublish(message: Envelope, headers: Record<string, string>): void {
    const tracer = trace.getTracer(TRACER_NAME);
    const activeContext = context.active();
    const parent = runParentContext(
      message.runId,
      [trace.getSpanContext(activeContext), message.traceparent],
      activeContext,
    );
    const span = tracer.startSpan(
      `${message.type} publish`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.operation': 'publish',
          'messaging.destination.name': message.type,
          'messaging.message.id': message.eventId,
          'dco.run_id': message.runId,
          'dco.message_type': message.type,
          'dco.producer': message.producer,
        },
      },
      parent,
    );
    headers[HEADERS.traceparent] = formatTraceparent(span.spanContext());
    span.end();
  }
}
