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

  async putEvents(events: BusEvent[]): Promise<PutEventsResult> {
    if (events.length > MAX_EVENTS_PER_PUT) throw new Error(`PutEvents accepts at most ${MAX_EVENTS_PER_PUT} entries`);
    const result: PutEventsResult = { eventIds: [], failed: [] };
    events.forEach((event, index) => {
      const busName = event.busName ?? this.defaultBus;
      if (!this.buses.has(busName)) {
        result.failed.push({ index, code: 'ResourceNotFoundException', message: `Event bus ${busName} does not exist` });
        return;
      }
      const id = randomUUID();
      this.published.push({ ...structuredClone(event), id, busName });
      result.eventIds.push(id);
    });
    return result;
  }
}
