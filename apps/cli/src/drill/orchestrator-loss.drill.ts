// Drill `orchestrator-loss`: a process writing run snapshots as the orchestrator commits them is killed -9 (its memory
// and any open transaction with it), and a fresh store recovers every acknowledged run from the compacted SagaState topic
// (a private topic of the drill).
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { Kafka, logLevel } from 'kafkajs';
import { KafkaSecurity, kafkaSecurityConfig } from '@dco/messaging';
import { waitFor } from '@dco/probes';
import { KafkaSagaStore } from '../../../orchestrator/src';
import { DrillObservation } from './drill.model';
import { WRITER_ENV } from './orchestrator-loss.writer';

export interface OrchestratorLossOptions {
  brokers: string[];
  security?: KafkaSecurity;
  /** Run snapshots acknowledged before the loss (at least). */
  writes?: number;
  now?: () => number;
}

export async function orchestratorLossDrill(options: OrchestratorLossOptions): Promise<DrillObservation> {
  const now = options.now ?? (() => performance.now());
  const writes = options.writes ?? 50;
  const drillId = randomUUID().replace(/-/g, '').slice(0, 8);
  const topicPrefix = `dr-drill-${drillId}.`;
  const transactionalId = `${topicPrefix}orchestrator`;
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
  const admin = kafka.admin();
  await admin.connect();
  try {
    await store('orchestrator').loadAll(); // creates the compacted topic the way the orchestrator does at start
    // The victim runs under this process's loader (the CLI runs its TypeScript sources).
    const writer = spawn(process.execPath, [...process.execArgv, require.resolve('./orchestrator-loss.writer')], {
      env: { ...process.env, [WRITER_ENV.prefix]: topicPrefix, [WRITER_ENV.transactionalId]: transactionalId },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const acknowledged: string[] = [];
    const exited = new Promise<void>((resolve) => writer.on('close', () => resolve()));
    createInterface({ input: writer.stdout }).on('line', (line) => {
      const match = /^acked (\S+)$/.exec(line);
      if (match) acknowledged.push(match[1]);
    });
    await waitFor(() => acknowledged.length >= writes || writer.exitCode !== null, {
      description: `${writes} acknowledged run snapshots`,
      timeoutMs: 120_000,
      intervalMs: 20,
    });
    if (writer.exitCode !== null) throw new Error(`the drill's writer exited with status ${writer.exitCode}`);
    // Baseline: a standby-style load of the same topic while the writer is healthy.
    const baselineStarted = now();
    await store('orchestrator-baseline').loadAll();
    const baselineMs = now() - baselineStarted;

    // The loss: kill -9 mid-stream; every ack it printed before dying still counts (read to the pipe's end).
    const lossAtMs = now();
    writer.kill('SIGKILL');
    await exited;

    // Recovery: a fresh process with the same transactional id fences the lost one (aborting its open transaction),
    // then loads every run.
    const fresh = kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1 });
    await fresh.connect();
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
      parameters: { run_snapshots_acknowledged: acknowledged.length },
    };
  } finally {
    await admin.deleteTopics({ topics: [`${topicPrefix}SagaState`] }).catch(() => undefined);
    await admin.disconnect();
  }
}
