// Alerts: the in-memory publisher meets the contract, dedupe delivers each cause once, watchers raise DLQ growth and overdue stages.
import { Clock } from '@dco/contracts';
import { DcoMetrics } from '../metrics/dco-metrics';
import { alertFixture, describeAlertPublisherContract } from './alert-publisher.contract';
import { AlertDelivery, AlertMessage, AlertPublisher } from './alert-publisher.port';
import { DeduplicatingAlertPublisher } from './deduplicating-alert.publisher';
import { InMemoryAlertPublisher } from './in-memory-alert.publisher';
import { DlqGrowthWatcher, OverdueWatcher } from './alert.watchers';
import { alertForwardingSubscription } from './alert-forwarding.subscription';
import { InMemoryEventBus } from '@dco/aws';
import { EventBridgeAlertPublisher } from './eventbridge-alert.publisher';
import { InMemoryMessageBus } from '@dco/messaging';
import { CompositeBusObserver, DlqAlertingObserver } from './dlq-alerting.observer';

describeAlertPublisherContract('in memory', async () => {
  const publisher = new InMemoryAlertPublisher();
  return {
    publisher,
    received: async () =>
      publisher
        .delivered()
        .map((entry) => ({ source: 'dco.autopilot', detailType: entry.detailType, detail: entry.detail })),
  };
});

describeAlertPublisherContract('EventBridge adapter on the in-memory event bus', async () => {
  const events = new InMemoryEventBus();
  await events.ensureBus('dco-alerts');
  return {
    publisher: new EventBridgeAlertPublisher(events, 'dco-alerts'),
    received: async () =>
      events.published
        .filter((event) => event.busName === 'dco-alerts')
        .map((event) => ({
          source: event.source,
          detailType: event.detailType,
          detail: event.detail as Record<string, string>,
        })),
  };
});

describe('EventBridgeAlertPublisher', () => {
  it('fails with ALERT.PUBLISH_FAILED when the bus rejects the event', async () => {
    const publisher = new EventBridgeAlertPublisher(new InMemoryEventBus(), 'missing-bus');
    await expect(publisher.publish(alertFixture('k'))).rejects.toMatchObject({
      code: 'ALERT.PUBLISH_FAILED',
      detail: expect.stringContaining('ResourceNotFoundException'),
    });
  });
});

class ManualClock implements Clock {
  constructor(private time: number) {}
  now(): Date {
    return new Date(this.time);
  }
  advance(ms: number): void {
    this.time += ms;
  }
}

class FlakyPublisher implements AlertPublisher {
  calls = 0;
  constructor(private failures: number) {}
  async publish(): Promise<AlertDelivery> {
    this.calls += 1;
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('EventBridge unavailable');
    }
    return { status: 'published', deliveryId: `id-${this.calls}` };
  }
}

describe('DeduplicatingAlertPublisher', () => {
  it('delivers one alert per dedupeKey within the window, including concurrent raises', async () => {
    const inner = new InMemoryAlertPublisher();
    const clock = new ManualClock(Date.UTC(2026, 10, 26));
    const publisher = new DeduplicatingAlertPublisher(inner, { windowMs: 60_000, clock });
    const results = await Promise.all([
      publisher.publish(alertFixture('k1')),
      publisher.publish(alertFixture('k1')),
      publisher.publish(alertFixture('k2')),
    ]);
    expect(results.map((result) => result.status)).toEqual(['published', 'duplicate', 'published']);
    clock.advance(59_000);
    expect((await publisher.publish(alertFixture('k1'))).status).toBe('duplicate');
    clock.advance(2_000);
    expect((await publisher.publish(alertFixture('k1'))).status).toBe('published');
    expect(inner.delivered().map((entry) => entry.detail.dedupeKey)).toEqual(['k1', 'k2', 'k1']);
  });

  it('does not remember a failed delivery, so the next raise retries', async () => {
    const inner = new FlakyPublisher(1);
    const publisher = new DeduplicatingAlertPublisher(inner, { windowMs: 60_000 });
    await expect(publisher.publish(alertFixture('k'))).rejects.toThrow('EventBridge unavailable');
    expect((await publisher.publish(alertFixture('k'))).status).toBe('published');
    expect((await publisher.publish(alertFixture('k'))).status).toBe('duplicate');
    expect(inner.calls).toBe(2);
  });

  it('forgets the oldest keys beyond its bound', async () => {
    const inner = new InMemoryAlertPublisher();
    const publisher = new DeduplicatingAlertPublisher(inner, { windowMs: 60_000, maxKeys: 2 });
    for (const key of ['a', 'b', 'c', 'a']) await publisher.publish(alertFixture(key));
    expect(inner.delivered().map((entry) => entry.detail.dedupeKey)).toEqual(['a', 'b', 'c', 'a']);
  });
});

describe('alertForwardingSubscription', () => {
  const delivery = { topic: 'AlertRaised', partition: 0, offset: '1', attempt: 1, headers: {} };

  it('forwards AlertRaised to the publisher and counts the delivery', async () => {
    const inner = new InMemoryAlertPublisher();
    const metrics = new DcoMetrics({ service: 'orchestrator' });
    const subscription = alertForwardingSubscription({
      publisher: new DeduplicatingAlertPublisher(inner, { windowMs: 60_000 }),
      metrics,
    });
    expect(subscription.types).toEqual(['AlertRaised']);
    const alert: AlertMessage = alertFixture('dco-2026-11-26:apply-infra:failed');
    await subscription.handler(alert, delivery);
    await subscription.handler(alert, { ...delivery, attempt: 2 });
    expect(inner.delivered()).toHaveLength(1);
    const counts = (await metrics.registry.getSingleMetric('dco_alerts_total')?.get())?.values.map((entry) => [
      entry.labels.delivery,
      entry.value,
    ]);
    expect(counts).toEqual([
      ['published', 1],
      ['deduplicated', 1],
    ]);
  });

  it('rethrows a failed delivery so the bus retries it', async () => {
    const subscription = alertForwardingSubscription({ publisher: new FlakyPublisher(1) });
    await expect(subscription.handler(alertFixture('x'), delivery)).rejects.toThrow('EventBridge unavailable');
  });
});

describe('DlqGrowthWatcher', () => {
  it('alerts once when a topic reaches the threshold within the window', () => {
    const watcher = new DlqGrowthWatcher({ threshold: 3, windowMs: 60_000 });
    const t0 = Date.UTC(2026, 10, 26, 6);
    const raise = (offsetMs: number, topic = 'ExternalChangeReported') =>
      watcher.deadLettered(topic, 'MSG.BAD_SIGNATURE', new Date(t0 + offsetMs), 'dco-2026-11-26');
    expect(raise(0)).toBeUndefined();
    expect(raise(1_000)).toBeUndefined();
    expect(raise(2_000, 'DailyTick')).toBeUndefined();
    const alert = raise(3_000);
    expect(alert?.data).toMatchObject({ cause: 'DLQ_GROWING', severity: 'warning' });
    expect(alert?.data.summary).toContain('3 messages dead-lettered on ExternalChangeReported');
    expect(raise(4_000)).toBeUndefined();
  });

  it('does not count dead letters that left the window', () => {
    const watcher = new DlqGrowthWatcher({ threshold: 2, windowMs: 10_000 });
    const t0 = Date.UTC(2026, 10, 26, 6);
    expect(watcher.deadLettered('T', 'MSG.INVALID_JSON', new Date(t0), 'dco-2026-11-26')).toBeUndefined();
    expect(watcher.deadLettered('T', 'MSG.INVALID_JSON', new Date(t0 + 20_000), 'dco-2026-11-26')).toBeUndefined();
    expect(watcher.deadLettered('T', 'MSG.INVALID_JSON', new Date(t0 + 21_000), 'dco-2026-11-26')).toBeDefined();
  });
});

describe('OverdueWatcher', () => {
  it('raises STEP_OVERDUE and RUN_OVERDUE once each when a stage runs past its expected duration', () => {
    const watcher = new OverdueWatcher({ 'migrate-db': 30 * 60_000, run: 2 * 3600_000 });
    const start = new Date(Date.UTC(2026, 10, 26, 6));
    const active = [
      { runId: 'dco-2026-11-26', stage: 'migrate-db' as const, startedAt: start },
      { runId: 'dco-2026-11-26', stage: 'run' as const, startedAt: start },
      { runId: 'dco-2026-11-26', stage: 'detect' as const, startedAt: start },
    ];
    expect(watcher.check(active, new Date(start.getTime() + 30 * 60_000))).toEqual([]);
    const first = watcher.check(active, new Date(start.getTime() + 31 * 60_000));
    expect(first.map((alert) => alert.data.dedupeKey)).toEqual(['STEP_OVERDUE:dco-2026-11-26:migrate-db']);
    expect(watcher.check(active, new Date(start.getTime() + 32 * 60_000))).toEqual([]);
    const later = watcher.check(active, new Date(start.getTime() + 3 * 3600_000));
    expect(later.map((alert) => [alert.data.cause, alert.data.severity])).toEqual([['RUN_OVERDUE', 'critical']]);
  });
});

describe('DlqAlertingObserver', () => {
  it('publishes one DLQ_GROWING AlertRaised on the bus when a topic crosses the threshold', async () => {
    const bus = new InMemoryMessageBus();
    await bus.ensureTopics(['AlertRaised']);
    const raised: AlertMessage[] = [];
    const handle = await bus.subscribe({
      group: 'test',
      types: ['AlertRaised'],
      handler: async (message) => {
        if (message.type === 'AlertRaised') raised.push(message);
      },
    });
    let id = 0;
    const clock = new ManualClock(Date.UTC(2026, 10, 26, 7));
    const observer = new DlqAlertingObserver({
      producer: 'detector',
      ids: { next: () => `00000000-0000-4000-8000-${String(++id).padStart(12, '0')}` },
      clock,
      threshold: 2,
      windowMs: 60_000,
    });
    observer.attach(bus);
    const composite = new CompositeBusObserver([
      {
        onDeadLettered: () => {
          throw new Error('broken observer');
        },
      },
      observer,
    ]);
    for (let index = 0; index < 4; index += 1)
      composite.onDeadLettered({
        group: 'detector',
        topic: 'ExternalChangeReported',
        code: 'MSG.BAD_SIGNATURE',
        reason: 'bad hmac',
      });
    const until = Date.now() + 5_000;
    while (raised.length < 1 && Date.now() < until) await new Promise<void>((resolve) => setImmediate(resolve));
    await handle.stop();
    await bus.close();
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({
      runId: 'dco-2026-11-26',
      producer: 'detector',
      data: { cause: 'DLQ_GROWING', severity: 'warning' },
    });
  });
});
