// What every adapter does with one consumed record: parse, accept, dedupe, run the handler with retries, or dead-letter it.
import { AnyMessage, MAX_MESSAGE_BYTES, parseMessage, CodedError, isTransientErrorCode } from '@dco/contracts';
import { DedupeCache } from './dedupe-cache';
import { BusHooks, DEFAULT_RETRY, DeliveryContext, HandlerOutput, RetryPolicy, Subscription } from './message-bus.port';
import { Sleep, backoffDelayMs } from './retry-backoff';
import { safeNotify } from './safe-notify';
import { IncomingRecord, WireRecord, deadLetterRecord, errorText } from './wire-record';

export type ProcessOutcome =
  | { kind: 'handled'; message: AnyMessage; output: HandlerOutput; attempts: number }
  | { kind: 'duplicate'; message: AnyMessage }
  | { kind: 'dead-letter'; code: string; reason: string; type: string }
  /** Shutdown began during the retries: nothing is committed and the record is delivered again later. */
  | { kind: 'interrupted' };

export interface ProcessControl {
  /** False once the subscription is stopping; retries end and the record stays uncommitted. */
  isRunning(): boolean;
  /** Called while waiting between attempts so that a broker session stays alive. */
  keepAlive?(): Promise<void>;
  /**
   * Called once, after a handler's first failure and before its first retry: the caller commits what it handled ahead
   * of this record, so retries (and a crash during them) never hold back or repeat that work.
   */
  beforeRetry?(): Promise<void>;
}

export const DEFAULT_DEDUPE_CAPACITY = 10_000;

export interface ProcessorOptions {
  sleep: Sleep;
  now?: () => number;
  maxBytes?: number;
  /** Topic a message type lives on (the type itself, or with the bus's topic prefix). */
  topicOf?: (type: string) => string;
}

export class MessageProcessor {
  private readonly dedupe: DedupeCache;
  private readonly retry: RetryPolicy;

  private readonly sleep: Sleep;
  private readonly now: () => number;
  private readonly maxBytes: number;
  private readonly topicOf: (type: string) => string;

  constructor(
    private readonly subscription: Subscription,
    private readonly hooks: BusHooks,
    options: ProcessorOptions,
  ) {
    this.sleep = options.sleep;
    this.now = options.now ?? Date.now;
    this.maxBytes = options.maxBytes ?? MAX_MESSAGE_BYTES;
    this.topicOf = options.topicOf ?? ((type) => type);
    this.dedupe = new DedupeCache(subscription.dedupeCapacity ?? DEFAULT_DEDUPE_CAPACITY);
    this.retry = subscription.retry ?? DEFAULT_RETRY;
    if (this.retry.attempts < 1) throw new CodedError('INTERNAL.UNEXPECTED', 'retry.attempts must be at least 1');
  }

  /**
   * Processes one record. `chunk` holds the eventIds handled since the caller's last commit (one set per partition's
   * chunk, so concurrent partitions never mix): a repeat inside it is a duplicate too; after the commit, the caller
   * hands it to remember().
   */
  async process(record: IncomingRecord, control: ProcessControl, chunk: Set<string>): Promise<ProcessOutcome> {
    const started = this.now();
    const parsed = parseMessage(record.value, { maxBytes: this.maxBytes });
    if (!parsed.ok) return this.deadLetter(record, parsed.error.code, parsed.error.message, parsed.error.partial.type);
    const message = parsed.message;
    if (this.topicOf(message.type) !== record.topic) {
      return this.deadLetter(
        record,
        'MSG.VALIDATION_FAILED',
        `a ${message.type} message does not belong on topic ${record.topic}`,
        message.type,
      );
    }
    const rejection = this.subscription.accept?.(message);
    if (rejection) return this.deadLetter(record, rejection.code, rejection.message, message.type);

    if (chunk.has(message.eventId) || this.dedupe.has(message.eventId)) {
      this.notifyConsumed(record.topic, message.type, started, true);
      return { kind: 'duplicate', message };
    }

    for (let attempt = 1; ; attempt += 1) {
      const context: DeliveryContext = {
        topic: record.topic,
        partition: record.partition,
        offset: record.offset,
        attempt,
        headers: record.headers,
      };
      try {
        const output = (await this.invoke(message, context)) ?? {};
        chunk.add(message.eventId);
        this.notifyConsumed(record.topic, message.type, started, false);
        return { kind: 'handled', message, output, attempts: attempt };
      } catch (error) {
        if (this.givesUp(error, attempt, started)) {
          const reason = `handler failed after ${attempt} attempt(s): ${errorText(error)}`;
          return this.deadLetter(record, 'MSG.HANDLER_FAILED', reason, message.type);
        }
        if (!control.isRunning()) return { kind: 'interrupted' };
        if (attempt === 1) await control.beforeRetry?.();
        const delayMs = backoffDelayMs(this.retry, attempt + 1);
        safeNotify(() =>
          this.hooks.observer?.onRetry?.({
            group: this.subscription.group,
            topic: record.topic,
            type: message.type,
            attempt,
            delayMs,
            error: errorText(error),
          }),
        );
        await this.wait(delayMs, control);
        if (!control.isRunning()) return { kind: 'interrupted' };
      }
    }
  }

  /** A transient condition is waited out for `transientForMs`; anything else gets `attempts` attempts. */
  private givesUp(error: unknown, attempt: number, started: number): boolean {
    if (attempt < this.retry.attempts) return false;
    const transient = error instanceof CodedError && isTransientErrorCode(error.code);
    return !transient || this.now() - started >= (this.retry.transientForMs ?? 0);
  }

  /**
   * What committing this outcome writes: the handler's outputs, or the record's dead letter. An output that cannot be
   * written (e.g. too large) dead-letters its input as MSG.OUTPUT_REFUSED: the handler ran, its result cannot be kept.
   */
  recordsFor(
    outcome: ProcessOutcome,
    record: IncomingRecord,
    encode: (output: HandlerOutput) => WireRecord[],
    chunk: Set<string>,
  ): WireRecord[] {
    switch (outcome.kind) {
      case 'handled':
        try {
          return encode(outcome.output);
        } catch (error) {
          const reason = `handler output refused: ${errorText(error)}`;
          chunk.delete(outcome.message.eventId);
          this.deadLetter(record, 'MSG.OUTPUT_REFUSED', reason, outcome.message.type);
          return [deadLetterRecord(record, 'MSG.OUTPUT_REFUSED', reason)];
        }
      case 'dead-letter':
        return [deadLetterRecord(record, outcome.code, outcome.reason)];
      default:
        return [];
    }
  }

  /** The chunk holding these eventIds was committed: remember them, so a redelivery is skipped. */
  remember(eventIds: Iterable<string>): void {
    for (const id of eventIds) this.dedupe.add(id);
  }

  private invoke(message: AnyMessage, context: DeliveryContext): Promise<HandlerOutput | void> {
    const next = () => this.subscription.handler(message, context);
    const around = this.hooks.interceptor?.aroundHandle;
    return around ? around.call(this.hooks.interceptor, message, context, next) : next();
  }

  private async wait(delayMs: number, control: ProcessControl): Promise<void> {
    // Wait in slices so a long backoff still keeps the broker session alive and notices a shutdown.
    const slice = 1_000;
    for (let left = delayMs; left > 0 && control.isRunning(); left -= slice) {
      await this.sleep(Math.min(slice, left));
      await control.keepAlive?.();
    }
  }

  /** Reports a dead letter the adapter wrote in place of outputs the broker refused (see the Kafka adapter). */
  notifyDeadLettered(record: IncomingRecord, code: string, reason: string): void {
    this.deadLetter(record, code, reason);
  }

  private deadLetter(record: IncomingRecord, code: string, reason: string, type?: string): ProcessOutcome {
    // Not remembered for dedupe: re-driving a dead letter after a fix publishes the same eventId again, on purpose.
    safeNotify(() =>
      this.hooks.observer?.onDeadLettered?.({ group: this.subscription.group, topic: record.topic, code, reason }),
    );
    return { kind: 'dead-letter', code, reason, type: type ?? 'unknown' };
  }

  private notifyConsumed(topic: string, type: string, started: number, duplicate: boolean): void {
    const durationMs = this.now() - started;
    safeNotify(() =>
      this.hooks.observer?.onConsumed?.({ group: this.subscription.group, topic, type, durationMs, duplicate }),
    );
  }
}
