// Publishing operational events (alerts, deployment outcomes) to an EventBridge bus.

export interface BusEvent {
  source: string;
  detailType: string;
  detail: Record<string, unknown>;
  /** Defaults to the publisher's bus. */
  busName?: string;
}

export interface PutEventsResult {
  eventIds: string[];
  failed: { index: number; code: string; message: string }[];
}

export interface EventBus {
  ensureBus(name: string): Promise<void>;
  /** Creates or updates a rule on a bus; returns its ARN. */
  putRule(rule: { busName: string; name: string; eventPattern: Record<string, unknown> }): Promise<string>;
  /** Rule names on a bus. */
  listRules(busName: string): Promise<string[]>;
  /** At most 10 events per call, as PutEvents allows. */
  putEvents(events: BusEvent[]): Promise<PutEventsResult>;
}

export const MAX_EVENTS_PER_PUT = 10;
