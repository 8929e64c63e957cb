// In-memory EventBridge bus for unit tests and the embedded profile; keeps what was published for inspection.
import { randomUUID } from 'node:crypto';
import { BusEvent, EventBus, MAX_EVENTS_PER_PUT, PutEventsResult } from './event-bus.port';

export class InMemoryEventBus implements EventBus {
  readonly published: (BusEvent & { id: string; busName: string })[] = [];
  private readonly buses = new Set<string>(['default']);

  constructor(private readonly defaultBus = 'default') {}

  async ensureBus(name: string): Promise<void> {
    this.buses.add(name);
  }

  private readonly rules = new Map<string, Record<string, unknown>>();

  async putRule(rule: { busName: string; name: string; eventPattern: Record<string, unknown> }): Promise<string> {
    if (!this.buses.has(rule.busName))
      throw new Error(`ResourceNotFoundException: Event bus ${rule.busName} does not exist`);
    this.rules.set(`${rule.busName}/${rule.name}`, structuredClone(rule.eventPattern));
    return `arn:aws:events:us-east-1:123456789012:rule/${rule.busName}/${rule.name}`;
  }

  async listRules(busName: string): Promise<string[]> {
    return [...this.rules.keys()]
      .filter((key) => key.startsWith(`${busName}/`))
      .map((key) => key.slice(busName.length + 1))
      .sort();
  }

  async putEvents(events: BusEvent[]): Promise<PutEventsResult> {
    if (events.length > MAX_EVENTS_PER_PUT) throw new Error(`PutEvents accepts at most ${MAX_EVENTS_PER_PUT} entries`);
    const result: PutEventsResult = { eventIds: [], failed: [] };
    events.forEach((event, index) => {
      const busName = event.busName ?? this.defaultBus;
      if (!this.buses.has(busName)) {
        result.failed.push({
          index,
          code: 'ResourceNotFoundException',
          message: `Event bus ${busName} does not exist`,
        });
        return;
      }
      const id = randomUUID();
      this.published.push({ ...structuredClone(event), id, busName });
      result.eventIds.push(id);
    });
    return result;
  }
}
