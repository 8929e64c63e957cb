// Unit specs of the pieces both adapters share: backoff, dedupe memory, and processing edge cases seen through the in-memory bus.
import { CodedError, fixtureMessage } from '@dco/contracts';
import { randomUUID } from 'node:crypto';
import { DedupeCache } from './dedupe-cache';
import { InMemoryBroker } from './in-memory-broker';
import { InMemoryMessageBus } from './in-memory-message-bus.adapter';
import { BusObserver, Subscription } from './message-bus.port';
import { MessageProcessor } from './message-processor';
import { backoffDelayMs } from './retry-backoff';

const noWait = async () => undefined;
const command = () => fixtureMessage('RunDco', { eventId: randomUUID() });

describe('backoffDelayMs', () => {
  it('doubles from the initial delay and stops at the cap', () => {
    const policy = { attempts: 6, initialDelayMs: 100, maxDelayMs: 500 };
    expect([2, 3, 4, 5, 6].map((attempt) => backoffDelayMs(policy, attempt))).toEqual([100, 200, 400, 500, 500]);
  });
});

describe('DedupeCache', () => {
  it('forgets the least recently seen id first', () => {
    const cache = new DedupeCache(2);
    cache.add('a');
    cache.add('b');
    expect(cache.has('a')).toBe(true); // touches a: b is now the oldest
    cache.add('c');
    expect([cache.has('a'), cache.has('b'), cache.has('c')]).toEqual([true, false, true]);
    expect(cache.size).toBe(2);
  });

  it('evicts exactly like a least-recently-seen list over a long mixed sequence of adds and touches', () => {
    const capacity = 50;
    const cache = new DedupeCache(capacity);
    const model: string[] = []; // oldest first
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let step = 0; step < 5_000; step += 1) {
      const id = `id-${Math.floor(random() * 120)}`;
      if (random() < 0.5) {
        const known = model.includes(id);
        expect(cache.has(id)).toBe(known);
        if (known) model.push(...model.splice(model.indexOf(id), 1));
      } else {
        cache.add(id);
        if (model.includes(id)) model.splice(model.indexOf(id), 1);
        model.push(id);
        if (model.length > capacity) model.shift();
      }
    }
    expect(cache.size).toBe(model.length);
    for (const id of model) expect(cache.has(id)).toBe(true);
  });

  it('refuses a capacity that cannot hold anything', () => {
    expect(() => new DedupeCache(0)).toThrow(expect.objectContaining({ code: 'INTERNAL.UNEXPECTED' }));
  });
});

describe('message processing', () => {
  it('keeps delivering when an observer throws', async () => {
    const observer: BusObserver = {
      onPublished: () => {
        throw new Error('metrics down');
      },
      onConsumed: () => {
        throw new Error('metrics down');
      },
    };
    const bus = new InMemoryMessageBus({ observer, sleep: noWait });
    const handled: string[] = [];
    await bus.subscribe({ group: 'g', types: ['RunDco'], handler: async (m) => void handled.push(m.eventId) });
    const sent = command();
    await bus.publish(sent);
    await bus.idle();
    expect(handled).toEqual([sent.eventId]);
  });

  it('dead-letters the input as MSG.OUTPUT_REFUSED when the handler returns an output too large to write', async () => {
    const dead: string[] = [];
    const bus = new InMemoryMessageBus({ sleep: noWait, observer: { onDeadLettered: (e) => dead.push(e.code) } });
    await bus.subscribe({
      group: 'g',
      types: ['RunDco'],
      handler: async (m) => ({
        messages: [
          {
            ...fixtureMessage('DcoFailed', { eventId: randomUUID() }),
            data: { failure: { code: 'DCO.EXECUTION_FAILED', message: 'x'.repeat(300_000) } },
          },
        ],
        records: [{ topic: 'Audit', key: m.runId, value: Buffer.from('must not be written') }],
      }),
    });
    await bus.publish(command());
    await bus.idle();
    const [letter] = bus.broker.deadLetters('RunDco');
    expect(letter.code).toBe('MSG.OUTPUT_REFUSED');
    expect(letter.reason).toContain('MSG.TOO_LARGE');
    expect(bus.broker.records('DcoFailed')).toEqual([]);
    expect(bus.broker.records('Audit')).toEqual([]);
    expect(dead).toEqual(['MSG.OUTPUT_REFUSED']);
  });

  it("puts a CodedError's code, message and detail in the dead-letter reason", async () => {
    const bus = new InMemoryMessageBus({ sleep: noWait });
    await bus.subscribe({
      group: 'g',
      types: ['RunDco'],
      retry: { attempts: 2, initialDelayMs: 1, maxDelayMs: 1 },
      handler: async () => {
        throw new CodedError('DCO.EXECUTION_FAILED', 'Neo4j write failed', 'connection reset');
      },
    });
    await bus.publish(command());
    await bus.idle();
    expect(bus.broker.deadLetters('RunDco')[0].reason).toBe(
      'handler failed after 2 attempt(s): DCO.EXECUTION_FAILED: Neo4j write failed (connection reset)',
    );
  });

  it('a stop during the backoff leaves the message uncommitted for the next member, not dead-lettered', async () => {
    const broker = new InMemoryBroker();
    let release: () => void = () => undefined;
    let waiting: () => void = () => undefined;
    const inBackoff = new Promise<void>((resolve) => (waiting = resolve));
    const first = new InMemoryMessageBus({
      broker,
      sleep: () => {
        waiting();
        return new Promise<void>((resolve) => (release = resolve));
      },
    });
    const handle = await first.subscribe({
      group: 'g',
      types: ['RunDco'],
      handler: async () => {
        throw new Error('transient');
      },
    });
    const sent = command();
    await first.publish(sent);
    await inBackoff;
    const stopping = handle.stop();
    release();
    await stopping;
    expect(broker.deadLetters('RunDco')).toEqual([]);

    const second = new InMemoryMessageBus({ broker, sleep: noWait });
    const handled: string[] = [];
    await second.subscribe({ group: 'g', types: ['RunDco'], handler: async (m) => void handled.push(m.eventId) });
    await second.idle();
    expect(handled).toEqual([sent.eventId]);
  });

  it('reports the lag of each batch it starts', async () => {
    const lags: number[] = [];
    const bus = new InMemoryMessageBus({
      broker: new InMemoryBroker({ partitions: 1 }),
      observer: { onLag: (e) => lags.push(e.lag) },
    });
    await bus.publish(command(), command(), command());
    await bus.subscribe({ group: 'g', types: ['RunDco'], handler: async () => undefined });
    await bus.idle();
    expect(lags).toEqual([3]);
  });
});

describe('MessageProcessor.process', () => {
  const record = (eventId: string) => ({
    topic: 'RunDco',
    partition: 0,
    offset: '7',
    key: 'dco-2026-11-26',
    value: Buffer.from(JSON.stringify(fixtureMessage('RunDco', { eventId }))),
    headers: {},
  });
  const processor = (handler: Subscription['handler'], attempts: number) =>
    new MessageProcessor(
      { group: 'g', types: ['RunDco'], handler, retry: { attempts, initialDelayMs: 1, maxDelayMs: 1 } },
      {},
      { sleep: noWait },
    );

  it('asks the caller to commit the work ahead once, after the first failure and before the first retry', async () => {
    const events: string[] = [];
    const handler = async () => {
      events.push('attempt');
      if (events.filter((e) => e === 'attempt').length < 3) throw new Error('transient');
    };
    const control = { isRunning: () => true, beforeRetry: async () => void events.push('commit-ahead') };
    const outcome = await processor(handler, 5).process(record(randomUUID()), control, new Set());
    expect(outcome.kind).toBe('handled');
    expect(events).toEqual(['attempt', 'commit-ahead', 'attempt', 'attempt']);
  });

  describe('a transient condition (a lease another replica holds)', () => {
    // The clock moves by each backoff the processor sleeps, so "how long" is the policy's time, not the machine's.
    const leaseHeldUntil = (freeAtMs: number) => {
      let nowMs = 0;
      let attempts = 0;
      const handler = async () => {
        attempts += 1;
        if (nowMs < freeAtMs) throw new CodedError('DB.MIGRATION_LEASE_HELD', 'held by db-migrator-0 until later');
      };
      const make = (retry: Subscription['retry']) =>
        new MessageProcessor(
          { group: 'g', types: ['RunDco'], handler, retry },
          {},
          { sleep: async (ms) => void (nowMs += ms), now: () => nowMs },
        );
      return { make, attempts: () => attempts };
    };
    const running = { isRunning: () => true };

    it('is retried until it clears, past the attempts that other failures get (the restarted migrator waits out the lease)', async () => {
      const lease = leaseHeldUntil(120_000);
      const outcome = await lease
        .make({ attempts: 5, initialDelayMs: 100, maxDelayMs: 5_000, transientForMs: 600_000 })
        .process(record(randomUUID()), running, new Set());
      expect(outcome.kind).toBe('handled');
      expect(lease.attempts()).toBeGreaterThan(5);
    });

    it('is dead-lettered with its code once the transient budget is spent', async () => {
      const lease = leaseHeldUntil(Number.MAX_SAFE_INTEGER);
      const outcome = await lease
        .make({ attempts: 5, initialDelayMs: 100, maxDelayMs: 5_000, transientForMs: 60_000 })
        .process(record(randomUUID()), running, new Set());
      expect(outcome).toMatchObject({ kind: 'dead-letter', code: 'MSG.HANDLER_FAILED' });
      expect((outcome as { reason: string }).reason).toContain('DB.MIGRATION_LEASE_HELD');
      // 60 s of backoff doubling from 100 ms to its 5 s cap: 18 attempts, never an endless loop.
      expect(lease.attempts()).toBeGreaterThanOrEqual(15);
      expect(lease.attempts()).toBeLessThanOrEqual(20);
    });

    it('counts like any failure when the policy has no transient budget, and by default the budget is ten minutes', async () => {
      const lease = leaseHeldUntil(120_000);
      const outcome = await lease
        .make({ attempts: 5, initialDelayMs: 100, maxDelayMs: 5_000 })
        .process(record(randomUUID()), running, new Set());
      expect(outcome.kind).toBe('dead-letter');
      expect(lease.attempts()).toBe(5);
      const byDefault = leaseHeldUntil(120_000);
      await expect(byDefault.make(undefined).process(record(randomUUID()), running, new Set())).resolves.toMatchObject({
        kind: 'handled',
      });
    });

    it('does not stretch the attempts of a failure that is not transient', async () => {
      let attempts = 0;
      const outcome = await new MessageProcessor(
        {
          group: 'g',
          types: ['RunDco'],
          handler: async () => {
            attempts += 1;
            throw new CodedError('DB.RESTORE_FAILED', 'green refused the write');
          },
          retry: { attempts: 3, initialDelayMs: 100, maxDelayMs: 5_000, transientForMs: 600_000 },
        },
        {},
        { sleep: noWait },
      ).process(record(randomUUID()), running, new Set());
      expect(outcome.kind).toBe('dead-letter');
      expect(attempts).toBe(3);
    });
  });

  it('does not ask when the record is not retried (a single attempt goes straight to the dead letter)', async () => {
    const events: string[] = [];
    const handler = async () => {
      events.push('attempt');
      throw new Error('broken');
    };
    const outcome = await processor(handler, 1).process(
      record(randomUUID()),
      { isRunning: () => true, beforeRetry: async () => void events.push('commit-ahead') },
      new Set(),
    );
    expect(outcome.kind).toBe('dead-letter');
    expect(events).toEqual(['attempt']);
  });
});
