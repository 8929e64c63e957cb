// Bus observer that watches dead letters and raises DLQ_GROWING as an AlertRaised message when a topic's DLQ grows fast.
import { Clock, IdGenerator, Producer, createMessage, runIdOf, systemClock } from '@dco/contracts';
import { BusObserver, MessageBus } from '@dco/messaging';
import { DlqGrowthOptions, DlqGrowthWatcher } from './alert.watchers';

export interface DlqAlertingOptions extends DlqGrowthOptions {
  producer: Producer;
  ids: IdGenerator;
  clock?: Clock;
  /** Reports a failed alert publish (the observer itself must never throw). */
  onError?: (error: unknown) => void;
}

export class DlqAlertingObserver implements BusObserver {
  private readonly watcher: DlqGrowthWatcher;
  private readonly clock: Clock;
  private bus?: MessageBus;

  constructor(private readonly options: DlqAlertingOptions) {
    this.watcher = new DlqGrowthWatcher(options);
    this.clock = options.clock ?? systemClock;
  }

  /** The bus the alerts go out on; given after the bus (which holds this observer) exists. */
  attach(bus: MessageBus): void {
    this.bus = bus;
  }

  onDeadLettered(event: { group: string; topic: string; code: string; reason: string }): void {
    const now = this.clock.now();
    // Alerts about the bus belong to no run; they are filed under the day's run id so operators find them there.
    const runId = runIdOf(now.toISOString().slice(0, 10));
    const raised = this.watcher.deadLettered(event.topic.replace(/\.dlq$/, ''), event.code, now, runId);
    if (!raised || !this.bus) return;
    const message = createMessage(
      'AlertRaised',
      raised.data,
      { runId: raised.runId, producer: this.options.producer },
      { clock: this.clock, ids: this.options.ids },
    );
    this.bus.publish(message).catch((error: unknown) => this.options.onError?.(error));
  }
}

/** Fans one observer slot out to several observers, isolating each one's failures. */
export class CompositeBusObserver implements BusObserver {
  constructor(private readonly observers: BusObserver[]) {}

  onPublished(event: Parameters<NonNullable<BusObserver['onPublished']>>[0]): void {
    this.each((observer) => observer.onPublished?.(event));
  }

  onConsumed(event: Parameters<NonNullable<BusObserver['onConsumed']>>[0]): void {
    this.each((observer) => observer.onConsumed?.(event));
  }

  onDeadLettered(event: Parameters<NonNullable<BusObserver['onDeadLettered']>>[0]): void {
    this.each((observer) => observer.onDeadLettered?.(event));
  }

  onParked(event: Parameters<NonNullable<BusObserver['onParked']>>[0]): void {
    this.each((observer) => observer.onParked?.(event));
  }

  onRetry(event: Parameters<NonNullable<BusObserver['onRetry']>>[0]): void {
    this.each((observer) => observer.onRetry?.(event));
  }

  onLag(event: Parameters<NonNullable<BusObserver['onLag']>>[0]): void {
    this.each((observer) => observer.onLag?.(event));
  }

  private each(call: (observer: BusObserver) => void): void {
    for (const observer of this.observers) {
      try {
        call(observer);
      } catch {
        // An observer must never change delivery; a broken one loses its own numbers only.
      }
    }
  }
}
