// Benchmark "messaging": produce-consume throughput and end-to-end latency through the Kafka adapter, and through the
// Nest bus transport on top of it (the workers' path), vs raw kafkajs, all measured in the same run on the local stack's
// broker (KAFKA_BROKERS overrides it).
import 'reflect-metadata';
import { INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Envelope, FIXTURE_DATA, MessageOf, fixtureMessage, systemClock } from '@dco/contracts';
import {
  CommandController,
  HandlerOutput,
  KafkaMessageBus,
  handledBy,
  outcome,
  startBusTransport,
} from '@dco/messaging';
import { Consumer, ConsumerRunConfig, Kafka, Partitioners, Producer, logLevel } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createTopicsAndWait } from '../libs/messaging/src/kafka-topics';
import { testBrokers } from '../libs/messaging/src/testing/kafka-test-cluster';
import { BenchResult, benchResult, percentile, progress, round } from './support/result';

const MESSAGES = Number(process.env.DCO_BENCH_MESSAGES ?? 20_000);
const LATENCY_SAMPLES = Number(process.env.DCO_BENCH_LATENCY_SAMPLES ?? 400);
const ROUNDS = Number(process.env.DCO_BENCH_ROUNDS ?? 3);
const PARTITIONS = 6;
const CHUNK = 100;
const TARGET_OVERHEAD = 1.3;
/** The workers' path: the bus transport's Nest handler dispatch on top of the adapter. */
const TARGET_TRANSPORT_OVERHEAD = 1.15;

const brokers = testBrokers();
const base = `bench-${randomUUID().slice(0, 8)}.`;
const kafka = new Kafka({ clientId: 'bench-raw', brokers, logLevel: logLevel.NOTHING });

/** Messages spread over 64 runs (keys), like many days and reruns at once. */
function commands(count: number): Envelope[] {
  return Array.from({ length: count }, (_, i) =>
    fixtureMessage('DetectChanges', { eventId: randomUUID(), runId: `dco-2026-11-26-r${i % 64}` } as never),
  );
}

function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** A harness over one way of publishing and consuming: the transport, the adapter or raw kafkajs. */
interface Path {
  start(onMessage: (eventId: string) => void): Promise<void>;
  publish(messages: Envelope[]): Promise<void>;
  stop(): Promise<void>;
}

function benchBus(prefix: string, clientId: string): KafkaMessageBus {
  return new KafkaMessageBus({
    brokers,
    clientId,
    topicPrefix: prefix,
    partitions: PARTITIONS,
    logLevel: 'error',
    maxWaitTimeMs: 100,
  });
}

function adapterPath(prefix: string, answer: boolean): Path {
  const bus = benchBus(prefix, 'bench-adapter');
  return {
    start: async (onMessage) => {
      await bus.ensureTopics(['DetectChanges', 'ChangesDetected']);
      await bus.subscribe({
        group: `${prefix}group`,
        types: ['DetectChanges'],
        handler: async (message): Promise<HandlerOutput | void> => {
          onMessage(message.eventId);
          if (!answer) return;
          const reply = fixtureMessage('ChangesDetected', {
            eventId: randomUUID(),
            runId: message.runId,
            causationId: message.eventId,
          });
          return { messages: [reply] };
        },
      });
    },
    publish: (messages) => bus.publish(...messages),
    stop: () => bus.close(),
  };
}

/** A worker's module: one @EventPattern controller on the bus transport that answers like the adapter path. */
function workerModule(onMessage: (eventId: string) => void, answer: boolean) {
  @CommandController()
  class DetectChangesController {
    @EventPattern(
      'DetectChanges',
      handledBy('detector', { onFailure: (failure) => ({ type: 'DetectionFailed', data: { failure } }) }),
    )
    async onDetectChanges(@Payload() command: MessageOf<'DetectChanges'>) {
      onMessage(command.eventId);
      return answer ? outcome('ChangesDetected', FIXTURE_DATA.ChangesDetected) : null;
    }
  }
  @Module({ controllers: [DetectChangesController] })
  class BenchWorkerModule {}
  return BenchWorkerModule;
}

function transportPath(prefix: string, answer: boolean): Path {
  const bus = benchBus(prefix, 'bench-transport');
  let app: INestApplication | undefined;
  return {
    start: async (onMessage) => {
      await bus.ensureTopics(['DetectChanges', 'ChangesDetected']);
      app = await NestFactory.create(workerModule(onMessage, answer), { logger: false });
      await startBusTransport(app, {
        bus,
        clock: systemClock,
        ids: { next: () => randomUUID() },
        groupOf: () => `${prefix}group`,
      });
    },
    publish: (messages) => bus.publish(...messages),
    stop: async () => {
      await app?.close();
      await bus.close();
    },
  };
}

/** Raw kafkajs consume-produce: each batch's replies and offset in one transaction, as the adapter does. */
function rawTransactionalPath(prefix: string): Path {
  const topic = `${prefix}DetectChanges`;
  const replies = `${prefix}ChangesDetected`;
  const groupId = `${prefix}group`;
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    transactionalId: `${prefix}raw-txn`,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  const publisher = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  return {
    start: async (onMessage) => {
      await Promise.all([producer.connect(), publisher.connect()]);
      await startRawConsumer(consumer, [topic, replies], {
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          const out = batch.messages.map((message) => {
            const command = JSON.parse(message.value?.toString('utf8') ?? '{}') as Envelope;
            onMessage(command.eventId);
            const reply = fixtureMessage('ChangesDetected', {
              eventId: randomUUID(),
              runId: command.runId,
              causationId: command.eventId,
            });
            return {
              key: reply.runId,
              value: JSON.stringify(reply),
              headers: { 'dco-type': reply.type, 'dco-event-id': reply.eventId },
            };
          });
          const txn = await producer.transaction();
          await txn.send({ topic: replies, messages: out, acks: -1 });
          const next = (BigInt(batch.lastOffset()) + 1n).toString();
          await txn.sendOffsets({
            consumerGroupId: groupId,
            topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: next }] }],
          });
          await txn.commit();
        },
      });
    },
    publish: (messages) => rawPublish(publisher, topic, messages),
    stop: async () => {
      await consumer.disconnect();
      await Promise.all([producer.disconnect(), publisher.disconnect()]);
    },
  };
}

/** Creates the topics, subscribes from the beginning, runs and resolves once the consumer has its partitions. */
async function startRawConsumer(consumer: Consumer, topics: string[], config: ConsumerRunConfig): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await createTopicsAndWait(
    admin,
    topics.map((topic) => ({ topic, numPartitions: PARTITIONS, replicationFactor: 1 })),
  );
  await admin.disconnect();
  await consumer.connect();
  await consumer.subscribe({ topics: [topics[0]], fromBeginning: true });
  const joined = signal();
  const remove = consumer.on(consumer.events.GROUP_JOIN, () => {
    remove();
    joined.resolve();
  });
  await consumer.run(config);
  await joined.promise;
}

async function rawPublish(producer: Producer, topic: string, messages: Envelope[]): Promise<void> {
  await producer.sendBatch({
    acks: -1,
    topicMessages: [
      {
        topic,
        messages: messages.map((m) => ({
          key: m.runId,
          value: JSON.stringify(m),
          headers: { 'dco-type': m.type, 'dco-event-id': m.eventId },
        })),
      },
    ],
  });
}

function rawPath(prefix: string): Path {
  const topic = `${prefix}DetectChanges`;
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  const consumer = kafka.consumer({ groupId: `${prefix}group`, maxWaitTimeInMs: 100 });
  return {
    start: async (onMessage) => {
      await producer.connect();
      await startRawConsumer(consumer, [topic], {
        eachBatch: async ({ batch }) => {
          for (const message of batch.messages)
            onMessage((JSON.parse(message.value?.toString('utf8') ?? '{}') as Envelope).eventId);
        },
      });
    },
    publish: (messages) => rawPublish(producer, topic, messages),
    stop: async () => {
      await consumer.disconnect();
      await producer.disconnect();
    },
  };
}

/** Messages per second from the first publish until the last one is consumed. */
async function throughput(label: string, path: Path, count: number): Promise<number> {
  let consumed = 0;
  const done = signal();
  await path.start(() => {
    consumed += 1;
    if (consumed % Math.ceil(count / 10) === 0 || consumed === count) progress(label, consumed, count);
    if (consumed === count) done.resolve();
  });
  const messages = commands(count);
  const started = performance.now();
  for (let i = 0; i < messages.length; i += CHUNK) await path.publish(messages.slice(i, i + CHUNK));
  await done.promise;
  const elapsed = performance.now() - started;
  await path.stop();
  return count / (elapsed / 1000);
}

/** One message at a time: publish-call-to-handler latencies in milliseconds. */
async function latency(label: string, path: Path, samples: number): Promise<number[]> {
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let arrived = signal();
  await path.start((eventId) => {
    const sent = sentAt.get(eventId);
    if (sent === undefined) return;
    latencies.push(performance.now() - sent);
    arrived.resolve();
  });
  for (const message of commands(samples)) {
    arrived = signal();
    sentAt.set(message.eventId, performance.now());
    await path.publish([message]);
    await arrived.promise;
    if (latencies.length % 50 === 0) progress(label, latencies.length, samples);
  }
  await path.stop();
  return latencies;
}

async function deleteBenchTopics(): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  const topics = (await admin.listTopics()).filter((t) => t.startsWith(base));
  if (topics.length > 0) await admin.deleteTopics({ topics }).catch(() => undefined);
  await admin.disconnect();
}

function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export async function run(): Promise<BenchResult> {
  const loadAtStart = round(loadavg()[0], 2);
  process.stderr.write(
    `messaging bench on ${brokers.join(',')}: ${MESSAGES} messages x ${ROUNDS} rounds, ${LATENCY_SAMPLES} latency samples\n`,
  );
  try {
    // Warm-up of every path (JIT, connections, broker caches) so that none pays it inside a measured round.
    await throughput('warm-up raw      ', rawPath(`${base}warm-raw.`), 2_000);
    await throughput('warm-up adapter  ', adapterPath(`${base}warm-bus.`, false), 2_000);
    await throughput('warm-up transport', transportPath(`${base}warm-nest.`, false), 2_000);

    // Paired rounds in rotating order: the machine is shared, so its load drifts; each round's ratios compare runs made
    // seconds apart, and the median of those ratios is the overhead.
    const raw: number[] = [];
    const adapter: number[] = [];
    const transport: number[] = [];
    for (let r = 1; r <= ROUNDS; r += 1) {
      const runs = [
        async () => raw.push(await throughput(`raw       round ${r}`, rawPath(`${base}raw${r}.`), MESSAGES)),
        async () =>
          adapter.push(await throughput(`adapter   round ${r}`, adapterPath(`${base}bus${r}.`, false), MESSAGES)),
        async () =>
          transport.push(await throughput(`transport round ${r}`, transportPath(`${base}nest${r}.`, false), MESSAGES)),
      ];
      for (let i = 0; i < runs.length; i += 1) await runs[(i + r) % runs.length]();
    }
    const rawTransactional = await throughput(
      'raw + output (transaction)      ',
      rawTransactionalPath(`${base}raw-txn.`),
      Math.ceil(MESSAGES / 2),
    );
    const transactional = await throughput(
      'adapter + output (transaction)  ',
      adapterPath(`${base}txn.`, true),
      Math.ceil(MESSAGES / 2),
    );
    const transportTransactional = await throughput(
      'transport + output (transaction)',
      transportPath(`${base}nest-txn.`, true),
      Math.ceil(MESSAGES / 2),
    );
    const rawLatency = await latency('raw latency      ', rawPath(`${base}lat-raw.`), LATENCY_SAMPLES);
    const busLatency = await latency('adapter latency  ', adapterPath(`${base}lat-bus.`, false), LATENCY_SAMPLES);
    const transportLatency = await latency(
      'transport latency',
      transportPath(`${base}lat-nest.`, false),
      LATENCY_SAMPLES,
    );

    const rawRate = median(raw);
    const busRate = median(adapter);
    const overhead = round(median(raw.map((rate, i) => rate / adapter[i])));
    const transportOverhead = round(median(raw.map((rate, i) => rate / transport[i])));
    const metrics = {
      adapter_msgs_per_s: Math.round(busRate),
      raw_msgs_per_s: Math.round(rawRate),
      adapter_transactional_msgs_per_s: Math.round(transactional),
      e2e_p50_ms: round(percentile(busLatency, 50), 2),
      e2e_p99_ms: round(percentile(busLatency, 99), 2),
      transport_msgs_per_s: Math.round(median(transport)),
      transport_transactional_msgs_per_s: Math.round(transportTransactional),
      transport_e2e_p50_ms: round(percentile(transportLatency, 50), 2),
      transport_e2e_p99_ms: round(percentile(transportLatency, 99), 2),
    };
    const baseline = {
      msgs_per_s: Math.round(rawRate),
      transactional_msgs_per_s: Math.round(rawTransactional),
      e2e_p50_ms: round(percentile(rawLatency, 50), 2),
      e2e_p99_ms: round(percentile(rawLatency, 99), 2),
    };
    const ratios = {
      msgs_per_s: round(busRate / rawRate),
      /** Median over the paired rounds of raw / adapter throughput: 1.0 = no overhead. */
      throughput_overhead: overhead,
      transactional_msgs_per_s: round(transactional / rawTransactional),
      e2e_p50: round(metrics.e2e_p50_ms / baseline.e2e_p50_ms),
      e2e_p99: round(metrics.e2e_p99_ms / baseline.e2e_p99_ms),
      /** Median over the paired rounds of raw / transport throughput: the workers' path against raw kafkajs. */
      transport_throughput_overhead: transportOverhead,
      transport_transactional_msgs_per_s: round(transportTransactional / rawTransactional),
      transport_e2e_p50: round(metrics.transport_e2e_p50_ms / baseline.e2e_p50_ms),
      transport_e2e_p99: round(metrics.transport_e2e_p99_ms / baseline.e2e_p99_ms),
    };
    const verdict = overhead <= TARGET_OVERHEAD ? 'meets' : 'MISSES';
    const transportVerdict = transportOverhead <= TARGET_TRANSPORT_OVERHEAD ? 'meets' : 'MISSES';
    process.stdout.write(
      `messaging: adapter ${metrics.adapter_msgs_per_s} msg/s vs raw ${metrics.raw_msgs_per_s} msg/s (overhead ${overhead}x, ${verdict} target <= ${TARGET_OVERHEAD}x); ` +
        `transactional ${metrics.adapter_transactional_msgs_per_s} msg/s (raw ${baseline.transactional_msgs_per_s}); e2e p50 ${metrics.e2e_p50_ms} ms p99 ${metrics.e2e_p99_ms} ms (raw ${baseline.e2e_p50_ms}/${baseline.e2e_p99_ms} ms)\n` +
        `messaging: transport ${metrics.transport_msgs_per_s} msg/s (overhead ${transportOverhead}x, ${transportVerdict} target <= ${TARGET_TRANSPORT_OVERHEAD}x); ` +
        `transactional ${metrics.transport_transactional_msgs_per_s} msg/s; e2e p50 ${metrics.transport_e2e_p50_ms} ms p99 ${metrics.transport_e2e_p99_ms} ms\n`,
    );
    return benchResult('messaging', {
      metrics,
      baseline,
      ratios,
      parameters: {
        messages: MESSAGES,
        rounds: ROUNDS,
        latencySamples: LATENCY_SAMPLES,
        partitions: PARTITIONS,
        publishChunk: CHUNK,
        brokers,
      },
      target: {
        throughput_overhead_max: TARGET_OVERHEAD,
        transport_throughput_overhead_max: TARGET_TRANSPORT_OVERHEAD,
      },
      samples: {
        raw_msgs_per_s: raw.map(Math.round),
        adapter_msgs_per_s: adapter.map(Math.round),
        transport_msgs_per_s: transport.map(Math.round),
      },
      conditions: { loadAverage1mAtStart: loadAtStart, loadAverage1mAtEnd: round(loadavg()[0], 2) },
    });
  } finally {
    await deleteBenchTopics();
  }
}
