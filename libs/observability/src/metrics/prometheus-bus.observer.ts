// Turns MessageBus callbacks (handled, dead-lettered, lag) into the Prometheus series of this process.
import { DcoMetrics } from './dco-metrics';

export interface HandledEvent {
  type: string;
  group: string;
  outcome: 'ok' | 'failed';
  durationMs: number;
}

export interface DeadLetteredEvent {
  /** The original topic (not the .dlq one). */
  topic: string;
  code: string;
}

export interface LagEvent {
  topic: string;
  partition: number;
  lag: number;
}

/** What a bus adapter reports as it works; every method must be cheap and must not throw. */
export interface BusObserver {
  messageHandled(event: HandledEvent): void;
  messageDeadLettered(event: DeadLetteredEvent): void;
  consumerLag(event: LagEvent): void;
}

export class PrometheusBusObserver implements BusObserver {
  constructor(private readonly metrics: DcoMetrics) {}

  messageHandled(event: HandledEvent): void {
    this.metrics.messagesHandled.inc({ type: event.type, group: event.group, outcome: event.outcome });
    this.metrics.handleDuration.observe({ type: event.type, group: event.group }, event.durationMs / 1000);
  }

  messageDeadLettered(event: DeadLetteredEvent): void {
    this.metrics.dlqMessages.inc({ topic: event.topic.replace(/\.dlq$/, ''), code: event.code });
  }

  consumerLag(event: LagEvent): void {
    this.metrics.consumerLag.set({ topic: event.topic, partition: String(event.partition) }, Math.max(0, event.lag));
  }
}
