// The behaviour every MessageBus adapter must have; run against the in-memory adapter (unit) and Kafka (integration).
import { AnyMessage, Envelope, MessageRejection, MessageType, fixtureMessage } from '@dco/contracts';
import { createHash, randomUUID } from 'node:crypto';
import {
  BusHooks,
  DeadLetter,
  DeliveryContext,
  HEADERS,
  HandlerOutput,
  MessageBus,
  RetryPolicy,
} from './message-bus.port';
import { waitFor } from '@dco/probes';
import { WireRecord } from './wire-record';

/** One isolated namespace (own topics) on the adapter's broker for a single test. */
export interface BusContractHarness {
  /** A new client of the same broker and namespace, like another process. */
  createBus(hooks?: BusHooks): MessageBus;
  /** Writes bytes to a type's topic as any other producer could (bad input, foreign producers). */
  produceRaw(type: MessageType, value: Buffer, key?: string): Promise<void>;
  /** Committed records of a topic so far (topic name without the namespace). */
  records(topic: string): Promise<WireRecord[]>;
  deadLetters(type: MessageType): Promise<DeadLetter[]>;
  close(): Promise<void>;
}

/** Creates a harness whose namespace has (at least) these topics and their dead-letter topics. */
export type BusContractFactory = (topics: readonly string[]) => Promise<BusContractHarness>;

export interface ContractOptions {
  /** How long a condition may take to become true on this adapter. */
  timeoutMs: number;
}

/** Waits until `check` returns a value other than undefined/false, or fails with `what` after the deadline. */
export function eventually<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs: number,
): Promise<T> {
  return waitFor(check, { description: what, timeoutMs, intervalMs: 20 });
}

const FAST_RETRY: RetryPolicy = { attempts: 3, initialDelayMs: 5, maxDelayMs: 20 };
const TOPICS = ['DetectChanges', 'ChangesDetected', 'RunDco', 'SagaState'] as const;

function message<T extends MessageType>(type: T, runId = 'dco-2026-11-26'): Envelope {
  return fixtureMessage(type, { eventId: randomUUID(), runId } as never);
}

function bytes(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

class Received {
  readonly items: { message: AnyMessage; context: DeliveryContext; member: string }[] = [];
  push(message: AnyMessage, context: DeliveryContext, member = 'a'): void {
    this.items.push({ message, context, member });
  }
  ids(): string[] {
    return this.items.map((item) => item.message.eventId);
  }
}

export function messageBusContract(adapter: string, factory: BusContractFactory, options: ContractOptions): void {
  const { timeoutMs } = options;

  describe(`MessageBus contract: ${adapter}`, () => {
    let harness: BusContractHarness;
    const buses: MessageBus[] = [];
    const bus = (hooks?: BusHooks): MessageBus => {
      const created = harness.createBus(hooks);
      buses.push(created);
      return created;
    };
    const group = (name: string) => `contract-${name}-${randomUUID().slice(0, 8)}`;

    beforeEach(async () => {
      harness = await factory(TOPICS);
    });

    afterEach(async () => {
      await Promise.all(buses.splice(0).map((b) => b.close()));
      await harness.close();
    });

    it('delivers a published message with key = runId and the dco headers', async () => {
      const b = bus();
      const got = new Received();
      await b.subscribe({ group: group('basic'), types: ['DetectChanges'], handler: async (m, c) => got.push(m, c) });
      const sent = { ...message('DetectChanges'), traceparent: `00-${'1'.repeat(32)}-${'2'.repeat(16)}-01` };
      await b.publish(sent);

      await eventually('the message', () => got.items.length === 1, timeoutMs);
      const [{ message: received, context }] = got.items;
      expect(received).toEqual(sent);
      expect(context.attempt).toBe(1);
      expect(context.headers[HEADERS.type]).toBe('DetectChanges');
      expect(context.headers[HEADERS.eventId]).toBe(sent.eventId);
      expect(context.headers[HEADERS.traceparent]).toBe(sent.traceparent);
      const record = await eventually(
        'the stored record',
        async () => (await harness.records('DetectChanges'))[0],
        timeoutMs,
      );
      expect(record.key).toBe(sent.runId);
    });

    it('keeps the order of one run (same key) and gives every group every message once', async () => {
      const b = bus();
      const first = new Received();
      const second = new Received();
      await b.subscribe({
        group: group('order-1'),
        types: ['DetectChanges'],
        handler: async (m, c) => first.push(m, c),
      });
      await b.subscribe({
        group: group('order-2'),
        types: ['DetectChanges'],
        handler: async (m, c) => second.push(m, c),
      });
      const sent = Array.from({ length: 30 }, () => message('DetectChanges', 'dco-2026-11-27'));
      for (let i = 0; i < sent.length; i += 10) await b.publish(...sent.slice(i, i + 10));

      await eventually(
        '30 messages in both groups',
        () => first.items.length >= 30 && second.items.length >= 30,
        timeoutMs,
      );
      expect(first.ids()).toEqual(sent.map((m) => m.eventId));
      expect(second.ids()).toEqual(sent.map((m) => m.eventId));
    });

    it("keeps a run's order across retries: a later message never overtakes a retried one", async () => {
      const b = bus();
      const order: string[] = [];
      const first = message('DetectChanges', 'dco-2026-11-28');
      const second = message('DetectChanges', 'dco-2026-11-28');
      await b.subscribe({
        group: group('retry-order'),
        types: ['DetectChanges'],
        retry: FAST_RETRY,
        handler: async (m, c) => {
          order.push(`${m.eventId === first.eventId ? 'first' : 'second'}#${c.attempt}`);
          if (m.eventId === first.eventId && c.attempt < 3) throw new Error('not yet');
        },
      });
      await b.publish(first, second);

      await eventually('both messages', () => order.includes('second#1'), timeoutMs);
      expect(order).toEqual(['first#1', 'first#2', 'first#3', 'second#1']);
    });

    it('runs one handler at a time per partition within a group, even with several members', async () => {
      const shared = group('serial');
      const busy = new Map<number, number>();
      let overlap = 0;
      let done = 0;
      const handler = async (_m: AnyMessage, c: DeliveryContext) => {
        busy.set(c.partition, (busy.get(c.partition) ?? 0) + 1);
        if ((busy.get(c.partition) ?? 0) > 1) overlap += 1;
        for (let i = 0; i < 3; i += 1) await new Promise((resolve) => setImmediate(resolve));
        busy.set(c.partition, (busy.get(c.partition) ?? 1) - 1);
        done += 1;
      };
      await bus().subscribe({ group: shared, types: ['DetectChanges'], handler });
      await bus().subscribe({ group: shared, types: ['DetectChanges'], handler });
      const b = bus();
      // One publish per message, so new records arrive while earlier ones of the same partition are being handled.
      for (let i = 0; i < 30; i += 1)
        await b.publish(message('DetectChanges', `dco-2026-11-${String((i % 3) + 1).padStart(2, '0')}`));

      await eventually('30 messages', () => done >= 30, timeoutMs);
      expect(done).toBe(30);
      expect(overlap).toBe(0);
    });

    it('shares a group between members: each message is handled by exactly one of them', async () => {
      const shared = group('shared');
      const got = new Received();
      const a = bus();
      const c = bus();
      await a.subscribe({ group: shared, types: ['DetectChanges'], handler: async (m, ctx) => got.push(m, ctx, 'a') });
      await c.subscribe({ group: shared, types: ['DetectChanges'], handler: async (m, ctx) => got.push(m, ctx, 'c') });
      const sent = Array.from({ length: 40 }, (_, i) =>
        message('DetectChanges', `dco-2026-12-${String((i % 28) + 1).padStart(2, '0')}`),
      );
      await a.publish(...sent);

      await eventually('40 messages', () => got.items.length >= 40, timeoutMs);
      expect([...got.ids()].sort()).toEqual(sent.map((m) => m.eventId).sort());
      expect(new Set(got.items.map((item) => item.member))).toEqual(new Set(['a', 'c']));
    });

    it.each([
      ['MSG.INVALID_JSON', () => Buffer.from('{"eventId": not json', 'utf8')],
      ['MSG.UNKNOWN_TYPE', () => bytes({ ...message('DetectChanges'), type: 'NoSuchType' })],
      ['MSG.VALIDATION_FAILED', () => bytes({ ...message('DetectChanges'), data: { day: 'yesterday' } })],
      ['MSG.UNKNOWN_VERSION', () => bytes({ ...message('DetectChanges'), schemaVersion: 99 })],
      [
        'MSG.TOO_LARGE',
        () => bytes({ ...message('DetectChanges'), data: { day: '2026-11-26', padding: 'x'.repeat(300 * 1024) } }),
      ],
      ['MSG.NOT_AN_ENVELOPE', () => bytes([1, 2, 3])],
    ])(
      'dead-letters %s with its code and the original bytes (truncated above 256 KiB), and keeps consuming',
      async (code, make) => {
        const b = bus();
        const got = new Received();
        await b.subscribe({ group: group('bad'), types: ['DetectChanges'], handler: async (m, c) => got.push(m, c) });
        const bad = make();
        await harness.produceRaw('DetectChanges', bad, 'dco-2026-11-26');
        const next = message('DetectChanges');
        await b.publish(next);

        await eventually('the next good message', () => got.items.length === 1, timeoutMs);
        expect(got.ids()).toEqual([next.eventId]);
        const dead = await eventually(
          'a dead letter',
          async () => (await harness.deadLetters('DetectChanges')).find((d) => d.code === code),
          timeoutMs,
        );
        if (code === 'MSG.TOO_LARGE') {
          // Too large to copy: a prefix, the sha256 and size of the original (MSG.DLQ_TRUNCATED), never the whole of it.
          expect(dead.value?.equals(bad.subarray(0, 1024))).toBe(true);
          expect(dead.truncated).toEqual({
            sha256: createHash('sha256').update(bad).digest('hex'),
            originalBytes: bad.length,
          });
        } else {
          expect(dead.value?.equals(bad)).toBe(true);
          expect(dead.truncated).toBeUndefined();
        }
        expect(dead.reason.length).toBeGreaterThan(0);
        expect(dead.headers[HEADERS.dlqCode]).toBe(code);
        expect(dead.headers[HEADERS.dlqOriginalOffset]).toMatch(/^\d+$/);
      },
    );

    it("dead-letters a message the subscription's accept check rejects, with that check's code", async () => {
      const b = bus();
      const got = new Received();
      const forged = message('DetectChanges', 'dco-2026-01-01');
      await b.subscribe({
        group: group('accept'),
        types: ['DetectChanges'],
        accept: (m) =>
          m.runId === forged.runId ? new MessageRejection('MSG.BAD_SIGNATURE', 'signature does not match') : undefined,
        handler: async (m, c) => got.push(m, c),
      });
      const good = message('DetectChanges');
      await b.publish(forged, good);

      await eventually('the good message', () => got.items.length === 1, timeoutMs);
      expect(got.ids()).toEqual([good.eventId]);
      const dead = await eventually(
        'a dead letter',
        async () => (await harness.deadLetters('DetectChanges'))[0],
        timeoutMs,
      );
      expect(dead.code).toBe('MSG.BAD_SIGNATURE');
      expect(dead.reason).toContain('signature does not match');
    });

    it('retries a failing handler with backoff and reports each retry', async () => {
      const retries: number[] = [];
      const b = bus({ observer: { onRetry: (e) => retries.push(e.delayMs) } });
      const attempts: number[] = [];
      await b.subscribe({
        group: group('retry'),
        types: ['DetectChanges'],
        retry: { attempts: 4, initialDelayMs: 10, maxDelayMs: 15 },
        handler: async (_m, c) => {
          attempts.push(c.attempt);
          if (c.attempt < 3) throw new Error(`transient failure ${c.attempt}`);
        },
      });
      await b.publish(message('DetectChanges'));

      await eventually('the third attempt', () => attempts.length === 3, timeoutMs);
      expect(attempts).toEqual([1, 2, 3]);
      expect(retries).toEqual([10, 15]);
      expect(await harness.deadLetters('DetectChanges')).toEqual([]);
    });

    it('dead-letters a handler that keeps failing with MSG.HANDLER_FAILED and the error, then handles the next', async () => {
      const dead: string[] = [];
      const b = bus({ observer: { onDeadLettered: (e) => dead.push(e.code) } });
      const poison = message('DetectChanges');
      const next = message('DetectChanges');
      const handled: string[] = [];
      let poisonAttempts = 0;
      await b.subscribe({
        group: group('poison'),
        types: ['DetectChanges'],
        retry: FAST_RETRY,
        handler: async (m) => {
          if (m.eventId === poison.eventId) {
            poisonAttempts += 1;
            throw new Error('disk full');
          }
          handled.push(m.eventId);
        },
      });
      await b.publish(poison, next);

      await eventually('the next message', () => handled.length === 1, timeoutMs);
      expect(handled).toEqual([next.eventId]);
      expect(poisonAttempts).toBe(FAST_RETRY.attempts);
      const [letter] = await eventually(
        'the dead letter',
        async () => {
          const letters = await harness.deadLetters('DetectChanges');
          return letters.length > 0 ? letters : undefined;
        },
        timeoutMs,
      );
      expect(letter.code).toBe('MSG.HANDLER_FAILED');
      expect(letter.reason).toContain('disk full');
      expect(JSON.parse(letter.value?.toString('utf8') ?? '{}').eventId).toBe(poison.eventId);
      expect(dead).toEqual(['MSG.HANDLER_FAILED']);
    });

    it('a poison message inside one batch: the records before it commit before its retries end, it is dead-lettered, the ones after it are handled, every output once', async () => {
      const b = bus();
      const runId = 'dco-2026-11-29';
      const [first, second, poison, third, fourth] = Array.from({ length: 5 }, () => message('DetectChanges', runId));
      const handled: string[] = [];
      let answersSeenByLastAttempt: number | undefined;
      await b.subscribe({
        group: group('poison-batch'),
        types: ['DetectChanges'],
        retry: FAST_RETRY,
        handler: async (m, c): Promise<HandlerOutput> => {
          if (m.eventId === poison.eventId) {
            if (c.attempt === FAST_RETRY.attempts) {
              // Still inside the batch: the answers of the two records ahead of the poison must already be committed.
              const answers = await eventually(
                'the answers ahead of the poison',
                async () => {
                  const records = await harness.records('ChangesDetected');
                  return records.length >= 2 ? records : undefined;
                },
                timeoutMs / 2,
              ).catch(() => []);
              answersSeenByLastAttempt = answers.length;
            }
            throw new Error('cannot handle this one');
          }
          handled.push(m.eventId);
          return { messages: [{ ...message('ChangesDetected', runId), causationId: m.eventId }] };
        },
      });
      // One publish: the five records reach the consumer in one fetched batch.
      await b.publish(first, second, poison, third, fourth);

      const answers = await eventually(
        'four answers',
        async () => {
          const records = await harness.records('ChangesDetected');
          return records.length >= 4 ? records : undefined;
        },
        timeoutMs,
      );
      expect(answersSeenByLastAttempt).toBe(2);
      expect(handled).toEqual([first, second, third, fourth].map((m) => m.eventId));
      expect(answers.map((r) => JSON.parse(r.value?.toString('utf8') ?? '{}').causationId)).toEqual(handled);
      const letters = await eventually(
        'the dead letter',
        async () => {
          const found = await harness.deadLetters('DetectChanges');
          return found.length > 0 ? found : undefined;
        },
        timeoutMs,
      );
      expect(letters.map((l) => [l.code, JSON.parse(l.value?.toString('utf8') ?? '{}').eventId])).toEqual([
        ['MSG.HANDLER_FAILED', poison.eventId],
      ]);
    });

    it('handles a duplicated eventId once', async () => {
      const b = bus();
      const got = new Received();
      await b.subscribe({ group: group('dedupe'), types: ['DetectChanges'], handler: async (m, c) => got.push(m, c) });
      const once = message('DetectChanges');
      const marker = message('DetectChanges');
      await b.publish(once);
      await b.publish(once);
      await harness.produceRaw('DetectChanges', bytes(once), once.runId);
      await b.publish(marker);

      await eventually('the marker', () => got.ids().includes(marker.eventId), timeoutMs);
      expect(got.ids()).toEqual([once.eventId, marker.eventId]);
    });

    it('writes handler outputs (messages and raw records) with the offset, and they flow on', async () => {
      const b = bus();
      const downstream = new Received();
      await b.subscribe({
        group: group('producer'),
        types: ['DetectChanges'],
        handler: async (m): Promise<HandlerOutput> => ({
          messages: [{ ...message('ChangesDetected', m.runId), causationId: m.eventId }],
          records: [
            { topic: 'SagaState', key: m.runId, value: Buffer.from(`state-of-${m.eventId}`) },
            { topic: 'SagaState', key: 'dco-2026-01-01', value: null },
          ],
        }),
      });
      await b.subscribe({
        group: group('downstream'),
        types: ['ChangesDetected'],
        handler: async (m, c) => downstream.push(m, c),
      });
      const command = message('DetectChanges');
      await b.publish(command);

      await eventually('the downstream event', () => downstream.items.length === 1, timeoutMs);
      expect(downstream.items[0].message.causationId).toBe(command.eventId);
      expect(downstream.items[0].message.runId).toBe(command.runId);
      const state = await eventually(
        'the snapshot records',
        async () => {
          const records = await harness.records('SagaState');
          return records.length === 2 ? records : undefined;
        },
        timeoutMs,
      );
      expect(state.map((r) => [r.key, r.value?.toString('utf8') ?? null])).toEqual([
        [command.runId, `state-of-${command.eventId}`],
        ['dco-2026-01-01', null],
      ]);
    });

    it('stop() lets the in-flight message finish and commit; the group resumes after it', async () => {
      const shared = group('stop');
      const b = bus();
      const first = message('DetectChanges');
      const second = message('DetectChanges');
      let release: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const seen: string[] = [];
      let finished = false;
      const handle = await b.subscribe({
        group: shared,
        types: ['DetectChanges'],
        handler: async (m) => {
          seen.push(m.eventId);
          await gate;
          finished = true;
        },
      });
      await b.publish(first);
      await eventually('the first message in flight', () => seen.length === 1, timeoutMs);
      const stopping = handle.stop();
      release();
      await stopping;
      expect(finished).toBe(true);

      const after: string[] = [];
      await b.publish(second);
      const other = bus();
      await other.subscribe({
        group: shared,
        types: ['DetectChanges'],
        handler: async (m) => void after.push(m.eventId),
      });
      await eventually('the second message on the new member', () => after.length === 1, timeoutMs);
      expect(after).toEqual([second.eventId]);
      expect(seen).toEqual([first.eventId]);
    });

    it('lets an interceptor add publish headers and wrap each handler call', async () => {
      const wrapped: string[] = [];
      const b = bus({
        interceptor: {
          beforePublish: (m, headers) => {
            headers['x-tenant'] = `tenant-of-${m.type}`;
          },
          aroundHandle: async (m, c, next) => {
            wrapped.push(`before:${c.headers['x-tenant']}`);
            const result = await next();
            wrapped.push(`after:${m.type}`);
            return result;
          },
        },
      });
      const got = new Received();
      await b.subscribe({ group: group('intercept'), types: ['RunDco'], handler: async (m, c) => got.push(m, c) });
      await b.publish(message('RunDco'));

      await eventually('the message', () => wrapped.length === 2, timeoutMs);
      expect(wrapped).toEqual(['before:tenant-of-RunDco', 'after:RunDco']);
      expect(got.items[0].context.headers['x-tenant']).toBe('tenant-of-RunDco');
    });

    it('refuses to publish a message larger than the limit, naming MSG.TOO_LARGE', async () => {
      const b = bus();
      const huge = {
        ...message('DetectChanges'),
        data: { day: '2026-11-26', padding: 'x'.repeat(300 * 1024) },
      } as Envelope;
      await expect(b.publish(huge)).rejects.toMatchObject({ code: 'MSG.TOO_LARGE' });
      expect(await harness.records('DetectChanges')).toEqual([]);
    });
  });
}
