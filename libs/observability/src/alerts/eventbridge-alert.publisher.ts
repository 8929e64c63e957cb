// EventBridge AlertPublisher: PutEvents (through the EventBus port) with Source dco.autopilot, DetailType = cause, Detail = the alert.
import { EventBus } from '@dco/aws';
import { CodedError } from '@dco/contracts';
import { ALERT_SOURCE, AlertDelivery, AlertMessage, AlertPublisher, alertDetail } from './alert-publisher.port';

export class EventBridgeAlertPublisher implements AlertPublisher {
  constructor(
    private readonly events: EventBus,
    /** Event bus name or ARN the alerts go to. */
    private readonly eventBusName: string,
  ) {}

  async publish(alert: AlertMessage): Promise<AlertDelivery> {
    let result;
    try {
      result = await this.events.putEvents([
        { source: ALERT_SOURCE, detailType: alert.data.cause, detail: alertDetail(alert), busName: this.eventBusName },
      ]);
    } catch (error) {
      const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new CodedError('ALERT.PUBLISH_FAILED', `PutEvents to ${this.eventBusName} failed`, detail, {
        cause: error,
      });
    }
    const [failed] = result.failed;
    const [eventId] = result.eventIds;
    if (failed || !eventId) {
      throw new CodedError(
        'ALERT.PUBLISH_FAILED',
        `EventBridge rejected the alert ${alert.data.dedupeKey}`,
        failed ? `${failed.code}: ${failed.message}` : 'no event id returned',
      );
    }
    return { status: 'published', deliveryId: eventId };
  }
}
