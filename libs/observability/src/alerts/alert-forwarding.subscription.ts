// The orchestrator's subscription that forwards every AlertRaised message to the AlertPublisher (failures retry, then dead-letter).
import { Subscription } from '@dco/messaging';
import { DcoMetrics } from '../metrics/dco-metrics';
import { AlertPublisher } from './alert-publisher.port';

export const ALERT_FORWARDER_GROUP = 'orchestrator-alerts';

export interface AlertForwardingOptions {
  publisher: AlertPublisher;
  metrics?: DcoMetrics;
  group?: string;
}

export function alertForwardingSubscription(options: AlertForwardingOptions): Subscription {
  return {
    group: options.group ?? ALERT_FORWARDER_GROUP,
    types: ['AlertRaised'],
    handler: async (message) => {
      if (message.type !== 'AlertRaised') return;
      const labels = { cause: message.data.cause, severity: message.data.severity };
      try {
        const delivery = await options.publisher.publish(message);
        options.metrics?.alerts.inc({
          ...labels,
          delivery: delivery.status === 'published' ? 'published' : 'deduplicated',
        });
      } catch (error) {
        options.metrics?.alerts.inc({ ...labels, delivery: 'failed' });
        throw error;
      }
    },
  };
}
