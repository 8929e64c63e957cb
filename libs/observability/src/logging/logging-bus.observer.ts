// Bus observer that puts what delivery did to a record into the service's log: every dead letter and parked record
// (error, with the reason) and the retries of a failing handler (warn, on attempts 1, 2, 4, 8, ...: a handler waiting
// out a lease for minutes leaves a handful of lines, not one per backoff).
import { BusObserver } from '@dco/messaging';

export interface BusLogSink {
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

type EventOf<K extends keyof BusObserver> = Parameters<NonNullable<BusObserver[K]>>[0];

export class LoggingBusObserver implements BusObserver {
  constructor(private readonly log: BusLogSink) {}

  onDeadLettered(event: EventOf<'onDeadLettered'>): void {
    this.log.error(
      { group: event.group, topic: event.topic, code: event.code, reason: event.reason },
      `dead-lettered a record of ${event.topic} (${event.code})`,
    );
  }

  onParked(event: EventOf<'onParked'>): void {
    this.log.error(
      {
        group: event.group,
        topic: event.topic,
        partition: event.partition,
        offset: event.offset,
        reason: event.reason,
      },
      `parked ${event.topic}[${event.partition}]@${event.offset}: neither its outputs nor its dead letter could be written`,
    );
  }

  onRetry(event: EventOf<'onRetry'>): void {
    if ((event.attempt & (event.attempt - 1)) !== 0) return; // powers of two only
    this.log.warn(
      {
        group: event.group,
        topic: event.topic,
        type: event.type,
        attempt: event.attempt,
        delayMs: event.delayMs,
        error: event.error,
      },
      `${event.type} handler failed (attempt ${event.attempt}), retrying in ${event.delayMs} ms: ${event.error}`,
    );
  }
}
