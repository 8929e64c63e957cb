// The transactional MessageBus as a Nest transport: command controllers' @EventPattern handlers run inside the bus's
// consume transaction (dedupe, retries, dead letters and contract checks stay the bus's), and the outcome a handler
// returns, or the failure event of its CodedError, is written in that transaction, caused by the command.
import { Catch, Controller, RpcExceptionFilter, UseFilters, applyDecorators } from '@nestjs/common';
import { CustomTransportStrategy, MessageHandler as NestMessageHandler, Server } from '@nestjs/microservices';
import { Observable, isObservable, lastValueFrom, throwError } from 'rxjs';
import {
  AnyMessage,
  Clock,
  CodedError,
  Envelope,
  IdGenerator,
  MessageType,
  Producer,
  createMessage,
  isMessageType,
  isTransientErrorCode,
} from '@dco/contracts';
import { BusContext, CommandHandlerExtras, Outcome, isCommandHandlerExtras } from './bus-transport.context';
import { DeliveryContext, HandlerOutput, MessageBus, RetryPolicy, SubscriptionHandle } from './message-bus.port';

export interface BusTransportOptions {
  bus: MessageBus;
  clock: Clock;
  ids: IdGenerator;
  /** The consumer group of a service's handlers, e.g. `<namespace>.<service>`. */
  groupOf(service: Producer): string;
  retry?: RetryPolicy;
}

/** Counts by command type: the fault specs read them (via /health) to prove exactly-once handling. */
export type CommandCounts = Record<string, number>;

export interface ServiceCounts {
  /** Commands completed by this process. */
  handled: CommandCounts;
  /** Commands being handled right now (a type drops out at zero): what an operator sees as "busy". */
  inFlight: CommandCounts;
}

interface CommandHandler {
  handle: NestMessageHandler;
  extras: CommandHandlerExtras;
}

export class BusTransportServer extends Server implements CustomTransportStrategy {
  private readonly handles: SubscriptionHandle[] = [];
  private readonly counts = new Map<Producer, ServiceCounts>();

  constructor(private readonly options: BusTransportOptions) {
    super();
  }

  /** The services whose command handlers this transport runs, with their counts (empty until it listens). */
  get services(): ReadonlyMap<Producer, ServiceCounts> {
    return this.counts;
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      for (const [service, handlers] of this.handlersByService()) {
        const counts: ServiceCounts = { handled: {}, inFlight: {} };
        this.counts.set(service, counts);
        const types = [...handlers.keys()];
        await this.options.bus.ensureTopics(types);
        this.handles.push(
          await this.options.bus.subscribe({
            group: this.options.groupOf(service),
            types,
            retry: this.options.retry,
            handler: (message, delivery) =>
              this.dispatch(service, handlers.get(message.type), counts, message, delivery),
          }),
        );
      }
      callback();
    } catch (error) {
      callback(error);
    }
  }

  /** Stops fetching, lets in-flight commands finish and commit, then leaves the groups. */
  async close(): Promise<void> {
    const handles = this.handles.splice(0);
    await Promise.all(handles.map((handle) => handle.stop()));
  }

  on(): never {
    throw new CodedError(
      'INTERNAL.UNEXPECTED',
      'the bus transport has no server events; observe the bus through its hooks',
    );
  }

  unwrap<T>(): T {
    return this.options.bus as T;
  }

  private handlersByService(): Map<Producer, Map<MessageType, CommandHandler>> {
    const byService = new Map<Producer, Map<MessageType, CommandHandler>>();
    for (const [pattern, handle] of this.getHandlers()) {
      const extras: unknown = handle.extras;
      if (!isMessageType(pattern) || !isCommandHandlerExtras(extras)) {
        throw new CodedError(
          'INTERNAL.UNEXPECTED',
          `@EventPattern('${pattern}') on the bus transport needs a message type and handledBy(service, { onFailure })`,
        );
      }
      if (handle.next)
        throw new CodedError(
          'INTERNAL.UNEXPECTED',
          `two handlers for ${pattern}: a command has one answer, so one handler`,
        );
      const handlers = byService.get(extras.service) ?? new Map<MessageType, CommandHandler>();
      handlers.set(pattern, { handle, extras });
      byService.set(extras.service, handlers);
    }
    return byService;
  }

  private async dispatch(
    service: Producer,
    handler: CommandHandler | undefined,
    counts: ServiceCounts,
    message: AnyMessage,
    delivery: DeliveryContext,
  ): Promise<HandlerOutput> {
    if (!handler) throw new CodedError('INTERNAL.UNEXPECTED', `no handler for ${message.type}`);
    const context = new BusContext(message, delivery, (event) =>
      this.options.bus.publish(this.answer(service, message, event)),
    );
    let answer: Outcome | null;
    counts.inFlight[message.type] = (counts.inFlight[message.type] ?? 0) + 1;
    try {
      const returned: unknown = await handler.handle(message, context);
      // Nest hands back an Observable when the handler returned one or threw (through the exception filter).
      answer = (
        isObservable(returned) ? await lastValueFrom(returned, { defaultValue: null }) : returned
      ) as Outcome | null;
    } catch (error) {
      // Anything but a business failure goes back to the bus, which retries it: a crash, or a temporary condition.
      if (!(error instanceof CodedError) || isTransientErrorCode(error.code)) throw error;
      answer = handler.extras.onFailure(error.toFailure(), message);
    } finally {
      const left = (counts.inFlight[message.type] ?? 1) - 1;
      if (left > 0) counts.inFlight[message.type] = left;
      else delete counts.inFlight[message.type];
    }
    counts.handled[message.type] = (counts.handled[message.type] ?? 0) + 1;
    return { messages: answer ? [this.answer(service, message, answer)] : [] };
  }

  private answer(service: Producer, cause: AnyMessage, event: Outcome): Envelope {
    return createMessage(
      event.type,
      event.data,
      { runId: cause.runId, producer: service, causedBy: cause },
      { clock: this.options.clock, ids: this.options.ids },
    );
  }
}

/**
 * Nest's default RPC filter turns every error into "Internal server error"; the transport needs the error itself: a
 * CodedError becomes the command's failure event, anything else is retried by the bus and dead-lettered with its text.
 */
@Catch()
export class BusTransportExceptionFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}

/**
 * A controller of command handlers on the bus transport. The filter sits on the controller because a hybrid app wires
 * a transport's handlers as it connects, before any global filter could be added to it.
 */
export function CommandController(): ClassDecorator {
  return applyDecorators(Controller(), UseFilters(new BusTransportExceptionFilter()));
}
