// What a command controller's @EventPattern handler sees and returns on the bus transport: its context (the delivery,
// progress events) and the outcome the transport writes in the consume transaction.
import { BaseRpcContext } from '@nestjs/microservices';
import { AnyMessage, DataOf, Failure, MessageType, Producer } from '@dco/contracts';
import { DeliveryContext } from './message-bus.port';

/** What a use case answers: the outcome event to publish (its type and data). */
export interface Outcome<T extends MessageType = MessageType> {
  type: T;
  data: DataOf<T>;
}

/** Wraps a stage's success data as its outcome event, or null when the stage left the command unanswered. */
export function outcome<T extends MessageType>(type: T, data: DataOf<T> | null): Outcome<T> | null {
  return data === null ? null : { type, data };
}

export interface CommandContext {
  /** Publishes an intermediate event (e.g. progress) right away, outside the command's atomic outcome. */
  emit<T extends MessageType>(type: T, data: DataOf<T>): Promise<void>;
  attempt: number;
}

/** The `@Ctx()` of a bus transport handler: the command's delivery, and `emit` for events that cannot wait. */
export class BusContext extends BaseRpcContext<[AnyMessage, DeliveryContext]> implements CommandContext {
  readonly attempt: number;

  constructor(
    message: AnyMessage,
    delivery: DeliveryContext,
    private readonly publish: (event: Outcome) => Promise<void>,
  ) {
    super([message, delivery]);
    this.attempt = delivery.attempt;
  }

  getDelivery(): DeliveryContext {
    return this.args[1];
  }

  /** A property, not a method: a use case may hand `emit` on without its context (as with the former plain object). */
  readonly emit: CommandContext['emit'] = (type, data) => this.publish({ type, data } as Outcome);
}

/**
 * What the transport needs to know about a command handler besides its pattern: the service whose consumer group
 * receives the command (replicas of one service share it), and the failure event that answers a CodedError.
 */
export interface CommandHandlerExtras {
  service: Producer;
  /** The failure event for a CodedError, e.g. (failure) => ({ type: 'DcoFailed', data: { failure } }). */
  onFailure(failure: Failure, command: AnyMessage): Outcome;
}

/**
 * The extras of a command handler's `@EventPattern(command, handledBy(service, { onFailure }))`. The handler resolves
 * to its outcome (or null to consume the command without answering: the saga's step timeout then decides); it throws a
 * CodedError for a business failure, answered with `onFailure`'s event; anything else is retried by the bus, then
 * dead-lettered.
 */
export function handledBy(service: Producer, failure: Pick<CommandHandlerExtras, 'onFailure'>): CommandHandlerExtras {
  return { service, onFailure: failure.onFailure };
}

export function isCommandHandlerExtras(extras: unknown): extras is CommandHandlerExtras {
  const candidate = extras as Partial<CommandHandlerExtras> | undefined;
  return typeof candidate?.service === 'string' && typeof candidate.onFailure === 'function';
}
