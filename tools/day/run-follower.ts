// Follows a day live: a read-committed consumer on every topic of the scenario's namespace prints each message as a
// line (stage, progress, result; formatLine of the embedded console) and keeps them for the faults and the report.
import { Kafka, logLevel } from 'kafkajs';
import { ALL_MESSAGE_TYPES, AnyMessage, MessageType } from '@dco/contracts';
import { KafkaMessageBus } from '@dco/messaging';
import { WaitTimeoutError } from '@dco/probes';
import { FINAL_TYPES, formatLine } from '../../apps/embedded/src';
import { DayWorkspace } from './day-workspace';

type Listener = (message: AnyMessage) => void;

/** How long a command may trail its run's final message across topics. */
const LATE_DELIVERY_MS = 10_000;

const isFinalType = (type: string) => (FINAL_TYPES as readonly string[]).includes(type);

export class RunFollower {
  readonly seen: AnyMessage[] = [];
  private readonly listeners = new Set<Listener>();
  private readonly printed = new Set<string>();
  private stopSubscription?: () => Promise<void>;

  private constructor(
    private readonly bus: KafkaMessageBus,
    private readonly print: (line: string) => void,
  ) {}

  /** Creates the namespace's topics (the services find them ready) and starts following from the beginning. */
  static async start(ws: DayWorkspace, print: (line: string) => void): Promise<RunFollower> {
    const bus = new KafkaMessageBus({
      brokers: ws.endpoints.kafkaBrokers.split(','),
      clientId: `${ws.namespace}-follower`,
      topicPrefix: ws.topicPrefix,
      namespace: ws.namespace,
      partitions: 3,
      // Leader elections of the freshly created topics are expected noise here; the services log their own.
      logger: () => undefined,
    });
    const follower = new RunFollower(bus, print);
    await bus.ensureTopics(ALL_MESSAGE_TYPES);
    const handle = await bus.subscribe({
      group: 'day-follower',
      types: ALL_MESSAGE_TYPES,
      fromBeginning: true,
      handler: async (message) => follower.receive(message),
    });
    follower.stopSubscription = () => handle.stop();
    return follower;
  }

  private receive(message: AnyMessage): void {
    this.seen.push(message);
    // A redelivered record (same eventId) is shown once.
    if (!this.printed.has(message.eventId)) {
      this.printed.add(message.eventId);
      const line = formatLine(message);
      if (line) this.print(line);
    }
    for (const listener of this.listeners) listener(message);
  }

  /** Resolves with the first message (seen before or after the call) that matches. */
  waitFor(match: (message: AnyMessage) => boolean, what: string, timeoutMs: number): Promise<AnyMessage> {
    const found = this.seen.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new WaitTimeoutError(what, timeoutMs));
      }, timeoutMs);
      const listener: Listener = (message) => {
        if (!match(message)) return;
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolve(message);
      };
      this.listeners.add(listener);
    });
  }

  /**
   * The first `type` of the run; fails at once when the run ends without one (its final message says how), instead of
   * waiting out the timeout for a command that can no longer come.
   */
  async waitForType(runId: string, type: MessageType, timeoutMs: number): Promise<AnyMessage> {
    const wanted = (message: AnyMessage) => message.runId === runId && message.type === type;
    if (isFinalType(type)) return this.waitFor(wanted, `${type} of ${runId}`, timeoutMs);
    const message = await this.waitFor(
      (m) => wanted(m) || (m.runId === runId && isFinalType(m.type)),
      `${type} of ${runId}`,
      timeoutMs,
    );
    if (wanted(message)) return message;
    // Topics are read side by side, not in one order: the command may still be on its way behind the run's end.
    const late = await this.waitFor(wanted, `${type} of ${runId}`, LATE_DELIVERY_MS).catch(() => undefined);
    if (late) return late;
    throw new Error(`${runId} ended (${message.type}) without ${type}: ${JSON.stringify(message.data).slice(0, 500)}`);
  }

  waitForFinal(runId: string, timeoutMs: number): Promise<AnyMessage> {
    return this.waitFor(
      (message) => message.runId === runId && isFinalType(message.type),
      `the end of ${runId}`,
      timeoutMs,
    );
  }

  /** Distinct messages (by eventId) of a type for a run. */
  distinct(runId: string, type: MessageType): AnyMessage[] {
    return [
      ...new Map(this.seen.filter((m) => m.runId === runId && m.type === type).map((m) => [m.eventId, m])).values(),
    ];
  }

  async stop(): Promise<void> {
    await this.stopSubscription?.().catch(() => undefined);
    await this.bus.close().catch(() => undefined);
  }

  /** Deletes the namespace's topics (teardown of a finished scenario). */
  static async deleteTopics(ws: DayWorkspace): Promise<void> {
    const admin = new Kafka({
      clientId: `${ws.namespace}-cleanup`,
      brokers: ws.endpoints.kafkaBrokers.split(','),
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    try {
      const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(ws.topicPrefix));
      if (topics.length > 0) await admin.deleteTopics({ topics });
    } finally {
      await admin.disconnect();
    }
  }
}
