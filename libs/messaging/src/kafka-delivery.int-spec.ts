// Delivery guarantees of the Kafka adapter across OS processes: another process's group, SIGKILL redelivery, atomic outputs.
import { fixtureMessage } from '@dco/contracts';
import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Consumer } from 'kafkajs';
import { eventually } from './message-bus.contract';
import { KafkaMessageBus } from './kafka-message-bus.adapter';
import { KafkaTestNamespace } from './testing/kafka-test-cluster';

const ROOT = join(__dirname, '../../..');
const TIMEOUT = 60_000;

interface MemberEvent {
  event: string;
  eventId?: string;
  pid?: number;
  error?: string;
}

/** A bus member in a child process (libs/messaging/src/testing/bus-member.process.ts). */
class MemberProcess {
  readonly events: MemberEvent[] = [];
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;
  private stderr = '';

  constructor(mode: string, prefix: string, group: string) {
    this.child = spawn(
      process.execPath,
      ['-r', './tools/register.js', 'libs/messaging/src/testing/bus-member.process.ts'],
      {
        cwd: ROOT,
        env: { ...process.env, DCO_TEST_MODE: mode, DCO_TEST_PREFIX: prefix, DCO_TEST_GROUP: group },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let buffer = '';
    this.child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) if (line.startsWith('{')) this.events.push(JSON.parse(line) as MemberEvent);
    });
    this.child.stderr?.on(
      'data',
      (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString('utf8')).slice(-4000)),
    );
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  async waitFor(what: string, match: (event: MemberEvent) => boolean): Promise<MemberEvent> {
    return eventually(
      `${what} (child stderr: ${this.stderr.slice(-500)})`,
      () => {
        const failed = this.events.find((e) => e.event === 'error');
        if (failed) throw new Error(`member failed: ${failed.error}`);
        return this.events.find(match);
      },
      TIMEOUT,
    );
  }

  handled(eventId: string): boolean {
    return this.events.some((e) => e.event === 'handling' && e.eventId === eventId);
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    this.child.kill(signal);
  }
}

describe('Kafka delivery across processes', () => {
  let ns: KafkaTestNamespace;
  const members: MemberProcess[] = [];
  const buses: KafkaMessageBus[] = [];
  const member = (mode: string, group: string) => {
    const created = new MemberProcess(mode, ns.prefix, group);
    members.push(created);
    return created;
  };
  const bus = () => {
    const created = ns.bus({ sessionTimeoutMs: 6_000, transactionTimeoutMs: 3_000 });
    buses.push(created);
    return created;
  };

  beforeEach(async () => {
    ns = await new KafkaTestNamespace(['DetectChanges', 'ChangesDetected']).open();
  });

  afterEach(async () => {
    for (const m of members.splice(0)) m.kill();
    await Promise.all(buses.splice(0).map((b) => b.close()));
    await ns.close();
  });

  it("a message published here is handled by another process's consumer group", async () => {
    const other = member('handle', `cross-${randomUUID().slice(0, 8)}`);
    await other.waitFor('the member to join', (e) => e.event === 'ready');
    const message = fixtureMessage('DetectChanges', { eventId: randomUUID() });
    await bus().publish(message);

    const handled = await other.waitFor(
      'the member to handle it',
      (e) => e.event === 'handling' && e.eventId === message.eventId,
    );
    expect(handled.pid).not.toBe(process.pid);
  });

  it("a SIGKILLed member's uncommitted message is redelivered to another member of the group", async () => {
    const group = `kill-${randomUUID().slice(0, 8)}`;
    const doomed = member('hang', group);
    await doomed.waitFor('the first member to join', (e) => e.event === 'ready');
    const message = fixtureMessage('DetectChanges', { eventId: randomUUID() });
    await bus().publish(message);
    await doomed.waitFor(
      'the first member to start handling',
      (e) => e.event === 'handling' && e.eventId === message.eventId,
    );
    doomed.kill('SIGKILL');
    await doomed.exited;

    const survivor = member('handle', group);
    await survivor.waitFor(
      'the message on the other member',
      (e) => e.event === 'handling' && e.eventId === message.eventId,
    );
    expect(survivor.handled(message.eventId)).toBe(true);
  });

  it('outputs become visible only with the committed offset: a crash before commit leaves nothing for read-committed readers', async () => {
    const group = `atomic-${randomUUID().slice(0, 8)}`;
    const uncommitted = ns.kafka.consumer({
      groupId: `${ns.prefix}uncommitted`,
      readUncommitted: true,
      maxWaitTimeInMs: 250,
    });
    const dirty: string[] = [];
    await startReader(uncommitted, `${ns.prefix}ChangesDetected`, dirty);

    const crashing = member('die-before-commit', group);
    await crashing.waitFor('the member to join', (e) => e.event === 'ready');
    const command = fixtureMessage('DetectChanges', { eventId: randomUUID() });
    await bus().publish(command);
    await crashing.waitFor('the crash inside the transaction', (e) => e.event === 'dying-before-commit');
    await crashing.exited;

    // The answer reached the log (a read-uncommitted reader sees it) but not the read-committed world.
    await eventually(
      'the uncommitted answer',
      () => dirty.some((v) => JSON.parse(v).causationId === command.eventId),
      TIMEOUT,
    );
    expect(ns.records('ChangesDetected')).toEqual([]);

    // Another member takes over: the command is handled again and its answer committed exactly once.
    const survivor = member('produce', group);
    await survivor.waitFor('the redelivery', (e) => e.event === 'handling' && e.eventId === command.eventId);
    const committed = await eventually(
      'the committed answer',
      () => (ns.records('ChangesDetected').length > 0 ? ns.records('ChangesDetected') : undefined),
      TIMEOUT,
    );
    expect(committed).toHaveLength(1);
    expect(JSON.parse(committed[0].value?.toString('utf8') ?? '{}').causationId).toBe(command.eventId);
    expect(dirty.length).toBe(2);
    await uncommitted.disconnect();
  });

  it('a crash before the commit of a multi-record chunk redelivers the whole chunk; every answer is committed exactly once', async () => {
    const group = `atomic-batch-${randomUUID().slice(0, 8)}`;
    const crashing = member('die-before-commit', group);
    await crashing.waitFor('the member to join', (e) => e.event === 'ready');
    const commands = Array.from({ length: 20 }, () => fixtureMessage('DetectChanges', { eventId: randomUUID() }));
    await bus().publish(...commands);
    await crashing.waitFor('the crash inside the transaction', (e) => e.event === 'dying-before-commit');
    await crashing.exited;
    const inDeadChunk = commands.filter((c) => crashing.handled(c.eventId));
    expect(inDeadChunk.length).toBeGreaterThan(1);
    expect(ns.records('ChangesDetected')).toEqual([]);

    const survivor = member('produce', group);
    const committed = await eventually(
      'every committed answer',
      () => (ns.records('ChangesDetected').length >= commands.length ? ns.records('ChangesDetected') : undefined),
      TIMEOUT,
    );
    for (const command of inDeadChunk) expect(survivor.handled(command.eventId)).toBe(true);
    expect(committed.map((r) => JSON.parse(r.value?.toString('utf8') ?? '{}').causationId)).toEqual(
      commands.map((c) => c.eventId),
    );
  });

  it('a handler running longer than the session timeout keeps its member in the group: handled once', async () => {
    const group = `slow-${randomUUID().slice(0, 8)}`;
    const handling: string[] = [];
    const slowMember = () => {
      const b = ns.bus({ sessionTimeoutMs: 6_000, heartbeatIntervalMs: 1_000 });
      buses.push(b);
      return b.subscribe({
        group,
        types: ['DetectChanges'],
        handler: async (message) => {
          handling.push(message.eventId);
          // Longer than the session timeout; a timer-based wait, not a sleep in the test's own flow.
          await new Promise((resolve) => setTimeout(resolve, 9_000));
          return {
            messages: [fixtureMessage('ChangesDetected', { eventId: randomUUID(), causationId: message.eventId })],
          };
        },
      });
    };
    await slowMember();
    await slowMember();
    const command = fixtureMessage('DetectChanges', { eventId: randomUUID() });
    await bus().publish(command);

    await eventually('the committed answer', () => ns.records('ChangesDetected').length === 1, TIMEOUT);
    expect(handling).toEqual([command.eventId]);
  });

  it('a SIGTERM lets the member finish and commit: a new member does not get the message again', async () => {
    const group = `term-${randomUUID().slice(0, 8)}`;
    const first = member('produce', group);
    await first.waitFor('the member to join', (e) => e.event === 'ready');
    const command = fixtureMessage('DetectChanges', { eventId: randomUUID() });
    await bus().publish(command);
    await eventually('the committed answer', () => ns.records('ChangesDetected').length === 1, TIMEOUT);
    first.kill('SIGTERM');
    await first.waitFor('a clean close', (e) => e.event === 'closed');
    expect(await first.exited).toBe(0);

    const marker = fixtureMessage('DetectChanges', { eventId: randomUUID() });
    const second = member('produce', group);
    await second.waitFor('the member to join', (e) => e.event === 'ready');
    await bus().publish(marker);
    await second.waitFor('the marker', (e) => e.event === 'handling' && e.eventId === marker.eventId);
    await eventually('the answer to the marker', () => ns.records('ChangesDetected').length >= 2, TIMEOUT);
    expect(second.handled(command.eventId)).toBe(false);
    expect(ns.records('ChangesDetected')).toHaveLength(2);
  });
});

async function startReader(consumer: Consumer, topic: string, into: string[]): Promise<void> {
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const joined = new Promise<void>((resolve) => {
    const remove = consumer.on(consumer.events.GROUP_JOIN, () => {
      remove();
      resolve();
    });
  });
  await consumer.run({ eachMessage: async ({ message }) => void into.push(message.value?.toString('utf8') ?? '') });
  await joined;
}
