// The generic worker loop of detector, infra-deployer, db-migrator and dco-runner: consume a command, call its use case,
// answer with the outcome or the coded failure, caused by and correlated with the command.
import {
  AnyMessage,
  Clock,
  CodedError,
  DataOf,
  Envelope,
  Failure,
  IdGenerator,
  MessageOf,
  MessageType,
  Producer,
  createMessage,
} from '@dco/contracts';
import { HandlerOutput, MessageBus, RetryPolicy, SubscriptionHandle } from '@dco/messaging';

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

export interface CommandRoute<C extends MessageType = MessageType> {
  command: C;
  /**
   * Runs the use case. Throw a CodedError for a business failure; anything else is retried by the bus, then
   * dead-lettered. Resolve to null to consume the command without answering (the saga's step timeout then decides).
   */
  handle(message: MessageOf<C>, context: CommandContext): Promise<Outcome | null>;
  /** The failure event for a CodedError, e.g. (failure) => ({ type: 'DcoFailed', data: { failure } }). */
  onFailure(failure: Failure, message: MessageOf<C>): Outcome;
}

export interface CommandWorkerOptions {
  producer: Producer;
  group: string;
  routes: CommandRoute[];
  clock: Clock;
  ids: IdGenerator;
  retry?: RetryPolicy;
}

/** Counts of commands completed by this process, by type: the fault specs read them to prove exactly-once handling. */
export type HandledCounts = Record<string, number>;

export class CommandWorker {
  private handle?: SubscriptionHandle;
  readonly handled: HandledCounts = {};
  /** Commands being handled right now, by type (a type drops out at zero): what an operator sees as "busy". */
  readonly inFlight: HandledCounts = {};

  constructor(
    private readonly bus: MessageBus,
    private readonly options: CommandWorkerOptions,
  ) {}

  async start(): Promise<void> {
    const types = this.options.routes.map((route) => route.command);
    await this.bus.ensureTopics(types);
    this.handle = await this.bus.subscribe({
      group: this.options.group,
      types,
      retry: this.options.retry,
      handler: (message, delivery) => this.dispatch(message, delivery.attempt),
    });
  }

  async stop(): Promise<void> {
    await this.handle?.stop();
    this.handle = undefined;
  }

  private async dispatch(message: AnyMessage, attempt: number): Promise<HandlerOutput> {
    const route = this.options.routes.find((candidate) => candidate.command === message.type);
    if (!route) throw new CodedError('INTERNAL.UNEXPECTED', `no route for ${message.type}`);
    const context: CommandContext = {
      attempt,
      emit: async (type, data) => {
        await this.bus.publish(this.answer(message, { type, data }));
      },
    };
    let outcome: Outcome | null;
    this.inFlight[message.type] = (this.inFlight[message.type] ?? 0) + 1;
    try {
      outcome = await route.handle(message as never, context);
    } catch (error) {
      if (!(error instanceof CodedError)) throw error;
      outcome = route.onFailure(error.toFailure(), message as never);
    } finally {
      const left = (this.inFlight[message.type] ?? 1) - 1;
      if (left > 0) this.inFlight[message.type] = left;
      else delete this.inFlight[message.type];
    }
    this.handled[message.type] = (this.handled[message.type] ?? 0) + 1;
    return { messages: outcome ? [this.answer(message, outcome)] : [] };
  }

  private answer(cause: AnyMessage, outcome: Outcome): Envelope {
    return createMessage(
      outcome.type,
      outcome.data,
      { runId: cause.runId, producer: this.options.producer, causedBy: cause },
      { clock: this.options.clock, ids: this.options.ids },
    );
  }
}
