// Turns MessageBus observer callbacks (consumed, dead-lettered, retried, lag, published) into this process's Prometheus series.
import { BusObserver } from '@dco/messaging';
import { DcoMetrics } from './dco-metrics';

type Event<K extends keyof BusObserver> = Parameters<NonNullable<BusObserver[K]>>[0];

export class PrometheusBusObserver implements BusObserver {
  constructor(private readonly metrics: DcoMetrics) {}

  onPublished(event: Event<'onPublished'>): void {
    this.metrics.messagesPublished.inc({ type: event.type });
  }

  onConsumed(event: Event<'onConsumed'>): void {
    this.metrics.messagesHandled.inc({
      type: event.type,
      group: event.group,
      outcome: event.duplicate ? 'duplicate' : 'handled',
    });
    if (!event.duplicate)
      this.metrics.handleDuration.observe({ type: event.type, group: event.group }, event.durationMs / 1000);
  }

  onDeadLettered(event: Event<'onDeadLettered'>): void {
    this.metrics.dlqMessages.inc({ topic: event.topic.replace(/\.dlq$/, ''), code: event.code });
  }

  onRetry(event: Event<'onRetry'>): void {
    this.metrics.retries.inc({ type: event.type, group: event.group });
  }

  onLag(event: Event<'onLag'>): void {
    this.metrics.consumerLag.set({ topic: event.topic, partition: String(event.partition) }, Math.max(0, event.lag));
  }
}
