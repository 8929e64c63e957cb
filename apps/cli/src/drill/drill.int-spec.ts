// DR drills on the real stack, cheaply: neo4j-loss on private Neo4j servers of its own (a small graph), and the refusal
// reading a private SagaState topic that holds an active run.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { CodedError } from '@dco/contracts';
import { loadConfig } from '@dco/platform';
import { RunState } from '@dco/saga';
import { testBrokers } from '../../../../libs/messaging/src/testing/kafka-test-cluster';
import { KafkaSagaStore } from '../../../orchestrator/src';
import { DrillConfig } from './drill.config';
import { judge, measure } from './drill.model';
import { refuseWhileRunActive } from './drill.runner';
import { neo4jLossDrill } from './neo4j-loss.drill';

describe('DR drills (real Neo4j servers, real Kafka)', () => {
  it('neo4j-loss: a fresh server restored from the latest backup holds every write acknowledged before it', async () => {
    const observation = await neo4jLossDrill({
      version: new DrillConfig().DCO_DRILL_NEO4J_VERSION,
      nodes: 1_000,
      writesBeforeBackup: 5,
      writesAfterBackup: 5,
    });
    const measurement = measure(observation);
    expect(observation.covered.length).toBeGreaterThanOrEqual(5);
    expect(observation.acknowledged.length).toBeGreaterThanOrEqual(observation.covered.length + 5);
    expect(measurement.coveredWritesLost).toBe(0);
    // The writes after the backup are what a backup cannot cover: lost, and counted.
    expect(measurement.rpoWritesLost).toBeGreaterThanOrEqual(5);
    expect(measurement.rtoS).toBeGreaterThan(0);
    expect(judge(measurement, { rtoS: 3_600, rpo: 'covered' }).met).toBe(true);
    expect(judge(measurement, { rtoS: 3_600, rpo: 'zero' }).met).toBe(false);
  }, 300_000);

  it('refuses with DR.RUN_ACTIVE while the saga holds a run that has not ended', async () => {
    const prefix = `dr-it-${randomUUID().slice(0, 8)}.`;
    const store = new KafkaSagaStore({
      brokers: testBrokers(),
      clientId: 'dr-it',
      namespace: 'dr-it',
      topicPrefix: prefix,
      partitions: 1,
    });
    await store.loadAll(); // creates the topic
    const config = loadConfig(DrillConfig, { KAFKA_BROKERS: testBrokers().join(','), DCO_TOPIC_PREFIX: prefix });
    const kafka = new Kafka({ clientId: 'dr-it', brokers: testBrokers(), logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    const admin = kafka.admin();
    await admin.connect();
    try {
      await expect(refuseWhileRunActive(config)).resolves.toBeUndefined();
      const at = new Date().toISOString();
      const running = {
        runId: 'dco-2026-12-05',
        day: '2026-12-05',
        status: 'RunningDco',
        version: 7,
        startedAt: at,
        updatedAt: at,
      } as RunState;
      const record = store.recordOf(running);
      await producer.send({ topic: `${prefix}${record.topic}`, messages: [{ key: record.key, value: record.value }] });
      const refusal = await refuseWhileRunActive(config).catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(CodedError);
      expect(refusal).toMatchObject({ code: 'DR.RUN_ACTIVE' });
      expect((refusal as Error).message).toContain('dco-2026-12-05 (RunningDco)');
    } finally {
      await producer.disconnect();
      await admin.deleteTopics({ topics: [`${prefix}SagaState`] }).catch(() => undefined);
      await admin.disconnect();
    }
  }, 120_000);
});
