// The DLQ cannot wedge a partition (ADR 0019): a record near the broker's size limit is dead-lettered truncated, and
// a shared transaction in which one partition's dead letter is refused still commits the other partitions' chunks.
import { fixtureMessage } from '@dco/contracts';
import { ConfigResourceTypes } from 'kafkajs';
import { createHash, randomUUID } from 'node:crypto';
import { eventually } from './message-bus.contract';
import { BusLogLevel } from './message-bus.port';
import { HEADERS, HandlerOutput } from './message-bus.port';
import { KafkaTestNamespace } from './testing/kafka-test-cluster';
import { hookTransactions } from './testing/transaction-hook';

jest.setTimeout(90_000);

const TOPICS = ['DetectChanges', 'ChangesDetected', 'RunDco', 'ApplyInfra', 'InfraApplied', 'Probe'];

describe('KafkaMessageBus dead letters that cannot be written whole', () => {
  let ns: KafkaTestNamespace;
  const logged: { level: BusLogLevel; message: string; detail: Record<string, unknown> }[] = [];
  const logger = (level: BusLogLevel, message: string, detail: Record<string, unknown>) =>
    void logged.push({ level, message, detail });

  beforeEach(async () => {
    logged.length = 0;
    ns = await new KafkaTestNamespace(TOPICS, 3).open();
  });

  afterEach(async () => {
    await ns.close();
  });

  async function limitTopic(topic: string, maxMessageBytes: number): Promise<void> {
    const admin = ns.kafka.admin();
    await admin.connect();
    try {
      await admin.alterConfigs({
        validateOnly: false,
        resources: [
          {
            type: ConfigResourceTypes.TOPIC,
            name: `${ns.prefix}${topic}`,
            configEntries: [{ name: 'max.message.bytes', value: String(maxMessageBytes) }],
          },
        ],
      });
    } finally {
      await admin.disconnect();
    }
  }

  /** The largest value (with these headers) the broker accepts on a topic of its default limit: a binary search. */
  async function largestAcceptedValue(key: string, headers: Record<string, string>): Promise<number> {
    let [accepted, refused] = [1_000_000, 1_100_000];
    while (refused - accepted > 1) {
      const size = Math.floor((accepted + refused) / 2);
      const ok = await ns.produceRaw('Probe', Buffer.alloc(size, 0x61), key, headers).then(
        () => true,
        () => false,
      );
      if (ok) accepted = size;
      else refused = size;
    }
    return accepted;
  }

  it('dead-letters a record of the largest size the broker accepts truncated, with its sha256 and position, and handles the next one', async () => {
    const runId = 'dco-2026-11-26';
    const headers = { 'x-origin': 'a foreign producer' };
    const size = await largestAcceptedValue(runId, headers);
    const huge = Buffer.alloc(size, 0x7b); // '{{{{...': not JSON, and far above the bus's 256 KiB limit
    await ns.produceRaw('DetectChanges', huge, runId, headers);
    const next = fixtureMessage('DetectChanges', { eventId: randomUUID(), runId } as never);
    await ns.produceRaw('DetectChanges', Buffer.from(JSON.stringify(next)), runId);

    const bus = ns.bus({ logger });
    const handled: string[] = [];
    try {
      await bus.subscribe({
        group: `bounds-${randomUUID().slice(0, 8)}`,
        types: ['DetectChanges'],
        handler: async (m) => void handled.push(m.eventId),
      });
      await eventually('the record after the huge one is handled', () => handled.includes(next.eventId), 60_000);
      const [letter] = await eventually(
        'the dead letter',
        () => (ns.records('DetectChanges.dlq').length > 0 ? ns.records('DetectChanges.dlq') : undefined),
        30_000,
      );
      expect(letter.headers[HEADERS.dlqCode]).toBe('MSG.TOO_LARGE');
      expect(letter.headers[HEADERS.dlqTruncated]).toBe('MSG.DLQ_TRUNCATED');
      expect(letter.headers[HEADERS.dlqSha256]).toBe(createHash('sha256').update(huge).digest('hex'));
      expect(letter.headers[HEADERS.dlqOriginalBytes]).toBe(String(size));
      expect(letter.headers[HEADERS.dlqOriginalTopic]).toBe(`${ns.prefix}DetectChanges`);
      expect(letter.headers[HEADERS.dlqOriginalOffset]).toBe('0');
      expect(letter.headers[HEADERS.dlqOriginalPartition]).toMatch(/^\d$/);
      expect(letter.value?.equals(huge.subarray(0, 1024))).toBe(true);
      expect(letter.key).toBe(runId);
    } finally {
      await bus.close();
    }
  });

  /**
   * Three partitions consumed at once. The gate (ApplyInfra) commits first and the test holds its transaction until the
   * two others have queued behind it, so they share the next transaction: RunDco's dead letter (refused by its .dlq
   * topic's small max.message.bytes) and DetectChanges' output.
   */
  async function sharedTransactionWithRefusedDeadLetter(dlqLimit: number) {
    const transactions: string[][] = [];
    let gateOpened: () => void = () => undefined;
    const gateOpen = new Promise<void>((resolve) => (gateOpened = resolve));
    let releaseGate: () => void = () => undefined;
    const gateReleased = new Promise<void>((resolve) => (releaseGate = resolve));
    const giveUp = new Promise<void>((resolve) => setTimeout(resolve, 20_000).unref());
    const kafka = hookTransactions(ns.kafka, (txn) => {
      const sendBatch = txn.sendBatch.bind(txn);
      txn.sendBatch = async (batch) => {
        transactions.push(batch.topicMessages?.map((t) => t.topic.slice(ns.prefix.length)).sort() ?? []);
        if (transactions.length === 1) {
          gateOpened();
          await Promise.race([gateReleased, giveUp]);
        }
        return sendBatch(batch);
      };
    });
    await limitTopic('RunDco.dlq', dlqLimit);

    const runId = 'dco-2026-11-27';
    const poison = fixtureMessage('RunDco', { eventId: randomUUID(), runId } as never);
    const after = fixtureMessage('RunDco', { eventId: randomUUID(), runId } as never);
    const command = fixtureMessage('DetectChanges', { eventId: randomUUID(), runId } as never);
    const gate = fixtureMessage('ApplyInfra', { eventId: randomUUID(), runId } as never);
    // 8 KiB of foreign headers: the full dead letter exceeds the .dlq limit, the truncated one keeps none of them.
    const padding = Object.fromEntries(Array.from({ length: 4 }, (_, i) => [`x-pad-${i}`, 'p'.repeat(1_900)]));
    await ns.produceRaw('RunDco', Buffer.from(JSON.stringify(poison)), runId, padding);
    await ns.produceRaw('RunDco', Buffer.from(JSON.stringify(after)), runId);
    await ns.produceRaw('DetectChanges', Buffer.from(JSON.stringify(command)), runId);
    await ns.produceRaw('ApplyInfra', Buffer.from(JSON.stringify(gate)), runId);

    const parked: string[] = [];
    let pending = 2;
    const bus = ns.bus({
      logger,
      kafka,
      partitionsConsumedConcurrently: 3,
      observer: { onParked: (event) => void parked.push(event.offset) },
    });
    const handled: string[] = [];
    const answer = (type: 'ChangesDetected' | 'InfraApplied', causationId: string): HandlerOutput => ({
      messages: [fixtureMessage(type, { eventId: randomUUID(), runId, causationId } as never)],
    });
    const queued = () => {
      pending -= 1;
      // The chunk reaches the commit queue in microtasks after its handler ends; a macrotask later it is queued.
      if (pending === 0) setImmediate(releaseGate);
    };
    try {
      await bus.subscribe({
        group: `bounds-${randomUUID().slice(0, 8)}`,
        types: ['RunDco', 'DetectChanges', 'ApplyInfra'],
        retry: { attempts: 1, initialDelayMs: 1, maxDelayMs: 1 },
        handler: async (m): Promise<HandlerOutput> => {
          handled.push(m.eventId);
          if (m.type === 'ApplyInfra') return answer('InfraApplied', m.eventId);
          if (m.eventId === after.eventId) return answer('ChangesDetected', m.eventId);
          await Promise.race([gateOpen, giveUp]);
          if (m.eventId === poison.eventId) {
            queued();
            throw new Error('the poison record');
          }
          queued();
          return answer('ChangesDetected', m.eventId);
        },
      });
      const answers = await eventually(
        'answers to the command and to the record after the poison one',
        () => (ns.records('ChangesDetected').length >= 2 ? ns.records('ChangesDetected') : undefined),
        60_000,
      );
      expect(answers.map((r) => JSON.parse(r.value?.toString('utf8') ?? '{}').causationId).sort()).toEqual(
        [command.eventId, after.eventId].sort(),
      );
      // The shared transaction carried the refused dead letter and the other partition's output.
      expect(transactions[1]).toEqual(['ChangesDetected', 'RunDco.dlq']);
      return { poison, parked, handled };
    } finally {
      await bus.close();
    }
  }

  it('stores a refused dead letter truncated, commits the other partition of its shared transaction, and moves on', async () => {
    const { poison, parked } = await sharedTransactionWithRefusedDeadLetter(4_000);
    const [letter] = await eventually(
      'the truncated dead letter',
      () => (ns.records('RunDco.dlq').length > 0 ? ns.records('RunDco.dlq') : undefined),
      30_000,
    );
    expect(letter.headers[HEADERS.dlqCode]).toBe('MSG.HANDLER_FAILED');
    expect(letter.headers[HEADERS.dlqTruncated]).toBe('MSG.DLQ_TRUNCATED');
    expect(letter.headers[HEADERS.eventId]).toBeUndefined(); // produced raw: no dco headers to keep
    expect(letter.headers['x-pad-0']).toBeUndefined();
    expect(letter.value?.toString('utf8')).toBe(JSON.stringify(poison).slice(0, 1024));
    expect(parked).toEqual([]);
    expect(logged.some((l) => l.detail.code === 'MSG.DLQ_TRUNCATED')).toBe(true);
  });

  it('parks a record whose dead letter cannot be written even truncated, with an alert, and moves on', async () => {
    const { parked } = await sharedTransactionWithRefusedDeadLetter(200);
    expect(parked).toEqual(['0']);
    const alert = logged.find((l) => l.detail.code === 'MSG.RECORD_PARKED');
    expect(alert?.level).toBe('error');
    expect(alert?.detail).toEqual(
      expect.objectContaining({
        topic: `${ns.prefix}RunDco`,
        offset: '0',
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      }),
    );
    expect(ns.records('RunDco.dlq')).toEqual([]);
  });
});
