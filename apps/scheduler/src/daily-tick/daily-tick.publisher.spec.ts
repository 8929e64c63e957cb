// The tick publisher with a test clock: catch-up policies, ticks when due, and retries while the bus is down.
import { AnyMessage, Clock, Envelope } from '@dco/contracts';
import { InMemoryMessageBus, MessageBus } from '@dco/messaging';
import { DailySchedule } from './daily-schedule';
import { DailyTickPublisher } from './daily-tick.publisher';

class TestClock implements Clock {
  constructor(public time: Date) {}
  now(): Date {
    return this.time;
  }
}

let seq = 0;
const ids = { next: () => `20000000-0000-4000-8000-${String(++seq).padStart(12, '0')}` };
const schedule = DailySchedule.parse('0 6 * * *', 'UTC');
const ticks = (bus: InMemoryMessageBus) =>
  bus.broker.records('DailyTick').map((r) => JSON.parse(String(r.value)) as AnyMessage);

describe('DailyTickPublisher', () => {
  it('with catch-up "last", publishes the missed tick of the latest scheduled time at start', async () => {
    const bus = new InMemoryMessageBus();
    const publisher = new DailyTickPublisher(
      schedule,
      'last',
      bus,
      new TestClock(new Date('2026-11-26T08:15:00Z')),
      ids,
    );
    await publisher.start();
    await publisher.stop();
    expect(ticks(bus).map((m) => [m.runId, m.data])).toEqual([
      ['dco-2026-11-26', { day: '2026-11-26', trigger: 'catch-up', scheduledAt: '2026-11-26T06:00:00.000Z' }],
    ]);
    expect(publisher.next?.toISOString()).toBe('2026-11-27T06:00:00.000Z');
  });

  it('with catch-up "none", publishes nothing until the next scheduled time, then exactly one tick per due time', async () => {
    const bus = new InMemoryMessageBus();
    const clock = new TestClock(new Date('2026-11-26T08:15:00Z'));
    const publisher = new DailyTickPublisher(schedule, 'none', bus, clock, ids);
    await publisher.start();
    expect(await publisher.poll()).toBe(0);
    clock.time = new Date('2026-11-27T06:00:00Z');
    expect(await publisher.poll()).toBe(1);
    expect(await publisher.poll()).toBe(0);
    // Two days later (a suspended host): both due ticks, in order.
    clock.time = new Date('2026-11-29T06:30:00Z');
    expect(await publisher.poll()).toBe(2);
    await publisher.stop();
    expect(
      ticks(bus).map((m) => `${m.type === 'DailyTick' && m.data.day}:${m.type === 'DailyTick' && m.data.trigger}`),
    ).toEqual(['2026-11-27:schedule', '2026-11-28:schedule', '2026-11-29:schedule']);
  });

  it('keeps retrying a tick while the bus refuses it', async () => {
    const delivered: Envelope[] = [];
    let failures = 2;
    const flaky: MessageBus = {
      publish: async (...messages) => {
        if (failures-- > 0) throw new Error('broker not available');
        delivered.push(...messages);
      },
      subscribe: async () => ({ stop: async () => undefined }),
      ensureTopics: async () => undefined,
      close: async () => undefined,
    };
    const publisher = new DailyTickPublisher(
      schedule,
      'last',
      flaky,
      new TestClock(new Date('2026-11-26T08:15:00Z')),
      ids,
      () => undefined,
      1,
    );
    await publisher.start();
    await publisher.stop();
    expect(delivered).toHaveLength(1);
    expect(publisher.published).toEqual([
      { day: '2026-11-26', trigger: 'catch-up', scheduledAt: '2026-11-26T06:00:00.000Z' },
    ]);
  });
});
