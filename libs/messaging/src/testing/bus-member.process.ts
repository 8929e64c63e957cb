// A consumer-group member in its own OS process, driven by the delivery int-spec; reports what it does as JSON lines.
import 'reflect-metadata';
import { createMessage } from '@dco/contracts';
import { Kafka } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { KafkaMessageBus } from '../kafka-message-bus.adapter';
import { HandlerOutput } from '../message-bus.port';
import { testBrokers } from './kafka-test-cluster';
import { hookTransactions } from './transaction-hook';

/**
 * DCO_TEST_MODE:
 *  - handle: handle each DetectChanges (no output)
 *  - produce: answer each DetectChanges with a ChangesDetected (written in the transaction with the offset)
 *  - hang: report the message and never finish handling it (the test kills the process)
 *  - die-before-commit: like produce, but the process kills itself once outputs and offsets are in the open
 *    transaction, right before its commit: the fault a crash at the worst moment would cause
 */
type Mode = 'handle' | 'produce' | 'hang' | 'die-before-commit';

function report(event: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

/** A client whose transactional producers SIGKILL this process instead of committing (fault injected from outside the adapter). */
function kafkaThatDiesBeforeCommit(): Kafka {
  return hookTransactions(new Kafka({ clientId: 'bus-member', brokers: testBrokers() }), (txn) => {
    txn.commit = async () => {
      report({ event: 'dying-before-commit' });
      process.kill(process.pid, 'SIGKILL');
      await new Promise(() => undefined);
    };
  });
}

async function main(): Promise<void> {
  const mode = env('DCO_TEST_MODE') as Mode;
  const bus = new KafkaMessageBus({
    brokers: testBrokers(),
    clientId: 'bus-member',
    topicPrefix: env('DCO_TEST_PREFIX'),
    partitions: 3,
    sessionTimeoutMs: 6_000,
    heartbeatIntervalMs: 1_000,
    maxWaitTimeMs: 250,
    transactionTimeoutMs: 3_000,
    logLevel: 'error',
    ...(mode === 'die-before-commit' ? { kafka: kafkaThatDiesBeforeCommit() } : {}),
  });
  await bus.subscribe({
    group: env('DCO_TEST_GROUP'),
    types: ['DetectChanges'],
    handler: async (message): Promise<HandlerOutput | void> => {
      report({ event: 'handling', eventId: message.eventId, pid: process.pid });
      if (mode === 'hang') await new Promise(() => undefined);
      if (mode === 'handle') return;
      const answer = createMessage(
        'ChangesDetected',
        { day: message.runId.slice(4, 14), changes: [], sources: [] },
        { runId: message.runId, producer: 'detector', causedBy: message },
        { clock: { now: () => new Date() }, ids: { next: () => randomUUID() } },
      );
      return { messages: [answer] };
    },
  });
  report({ event: 'ready', pid: process.pid });
  process.on('SIGTERM', () => {
    void bus.close().then(() => {
      report({ event: 'closed' });
      process.exit(0);
    });
  });
}

main().catch((error: unknown) => {
  report({ event: 'error', error: String(error) });
  process.exit(1);
});
