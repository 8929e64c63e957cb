// AlertPublisher port: delivers an AlertRaised message to the operators' alerting channel (EventBridge, or memory).
import { AlertRaisedData, Envelope } from '@dco/contracts';

export type AlertMessage = Envelope<'AlertRaised', AlertRaisedData>;

export interface AlertDelivery {
  /** published = sent now; duplicate = the same dedupeKey was already delivered within the window. */
  status: 'published' | 'duplicate';
  /** The channel's id of the delivered event (EventBridge EventId) when published. */
  deliveryId?: string;
}

export interface AlertPublisher {
  publish(alert: AlertMessage): Promise<AlertDelivery>;
}

/** EventBridge source of every alert; rules match on it. */
export const ALERT_SOURCE = 'dco.autopilot';

/** The event detail every channel carries: the alert plus the run and message it came from. */
export function alertDetail(alert: AlertMessage): Record<string, string> {
  return {
    runId: alert.runId,
    eventId: alert.eventId,
    occurredAt: alert.occurredAt,
    producer: alert.producer,
    severity: alert.data.severity,
    cause: alert.data.cause,
    dedupeKey: alert.data.dedupeKey,
    summary: alert.data.summary,
    ...(alert.data.detail ? { detail: alert.data.detail } : {}),
    ...(alert.traceparent ? { traceparent: alert.traceparent } : {}),
  };
}
