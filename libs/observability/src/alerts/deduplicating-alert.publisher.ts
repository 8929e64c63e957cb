// Decorator that delivers each dedupeKey once per window, so a cause raised repeatedly (redelivery, several watchers) alerts once.
import { Clock, systemClock } from '@dco/contracts';
import { AlertDelivery, AlertMessage, AlertPublisher } from './alert-publisher.port';

export interface DedupeOptions {
  /** How long a delivered key suppresses repeats. */
  windowMs: number;
  clock?: Clock;
  /** Keys remembered at most; the oldest are forgotten first. */
  maxKeys?: number;
}

export class DeduplicatingAlertPublisher implements AlertPublisher {
  private readonly deliveredAt = new Map<string, number>();
  private readonly inFlight = new Map<string, Promise<AlertDelivery>>();
  private readonly clock: Clock;

  constructor(
    private readonly inner: AlertPublisher,
    private readonly options: DedupeOptions,
  ) {
    this.clock = options.clock ?? systemClock;
  }

  async publish(alert: AlertMessage): Promise<AlertDelivery> {
    const key = alert.data.dedupeKey;
    const pending = this.inFlight.get(key);
    if (pending) {
      await pending;
      return { status: 'duplicate' };
    }
    const now = this.clock.now().getTime();
    const last = this.deliveredAt.get(key);
    if (last !== undefined && now - last < this.options.windowMs) return { status: 'duplicate' };

    // A failed delivery is not remembered, so the next raise of the same cause tries again.
    const delivery = this.inner.publish(alert).then((result) => {
      this.remember(key, now);
      return result;
    });
    this.inFlight.set(key, delivery);
    try {
      return await delivery;
    } finally {
      this.inFlight.delete(key);
    }
  }

  private remember(key: string, at: number): void {
    this.deliveredAt.delete(key);
    this.deliveredAt.set(key, at);
    const max = this.options.maxKeys ?? 10_000;
    while (this.deliveredAt.size > max) {
      const oldest = this.deliveredAt.keys().next().value;
      if (oldest === undefined) break;
      this.deliveredAt.delete(oldest);
    }
  }
}
