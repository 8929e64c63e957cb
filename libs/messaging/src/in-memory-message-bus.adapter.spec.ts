// The in-memory adapter passes the MessageBus contract, plus what only it offers (idle, inspectable dead letters).
import { fixtureMessage } from '@dco/contracts';
import { randomUUID } from 'node:crypto';
import { InMemoryBroker } from './in-memory-broker';
import { InMemoryMessageBus } from './in-memory-message-bus.adapter';
import { BusContractHarness, eventually, messageBusContract } from './message-bus.contract';
import { dlqTopicOf } from '@dco/contracts';

messageBusContract(
  'in-memory',
  async (): Promise<BusContractHarness> => {
    const broker = new InMemoryBroker({ partitions: 3 });
    const prefix = `t${randomUUID().slice(0, 6)}.`;
    return {
      createBus: (hooks) => new InMemoryMessageBus({ ...hooks, broker, topicPrefix: prefix }),
      produceRaw: async (type, value, key) =>
        void broker.append([{ topic: `${prefix}${type}`, key: key ?? null, value, headers: {} }]),
      records: async (topic) => broker.records(`${prefix}${topic}`),
      deadLetters: async (type) => broker.deadLetters(`${prefix}${type}`),
      close: async () => {
        await broker.idle();
        expect(broker.failures).toEqual([]);
      },
    };
  },
  // The retries sleep for real (5-20 ms each): the budget only stops a hang, since a loaded machine may run them late.
  { timeoutMs: 10_000 },
);

describe('InMemoryMessageBus', () => {
  it('idle() resolves only after retries and dead-lettering are done', async () => {
    const bus = new InMemoryMessageBus({ sleep: async () => undefined });
    let calls = 0;
    await bus.subscribe({
      group: 'g',
      types: ['RunDco'],
      retry: { attempts: 3, initialDelayMs: 1000, maxDelayMs: 1000 },
      handler: async () => {
        calls += 1;
        throw new Error('boom');
      },
    });
    await bus.publish(fixtureMessage('RunDco', { eventId: randomUUID() }));
    await bus.idle();
    expect(calls).toBe(3);
    expect(bus.broker.deadLetters('RunDco').map((d) => d.code)).toEqual(['MSG.HANDLER_FAILED']);
    expect(bus.broker.committedOffset('g', 'RunDco', bus.broker.partitionOf('dco-2026-11-26'))).toBe(1);
    await bus.close();
  });

  it('ensureTopics creates each topic with its dead-letter topic', async () => {
    const bus = new InMemoryMessageBus();
    await bus.ensureTopics(['RunDco']);
    expect(bus.broker.hasTopic('RunDco')).toBe(true);
    expect(bus.broker.hasTopic(dlqTopicOf('RunDco'))).toBe(true);
  });

  it('a group created with fromBeginning=false skips what was published before it joined', async () => {
    const bus = new InMemoryMessageBus();
    await bus.publish(fixtureMessage('RunDco', { eventId: randomUUID() }));
    const seen: string[] = [];
    await bus.subscribe({
      group: 'late',
      types: ['RunDco'],
      fromBeginning: false,
      handler: async (m) => void seen.push(m.eventId),
    });
    const later = fixtureMessage('RunDco', { eventId: randomUUID() });
    await bus.publish(later);
    await bus.idle();
    expect(seen).toEqual([later.eventId]);
  });

  it('stop() waits for the in-flight messages of every partition it handles', async () => {
    const bus = new InMemoryMessageBus({ broker: new InMemoryBroker({ partitions: 2 }) });
    const runIds = ['dco-2026-11-01', 'dco-2026-11-02', 'dco-2026-11-03', 'dco-2026-11-04'];
    const first = runIds.find((r) => bus.broker.partitionOf(r) === 0) as string;
    const second = runIds.find((r) => bus.broker.partitionOf(r) === 1) as string;
    const gates = new Map<string, () => void>();
    const finished: string[] = [];
    const handle = await bus.subscribe({
      group: 'g',
      types: ['RunDco'],
      handler: async (m) => {
        await new Promise<void>((resolve) => gates.set(m.runId, resolve));
        finished.push(m.runId);
      },
    });
    await bus.publish(
      fixtureMessage('RunDco', { eventId: randomUUID(), runId: first }),
      fixtureMessage('RunDco', { eventId: randomUUID(), runId: second }),
    );
    await eventually('both handlers running', () => gates.size === 2, 2_000);
    let stopped = false;
    const stopping = handle.stop().then(() => (stopped = true));

    gates.get(second)?.();
    await eventually('the second partition done', () => finished.includes(second), 2_000);
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    gates.get(first)?.();
    await stopping;
    expect(finished).toEqual([second, first]);
  });

  it('refuses to publish after close()', async () => {
    const bus = new InMemoryMessageBus();
    await bus.close();
    await expect(bus.publish(fixtureMessage('RunDco'))).rejects.toThrow('closed');
  });
});
