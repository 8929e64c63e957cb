// Benchmark "saga": a full daily run (tick, detect, apply infra, migrate db, DCO, completed) through the real orchestrator
// saga code and Kafka transactions, with instant in-process workers; hop latency per message (runs one at a time),
// sustained runs per second (a burst of many runs over many partitions), next to a raw kafkajs request/reply round trip
// measured in the same run on the same broker.
import 'reflect-metadata';
import { AnyMessage, DataOf, MessageType, createMessage, runIdOf, systemClock } from '@dco/contracts';
import { HandlerOutput, KafkaMessageBus, maxUncommittedRecords } from '@dco/messaging';
import { uuidGenerator } from '@dco/platform';
import { DEFAULT_POLICY, SAGA_INPUT_TYPES } from '@dco/saga';
import { waitFor } from '@dco/probes';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { KafkaSagaStore } from '../apps/orchestrator/src/run-saga/kafka-saga-store.adapter';
import { RunRegistry } from '../apps/orchestrator/src/run-saga/run-registry';
import { DEFAULT_REMEMBERED_OUTPUTS, SagaHandler } from '../apps/orchestrator/src/run-saga/saga.handler';
import { createTopicsAndWait } from '../libs/messaging/src/kafka-topics';
import { testBrokers } from '../libs/messaging/src/testing/kafka-test-cluster';
import { BenchResult, benchResult, percentile, progress, round } from './support/result';

const SEQUENTIAL_RUNS = Number(process.env.DCO_BENCH_SAGA_RUNS ?? 20);
/** Runs started at once for the throughput phase: enough that batches fill and the rate is sustained, not a ramp. */
const CONCURRENT_RUNS = Number(process.env.DCO_BENCH_SAGA_CONCURRENT ?? 1000);
const RAW_SAMPLES = Number(process.env.DCO_BENCH_RAW_SAMPLES ?? 100);
const PARTITIONS = Number(process.env.DCO_BENCH_SAGA_PARTITIONS ?? 12);
/** Partitions each consumer (orchestrator, workers) handles at the same time; their chunks share transactions. */
const CONCURRENCY = Number(process.env.DCO_BENCH_SAGA_CONCURRENCY ?? PARTITIONS);
const MAX_WAIT_MS = 100;
/** Ticks per publish call in the burst (one produce request each). */
const TICK_CHUNK = 250;

const brokers = testBrokers();
const prefix = `bench-saga-${randomUUID().slice(0, 8)}.`;
const ids = uuidGenerator;
const clock = systemClock;

const CHANGES = [
  { kind: 'terraform-config', subject: 'infra', from: 'a', to: 'b', risk: 'low', reason: 'config changed' },
  { kind: 'neo4j-ami', subject: 'neo4j', from: 'ami-1', to: 'ami-2', risk: 'medium', reason: 'newer AMI' },
] as const;

/** What each instant worker answers. */
function outcomeOf(command: AnyMessage): { type: MessageType; data: object } | undefined {
  switch (command.type) {
    case 'DetectChanges':
      return { type: 'ChangesDetected', data: { day: command.data.day, changes: CHANGES, sources: [] } };
    case 'ApplyInfra':
      return {
        type: 'InfraApplied',
        data: { plan: { planId: 'p', adds: 1, changes: 0, destroys: 0, replaced: [] }, services: [], configHash: 'h' },
      };
    case 'MigrateDb':
      return {
        type: 'DbMigrated',
        data: {
          fromInstanceId: 'i-b',
          toInstanceId: 'i-g',
          fromVersion: '5.20.0',
          toVersion: '5.26.19',
          boltUri: 'bolt://x',
          nodes: 0,
          relationships: 0,
          checksum: 'c',
        },
      };
    case 'RunDco':
      return {
        type: 'DcoCompleted',
        data: {
          day: command.data.day,
          offeringId: `o-${command.data.day}`,
          offered: '0',
          allocated: '0',
          undistributed: '0',
          allocationCount: 0,
          contributionCount: 0,
          resultHash: 'a'.repeat(64),
          reused: false,
        },
      };
    default:
      return undefined;
  }
}

/** Distinct future days, so that runs never collide and the DCO deadline leaves room for every stage. */
function days(count: number, offset: number): string[] {
  return Array.from({ length: count }, (_, i) =>
    new Date(Date.UTC(2060, 0, 1) + (offset + i) * 86_400_000).toISOString().slice(0, 10),
  );
}

interface SagaRig {
  hops: number[];
  completed: Map<string, number>;
  tick(...days: string[]): Promise<void>;
  close(): Promise<void>;
}

async function sagaRig(): Promise<SagaRig> {
  const options = {
    brokers,
    topicPrefix: prefix,
    partitions: PARTITIONS,
    partitionsConsumedConcurrently: CONCURRENCY,
    logLevel: 'error' as const,
    maxWaitTimeMs: MAX_WAIT_MS,
    namespace: 'bench',
  };
  const orchestratorBus = new KafkaMessageBus({ ...options, clientId: 'bench-orchestrator' });
  const workerBus = new KafkaMessageBus({ ...options, clientId: 'bench-workers' });
  const observerBus = new KafkaMessageBus({ ...options, clientId: 'bench-observer' });
  const store = new KafkaSagaStore({
    brokers,
    clientId: 'bench',
    namespace: 'bench',
    topicPrefix: prefix,
    partitions: PARTITIONS,
  });
  const registry = new RunRegistry();
  registry.load(await store.loadAll());
  const remembered = Math.max(
    DEFAULT_REMEMBERED_OUTPUTS,
    2 * maxUncommittedRecords({ partitionsConsumedConcurrently: CONCURRENCY }),
  );
  // The burst's days run side by side (with `all` each would wait for the day before it: ADR 0023).
  const policy = { ...DEFAULT_POLICY, catchUp: { ...DEFAULT_POLICY.catchUp, policy: 'last' as const } };
  const handler = new SagaHandler(registry, store, policy, clock, ids, undefined, remembered);
  const hops: number[] = [];
  const completed = new Map<string, number>();
  const hop = (message: AnyMessage) => hops.push(Date.now() - Date.parse(message.occurredAt));
  const commands: MessageType[] = ['DetectChanges', 'ApplyInfra', 'MigrateDb', 'RunDco'];
  await orchestratorBus.ensureTopics([
    ...SAGA_INPUT_TYPES,
    ...commands,
    'RunStarted',
    'RunCompleted',
    'AlertRaised',
    'ApprovalRequested',
  ]);

  await orchestratorBus.subscribe({
    group: 'orchestrator',
    types: SAGA_INPUT_TYPES,
    handler: async (message) => {
      hop(message);
      return handler.handle(message);
    },
  });
  await workerBus.subscribe({
    group: 'workers',
    types: commands,
    handler: async (command): Promise<HandlerOutput> => {
      hop(command);
      const answer = outcomeOf(command);
      if (!answer) return {};
      return {
        messages: [
          createMessage(
            answer.type,
            answer.data as DataOf<MessageType>,
            { runId: command.runId, producer: 'detector', causedBy: command },
            { clock, ids },
          ),
        ],
      };
    },
  });
  await observerBus.subscribe({
    group: 'observer',
    types: ['RunCompleted'],
    handler: async (message) => {
      hop(message);
      completed.set(message.runId, performance.now());
    },
  });
  return {
    hops,
    completed,
    tick: (...ticked) =>
      orchestratorBus.publish(
        ...ticked.map((day) =>
          createMessage(
            'DailyTick',
            { day, trigger: 'manual', scheduledAt: new Date().toISOString() },
            { runId: runIdOf(day), producer: 'scheduler' },
            { clock, ids },
          ),
        ),
      ),
    close: async () => {
      await Promise.all([orchestratorBus.close(), workerBus.close(), observerBus.close()]);
    },
  };
}

async function waitUntil(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  await waitFor(check, { description: what, timeoutMs, intervalMs: 5 });
}

/** Raw kafkajs request/reply: produce a ping, a consumer answers with a pong, the requester sees it. No transactions. */
async function rawRoundTrips(samples: number): Promise<number[]> {
  const kafka = new Kafka({ clientId: 'bench-raw', brokers, logLevel: logLevel.NOTHING });
  const ping = `${prefix}raw-ping`;
  const pong = `${prefix}raw-pong`;
  const admin = kafka.admin();
  await admin.connect();
  await createTopicsAndWait(
    admin,
    [ping, pong].map((topic) => ({ topic, numPartitions: PARTITIONS, replicationFactor: 1 })),
  );
  await admin.disconnect();
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  const responder = kafka.consumer({ groupId: `${prefix}raw-responder`, maxWaitTimeInMs: MAX_WAIT_MS });
  const requester = kafka.consumer({ groupId: `${prefix}raw-requester`, maxWaitTimeInMs: MAX_WAIT_MS });
  await Promise.all([producer.connect(), responder.connect(), requester.connect()]);
  const joined = (consumer: typeof responder) =>
    new Promise<void>((resolve) => {
      const remove = consumer.on(consumer.events.GROUP_JOIN, () => {
        remove();
        resolve();
      });
    });
  await responder.subscribe({ topics: [ping], fromBeginning: true });
  await requester.subscribe({ topics: [pong], fromBeginning: true });
  const pending = new Map<string, () => void>();
  const joinedBoth = Promise.all([joined(responder), joined(requester)]);
  await responder.run({
    eachMessage: async ({ message }) =>
      void (await producer.send({ topic: pong, acks: -1, messages: [{ key: message.key, value: message.value }] })),
  });
  await requester.run({ eachMessage: async ({ message }) => pending.get(String(message.value))?.() });
  await joinedBoth;
  const latencies: number[] = [];
  try {
    for (let i = 0; i < samples; i += 1) {
      const id = randomUUID();
      const answered = new Promise<void>((resolve) => pending.set(id, resolve));
      const started = performance.now();
      await producer.send({ topic: ping, acks: -1, messages: [{ key: `dco-2060-01-01-r${i % 64}`, value: id }] });
      await answered;
      latencies.push(performance.now() - started);
      pending.delete(id);
      progress('raw round trips', i + 1, samples);
    }
  } finally {
    await Promise.all([responder.disconnect(), requester.disconnect(), producer.disconnect()]);
  }
  return latencies;
}

async function deleteTopics(): Promise<void> {
  const admin = new Kafka({ clientId: 'bench-cleanup', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(prefix));
  await admin.deleteTopics({ topics }).catch(() => undefined);
  await admin.disconnect();
}

export async function run(): Promise<BenchResult> {
  const loadAtStart = round(loadavg()[0], 2);
  process.stderr.write(
    `saga bench on ${brokers.join(',')}: ${SEQUENTIAL_RUNS} sequential runs, ${CONCURRENT_RUNS} concurrent runs on ${PARTITIONS} partitions (${CONCURRENCY} at a time), ${RAW_SAMPLES} raw round trips\n`,
  );
  const rig = await sagaRig();
  try {
    // Warm-up: one full run (connections, transactions, group joins).
    const [warm] = days(1, 0);
    await rig.tick(warm);
    await waitUntil('the warm-up run', () => rig.completed.has(runIdOf(warm)), 120_000);
    rig.hops.length = 0;

    const runLatencies: number[] = [];
    for (const [i, day] of days(SEQUENTIAL_RUNS, 1).entries()) {
      const started = performance.now();
      await rig.tick(day);
      await waitUntil(`run ${day}`, () => rig.completed.has(runIdOf(day)), 120_000);
      runLatencies.push((rig.completed.get(runIdOf(day)) as number) - started);
      progress('sequential runs', i + 1, SEQUENTIAL_RUNS);
    }
    const hops = [...rig.hops];

    const burst = days(CONCURRENT_RUNS, 1 + SEQUENTIAL_RUNS);
    rig.hops.length = 0;
    const cpuAtStart = process.cpuUsage();
    const started = performance.now();
    for (let i = 0; i < burst.length; i += TICK_CHUNK) await rig.tick(...burst.slice(i, i + TICK_CHUNK));
    await waitUntil(
      'the concurrent runs',
      () => {
        const done = burst.filter((day) => rig.completed.has(runIdOf(day))).length;
        progress('concurrent runs', done, CONCURRENT_RUNS);
        return done === burst.length;
      },
      600_000,
    );
    const elapsedS = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuAtStart);
    const cpuMsPerRun = (cpu.user + cpu.system) / 1000 / CONCURRENT_RUNS;
    const sagasPerSecond = CONCURRENT_RUNS / elapsedS;
    // The steady part of the burst: runs completed between the 10th and the 90th percentile of completion times.
    const finished = burst.map((day) => rig.completed.get(runIdOf(day)) as number).sort((a, b) => a - b);
    const [p10, p90] = [finished[Math.floor(finished.length * 0.1)], finished[Math.ceil(finished.length * 0.9) - 1]];
    const steadyPerSecond =
      p90 > p10
        ? (Math.ceil(finished.length * 0.9) - 1 - Math.floor(finished.length * 0.1)) / ((p90 - p10) / 1000)
        : sagasPerSecond;
    const burstHops = [...rig.hops];
    await rig.close();

    const raw = await rawRoundTrips(RAW_SAMPLES);
    const metrics = {
      hop_p50_ms: round(percentile(hops, 50), 1),
      hop_p99_ms: round(percentile(hops, 99), 1),
      run_p50_ms: round(percentile(runLatencies, 50), 1),
      run_p99_ms: round(percentile(runLatencies, 99), 1),
      sagas_per_s: round(sagasPerSecond, 2),
      sagas_per_s_steady: round(steadyPerSecond, 2),
      burst_seconds: round(elapsedS, 2),
      burst_cpu_ms_per_run: round(cpuMsPerRun, 2),
      burst_hop_p50_ms: round(percentile(burstHops, 50), 1),
      burst_hop_p99_ms: round(percentile(burstHops, 99), 1),
      raw_roundtrip_p50_ms: round(percentile(raw, 50), 1),
      raw_roundtrip_p99_ms: round(percentile(raw, 99), 1),
    };
    const baseline = {
      raw_roundtrip_p50_ms: metrics.raw_roundtrip_p50_ms,
      raw_roundtrip_p99_ms: metrics.raw_roundtrip_p99_ms,
    };
    const ratios = {
      hop_p50_vs_raw_roundtrip_p50: round(metrics.hop_p50_ms / metrics.raw_roundtrip_p50_ms, 2),
      hop_p99_vs_raw_roundtrip_p99: round(metrics.hop_p99_ms / metrics.raw_roundtrip_p99_ms, 2),
    };
    process.stderr.write(
      `saga: hop p50 ${metrics.hop_p50_ms} ms p99 ${metrics.hop_p99_ms} ms, run p50 ${metrics.run_p50_ms} ms, ${metrics.sagas_per_s} runs/s (steady ${metrics.sagas_per_s_steady}, ${metrics.burst_cpu_ms_per_run} ms CPU per run in this process, burst hop p99 ${metrics.burst_hop_p99_ms} ms); raw round trip p50 ${metrics.raw_roundtrip_p50_ms} ms p99 ${metrics.raw_roundtrip_p99_ms} ms (load ${loadAtStart} -> ${round(loadavg()[0], 2)})\n`,
    );
    return benchResult('saga', {
      metrics,
      baseline,
      ratios,
      parameters: {
        sequentialRuns: SEQUENTIAL_RUNS,
        concurrentRuns: CONCURRENT_RUNS,
        rawSamples: RAW_SAMPLES,
        partitions: PARTITIONS,
        partitionsConsumedConcurrently: CONCURRENCY,
        hopsPerRun: 10,
        maxWaitMs: MAX_WAIT_MS,
      },
      notes:
        'hop = occurredAt of a message (set inside the producing handler, before its transaction commits) to the consuming handler, measured on runs one at a time; ' +
        'sagas_per_s = concurrentRuns started at once / time until the last completed, sagas_per_s_steady = the same between the 10th and 90th percentile completion, burst_hop_* = hops during that burst (queueing included); ' +
        'the raw baseline is a full request/reply (two hops, no transactions)',
      loadAverageAtStart: loadAtStart,
      loadAverageAtEnd: round(loadavg()[0], 2),
    });
  } finally {
    await rig.close().catch(() => undefined);
    await deleteTopics().catch(() => undefined);
  }
}
