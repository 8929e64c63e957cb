// Drill `orchestrator-loss`: an orchestrator writes run snapshots as it commits them, is lost with its memory mid-transaction,
// and a fresh one recovers every acknowledged run from the compacted SagaState topic (on a private topic of the drill).
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Producer } from 'kafkajs';
import { KafkaSecurity, kafkaSecurityConfig } from '@dco/messaging';
import { RunState } from '@dco/saga';
import { KafkaSagaStore } from '../../../orchestrator/src';
import { DrillObservation } from './drill.model';

export interface OrchestratorLossOptions {
  brokers: string[];
  security?: KafkaSecurity;
  /** Run snapshots committed before the loss. */
  writes?: number;
  now?: () => number;
}

/** A finished run of a far-future day: a snapshot the saga's codec reads like any other. */
function runOf(index: number): RunState {
  const day = new Date(Date.UTC(2100, 0, 1) + index * 86_400_000).toISOString().slice(0, 10);
  const at = new Date().toISOString();
  return {
    runId: `dco-${day}`,
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

export async function orchestratorLossDrill(options: OrchestratorLossOptions): Promise<DrillObservation> {
  const now = options.now ?? (() => performance.now());
  const writes = options.writes ?? 50;
  const drillId = randomUUID().slice(0, 8);
  const topicPrefix = `dr-drill-${drillId}.`;
  const store = (clientId: string) =>
    new KafkaSagaStore({
      brokers: options.brokers,
      clientId,
      security: options.security,
      namespace: `dr-drill-${drillId}`,
      topicPrefix,
      partitions: 3,
      loadTimeoutMs: 60_000,
    });
  const kafka = new Kafka({
    clientId: `dr-drill-${drillId}`,
    brokers: options.brokers,
    ...kafkaSecurityConfig(options.security),
    logLevel: logLevel.NOTHING,
  });
  const transactionalId = `dr-drill-${drillId}.orchestrator`;
  const producerOf = async (): Promise<Producer> => {
    const producer = kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    return producer;
  };
  const admin = kafka.admin();
  await admin.connect();
  try {
    const lost = store('orchestrator');
    await lost.loadAll(); // creates the compacted topic the way the orchestrator does at start
    const producer = await producerOf();
    const acknowledged: string[] = [];
    const send = async (state: RunState) => {
      const transaction = await producer.transaction();
      const record = lost.recordOf(state);
      await transaction.send({
        topic: `${topicPrefix}${record.topic}`,
        messages: [{ key: record.key, value: record.value }],
      });
      return transaction;
    };
    for (let index = 0; index < writes; index += 1) {
      const transaction = await send(runOf(index));
      await transaction.commit();
      acknowledged.push(runOf(index).runId);
    }
    // Baseline: a standby-style load of the same topic while the orchestrator is healthy.
    const baselineStarted = now();
    await store('orchestrator-baseline').loadAll();
    const baselineMs = now() - baselineStarted;

    // The loss: a snapshot is in an open transaction when the process and its memory vanish (never committed, never acked).
    await send(runOf(writes));
    const lossAtMs = now();
    await producer.disconnect();

    // Recovery: a fresh process with the same transactional id fences the lost one, then loads every run.
    const fresh = await producerOf();
    const recovered = (await store('orchestrator').loadAll()).map((state) => state.runId);
    const servingAtMs = now();
    await fresh.disconnect();
    return {
      kind: 'orchestrator-loss',
      lossAtMs,
      servingAtMs,
      acknowledged,
      covered: acknowledged,
      recovered,
      baselineMs,
      parameters: { run_snapshots: writes, in_flight_at_loss: 1 },
    };
  } finally {
    await admin.deleteTopics({ topics: [`${topicPrefix}SagaState`] }).catch(() => undefined);
    await admin.disconnect();
  }
}
