// In-memory AlertPublisher: keeps what was published, for the embedded profile and unit specs.
import { AlertDelivery, AlertMessage, AlertPublisher, alertDetail } from './alert-publisher.port';

export interface PublishedAlert {
  deliveryId: string;
  detailType: string;
  detail: Record<string, string>;
}

export class InMemoryAlertPublisher implements AlertPublisher {
  private readonly published: PublishedAlert[] = [];

  async publish(alert: AlertMessage): Promise<AlertDelivery> {
    const deliveryId = `mem-${this.published.length + 1}`;
    this.published.push({ deliveryId, detailType: alert.data.cause, detail: alertDetail(alert) });
    return { status: 'published', deliveryId };
  }

  /** Everything delivered so far, oldest first. */
  delivered(): PublishedAlert[] {
    return this.published.map((entry) => ({ ...entry, detail: { ...entry.detail } }));
  }
}
