// The behaviour every DeadLetterQueue adapter must have, driven through a real subscription of the matching bus.
import { fixtureMessage } from '@dco/contracts';
import { randomUUID } from 'node:crypto';
import { DeadLetterQueue, REDRIVEN_FROM_HEADER } from './dead-letter-queue.port';
import { eventually } from './message-bus.contract';
import { MessageBus } from './message-bus.port';

export interface DeadLetterHarness {
  bus: MessageBus;
  queue: DeadLetterQueue;
  close(): Promise<void>;
}

export function deadLetterQueueContract(
  adapter: string,
  factory: () => Promise<DeadLetterHarness>,
  timeoutMs: number,
): void {
  describe(`DeadLetterQueue contract: ${adapter}`, () => {
    let harness: DeadLetterHarness;
    beforeEach(async () => {
      harness = await factory();
    });
    afterEach(async () => {
      await harness.bus.close();
      await harness.queue.close();
      await harness.close();
    });

    it('lists dead letters with code and eventId, and re-drives the chosen one after a fix', async () => {
      const { bus, queue } = harness;
      let fixed = false;
      const handled: { eventId: string; redriven?: string }[] = [];
      await bus.subscribe({
        group: `dlq-${randomUUID().slice(0, 8)}`,
        types: ['RunDco'],
        retry: { attempts: 1, initialDelayMs: 1, maxDelayMs: 1 },
        handler: async (m, c) => {
          if (!fixed) throw new Error('bug in the handler');
          handled.push({ eventId: m.eventId, redriven: c.headers[REDRIVEN_FROM_HEADER] });
        },
      });
      const broken = fixtureMessage('RunDco', { eventId: randomUUID() });
      const other = fixtureMessage('RunDco', { eventId: randomUUID() });
      await bus.publish(broken, other);

      const listed = await eventually(
        'two dead letters',
        async () => {
          const entries = await queue.list('RunDco');
          return entries.length === 2 ? entries : undefined;
        },
        timeoutMs,
      );
      expect(listed.map((e) => e.eventId).sort()).toEqual([broken.eventId, other.eventId].sort());
      expect(listed.every((e) => e.code === 'MSG.HANDLER_FAILED' && e.reason.includes('bug in the handler'))).toBe(
        true,
      );
      expect(await queue.list('RunDco', { limit: 1 })).toHaveLength(1);

      fixed = true;
      expect(await queue.redrive('RunDco', { code: 'MSG.BAD_SIGNATURE' })).toEqual([]);
      const redriven = await queue.redrive('RunDco', { eventId: broken.eventId });
      expect(redriven.map((e) => e.eventId)).toEqual([broken.eventId]);

      await eventually('the re-driven message', () => handled.length === 1, timeoutMs);
      expect(handled[0].eventId).toBe(broken.eventId);
      expect(handled[0].redriven).toMatch(/RunDco\.dlq\/\d+\/\d+$/);
      expect(await queue.list('RunDco')).toHaveLength(2);
    });

    it('lists nothing for a topic without dead letters', async () => {
      expect(await harness.queue.list('DcoCompleted')).toEqual([]);
    });
  });
}
