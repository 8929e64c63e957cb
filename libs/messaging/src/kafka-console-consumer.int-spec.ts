// Kafka's own console consumer (stack component kafka-tools) reads what the KafkaMessageBus writes, as an operator would:
// keys and the envelope headers print, and read_committed shows exactly the committed transactions' records, while the
// records of a transaction the adapter aborted are in the log (read_uncommitted shows them) but never reach it.
import { createMessage, fixtureMessage } from '@dco/contracts';
import { randomUUID } from 'node:crypto';
import { runTool, standardTools, waitFor } from '@dco/testing';
import { KafkaMessageBus } from './kafka-message-bus.adapter';
import { HandlerOutput, HEADERS } from './message-bus.port';
import { KafkaTestNamespace, testBrokers, testKafka } from './testing/kafka-test-cluster';
import { hookTransactions } from './testing/transaction-hook';

jest.setTimeout(180_000);

const TRACEPARENT = '00-0123456789abcdef0123456789abcdef-0123456789abcdef-01';
const RUNS = ['dco-2026-12-01', 'dco-2026-12-02', 'dco-2026-12-03'];

interface ConsoleRecord {
  headers: Record<string, string>;
  key: string;
  value: string;
}

/** Lines of `--property print.headers=true --property print.key=true`: `h1:v1,h2:v2<TAB>key<TAB>value`. */
function parseConsoleOutput(stdout: string): ConsoleRecord[] {
  return stdout
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => {
      const [headers, key, ...value] = line.split('\t');
      return {
        headers: Object.fromEntries(
          headers === 'NO_HEADERS'
            ? []
            : headers
                .split(',')
                .map((header) => [header.slice(0, header.indexOf(':')), header.slice(header.indexOf(':') + 1)]),
        ),
        key,
        value: value.join('\t'),
      };
    });
}

describe("Kafka's console consumer on topics the KafkaMessageBus wrote", () => {
  let ns: KafkaTestNamespace;
  let bus: KafkaMessageBus;
  /** Event ids of the outputs, by what became of their transaction, with their keys (runIds). */
  const committed: string[] = [];
  const aborted: string[] = [];
  const committedKeys = new Set<string>();

  /** Every record `count` records into the topic, read by kafka-console-consumer from the beginning. */
  async function consoleConsume(topic: string, isolation: 'read_committed' | 'read_uncommitted', count: number) {
    const run = await runTool(standardTools().kafkaConsoleConsumer, [
      '--bootstrap-server',
      testBrokers().join(','),
      '--topic',
      `${ns.prefix}${topic}`,
      '--from-beginning',
      '--isolation-level',
      isolation,
      '--max-messages',
      String(count),
      '--timeout-ms',
      '60000',
      '--group',
      `${ns.prefix}console-${isolation}-${randomUUID().slice(0, 8)}`,
      '--consumer-property',
      'enable.auto.commit=false',
      '--property',
      'print.key=true',
      '--property',
      'print.headers=true',
    ]);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    expect(run.stderr).toContain(`Processed a total of ${count} messages`);
    return parseConsoleOutput(run.stdout);
  }

  beforeAll(async () => {
    ns = await new KafkaTestNamespace(['DetectChanges', 'ChangesDetected'], 1).open();
    // The adapter's transactional producers, watched from outside: which event ids each transaction carried, and the
    // first transaction's commit fails, so the adapter aborts it and the consumed messages are handled again.
    let transactions = 0;
    const kafka = hookTransactions(testKafka('dco-console-consumer-spec'), (txn) => {
      transactions += 1;
      const failing = transactions === 1;
      const sent: Array<{ eventId: string; key: string }> = [];
      const sendBatch = txn.sendBatch.bind(txn);
      txn.sendBatch = async (batch) => {
        for (const { messages } of batch.topicMessages ?? [])
          for (const message of messages)
            sent.push({ eventId: String(message.headers?.[HEADERS.eventId] ?? ''), key: String(message.key ?? '') });
        return sendBatch(batch);
      };
      const commit = txn.commit.bind(txn);
      txn.commit = async () => {
        if (failing) {
          aborted.push(...sent.map((record) => record.eventId));
          throw new Error('injected: the first commit fails');
        }
        await commit();
        committed.push(...sent.map((record) => record.eventId));
        for (const record of sent) committedKeys.add(record.key);
      };
    });
    bus = ns.bus({ kafka });
    await bus.subscribe({
      group: 'console-consumer-spec',
      types: ['DetectChanges'],
      handler: async (message): Promise<HandlerOutput> => ({
        messages: [
          createMessage(
            'ChangesDetected',
            { day: message.runId.slice(4, 14), changes: [], sources: [] },
            { runId: message.runId, producer: 'detector', causedBy: message },
            { clock: { now: () => new Date() }, ids: { next: () => randomUUID() } },
          ),
        ],
      }),
    });
    await bus.publish(
      ...RUNS.map((runId) =>
        fixtureMessage('DetectChanges', { runId, eventId: randomUUID(), traceparent: TRACEPARENT }),
      ),
    );
    await waitFor(() => RUNS.every((runId) => committedKeys.has(runId)), {
      timeoutMs: 90_000,
      description: 'a committed ChangesDetected for every run',
    });
  });

  afterAll(async () => {
    await bus?.close();
    await ns?.close();
  });

  it('prints the published messages with the runId as key and the envelope headers', async () => {
    const records = await consoleConsume('DetectChanges', 'read_committed', RUNS.length);
    expect(records.map((record) => record.key).sort()).toEqual(RUNS);
    for (const record of records) {
      const envelope = JSON.parse(record.value) as { eventId: string; runId: string; type: string };
      expect(envelope).toMatchObject({ type: 'DetectChanges', runId: record.key });
      expect(record.headers).toEqual({
        [HEADERS.type]: 'DetectChanges',
        [HEADERS.eventId]: envelope.eventId,
        [HEADERS.traceparent]: TRACEPARENT,
      });
    }
  });

  it('with read_committed prints exactly the committed outputs, none of the aborted transaction', async () => {
    expect(aborted.length).toBeGreaterThan(0);
    const records = await consoleConsume('ChangesDetected', 'read_committed', committed.length);
    expect(records.map((record) => record.headers[HEADERS.eventId]).sort()).toEqual([...committed].sort());
    expect(records.map((record) => record.key).sort()).toEqual(RUNS);
    for (const record of records) {
      const envelope = JSON.parse(record.value) as { eventId: string; runId: string };
      expect(envelope).toMatchObject({ type: 'ChangesDetected', runId: record.key });
      expect(record.headers).toEqual({
        [HEADERS.type]: 'ChangesDetected',
        [HEADERS.eventId]: envelope.eventId,
        [HEADERS.traceparent]: TRACEPARENT,
      });
    }
  });

  it('with read_uncommitted also prints the aborted records: they are in the log, the isolation level keeps them out', async () => {
    const records = await consoleConsume('ChangesDetected', 'read_uncommitted', committed.length + aborted.length);
    expect(records.map((record) => record.headers[HEADERS.eventId]).sort()).toEqual([...committed, ...aborted].sort());
  });
});
