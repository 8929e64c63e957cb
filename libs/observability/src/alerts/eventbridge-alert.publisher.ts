// EventBridge AlertPublisher: PutEvents on the configured bus with Source dco.autopilot, DetailType = cause, Detail = the alert as JSON.
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { CodedError } from '@dco/contracts';
import { ALERT_SOURCE, AlertDelivery, AlertMessage, AlertPublisher, alertDetail } from './alert-publisher.port';

export interface EventBridgeAlertPublisherOptions {
  client: EventBridgeClient;
  /** Event bus name or ARN. */
  eventBusName: string;
}

export class EventBridgeAlertPublisher implements AlertPublisher {
  constructor(private readonly options: EventBridgeAlertPublisherOptions) {}

  async publish(alert: AlertMessage): Promise<AlertDelivery> {
    let output;
    try {
      output = await this.options.client.send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: this.options.eventBusName,
              Source: ALERT_SOURCE,
              DetailType: alert.data.cause,
              Detail: JSON.stringify(alertDetail(alert)),
              Time: new Date(alert.occurredAt),
              Resources: [],
            },
          ],
        }),
      );
    } catch (error) {
      throw new CodedError('ALERT.PUBLISH_FAILED', `PutEvents to ${this.options.eventBusName} failed`, error instanceof Error ? error.message : String(error), {
        cause: error,
      });
    }
    const entry = output.Entries?.[0];
    if ((output.FailedEntryCount ?? 0) > 0 || !entry?.EventId) {
      throw new CodedError(
        'ALERT.PUBLISH_FAILED',
        `EventBridge rejected the alert ${alert.data.dedupeKey}`,
        `${entry?.ErrorCode ?? 'unknown'}: ${entry?.ErrorMessage ?? 'no event id returned'}`,
      );
    }
    return { status: 'published', deliveryId: entry.EventId };
  }
}
