// The behaviour every EventBus must show; run against the in-memory fake (unit) and the SDK adapter on moto (int).
import { EventBus, MAX_EVENTS_PER_PUT } from './event-bus.port';

export function eventBusContract(label: string, make: () => Promise<EventBus>): void {
  describe(`EventBus contract: ${label}`, () => {
    const bus = `dco-${Date.now().toString(36)}`;

    it('publishes to a bus it created, idempotently', async () => {
      const events = await make();
      await events.ensureBus(bus);
      await events.ensureBus(bus);
      const result = await events.putEvents([
        { source: 'dco.autopilot', detailType: 'RunFailed', detail: { runId: 'dco-2026-01-01' }, busName: bus },
        { source: 'dco.autopilot', detailType: 'Alert', detail: { code: 'INFRA.APPLY_FAILED' }, busName: bus },
      ]);
      expect(result.failed).toEqual([]);
      expect(result.eventIds).toHaveLength(2);
    });

    it('keeps rules per bus, updating one by name', async () => {
      const events = await make();
      await events.ensureBus(bus);
      await events.putRule({ busName: bus, name: 'alerts', eventPattern: { source: ['dco.autopilot'] } });
      await events.putRule({
        busName: bus,
        name: 'alerts',
        eventPattern: { source: ['dco.autopilot'], 'detail-type': ['Alert'] },
      });
      expect(await events.listRules(bus)).toEqual(['alerts']);
    });

    it('refuses more entries than PutEvents allows', async () => {
      const events = await make();
      const many = Array.from({ length: MAX_EVENTS_PER_PUT + 1 }, () => ({
        source: 's',
        detailType: 'd',
        detail: {},
        busName: bus,
      }));
      await expect(events.putEvents(many)).rejects.toThrow(/at most/);
    });
  });
}
