// The orchestrator-loss drill's victim, a process of its own: commits run snapshots to the drill's SagaState topic one
// transaction each, as the orchestrator does, and prints `acked <runId>` after each commit until it is killed.
import 'reflect-metadata';
import { Kafka, logLevel } from 'kafkajs';
import { kafkaSecurityConfig } from '@dco/messaging';
import { kafkaSecurity, loadConfig } from '@dco/platform';
import { runIdOf } from '@dco/contracts';
import { RunState } from '@dco/saga';
import { KafkaSagaStore } from '../../../orchestrator/src';
import { DrillConfig } from './drill.config';

/** A finished run of a far-future day: a snapshot the saga's codec reads like any other. */
export function drillRunOf(index: number): RunState {
  const day = new Date(Date.UTC(2100, 0, 1) + index * 86_400_000).toISOString().slice(0, 10);
  const at = new Date().toISOString();
  return {
    runId: runIdOf(day),
    day,
    trigger: 'schedule',
    status: 'Completed',
    startedAt: at,
    updatedAt: at,
    version: 1,
    dcoDeadline: at,
    changes: [],
    plan: { infra: false },
    deferred: [],
    timeline: [],
    touched: [],
    compensations: [],
    rolledBack: [],
    approvals: [],
    alerts: [],
    attempts: {},
    dcoAfterRollback: false,
  };
}

export const WRITER_ENV = { prefix: 'DCO_DRILL_WRITER_PREFIX', transactionalId: 'DCO_DRILL_WRITER_TRANSACTIONAL_ID' };

async function main(): Promise<void> {
  const config = loadConfig(DrillConfig, process.env);
  const prefix = process.env[WRITER_ENV.prefix] ?? '';
  const transactionalId = process.env[WRITER_ENV.transactionalId] ?? '';
  if (!/^dr-drill-[a-z0-9]{8}\.$/.test(prefix) || !transactionalId.startsWith(prefix))
    throw new Error('the drill writer runs only on a drill topic prefix (dr-drill-<id>.)');
  const security = kafkaSecurity(config);
  const brokers = config.KAFKA_BROKERS.split(',');
  const store = new KafkaSagaStore({
    brokers,
    clientId: 'dr-drill-writer',
    security,
    namespace: 'dr-drill',
    partitions: 3,
  });
  const kafka = new Kafka({
    clientId: 'dr-drill-writer',
    brokers,
    ...kafkaSecurityConfig(security),
    logLevel: logLevel.NOTHING,
  });
  const producer = kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  for (let index = 0; ; index += 1) {
    const state = drillRunOf(index);
    const record = store.recordOf(state);
    const transaction = await producer.transaction();
    await transaction.send({ topic: `${prefix}${record.topic}`, messages: [{ key: record.key, value: record.value }] });
    await transaction.commit();
    process.stdout.write(`acked ${state.runId}\n`);
  }
}

if (require.main === module)
  main().catch((error: unknown) => {
    process.stderr.write(`drill writer: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
