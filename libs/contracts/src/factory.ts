// Builds outgoing messages with ids, time, causation and trace context filled in the same way everywhere.
import { Envelope, Producer } from './envelope';
import { Clock, IdGenerator } from './kernel';
import { DataOf, MESSAGE_TYPES, MessageType } from './registry';
import { MessageOf } from './parse';

export interface MessageContext {
  runId: string;
  producer: Producer;
  /** The message that caused this one: its eventId becomes causationId and its trace context is continued. */
  causedBy?: Pick<Envelope, 'eventId' | 'traceparent'>;
  traceparent?: string;
}

export interface MessageFactoryDeps {
  clock: Clock;
  ids: IdGenerator;
}

export function createMessage<T extends MessageType>(
  type: T,
  data: DataOf<T>,
  context: MessageContext,
  deps: MessageFactoryDeps,
): MessageOf<T> {
  const traceparent = context.traceparent ?? context.causedBy?.traceparent;
  return {
    eventId: deps.ids.next(),
    type,
    schemaVersion: MESSAGE_TYPES[type].version,
    occurredAt: deps.clock.now().toISOString(),
    producer: context.producer,
    runId: context.runId,
    ...(context.causedBy ? { causationId: context.causedBy.eventId } : {}),
    ...(traceparent ? { traceparent } : {}),
    data,
  } as MessageOf<T>;
}

export function serializeMessage(message: Envelope): Buffer {
  return Buffer.from(JSON.stringify(message), 'utf8');
}
