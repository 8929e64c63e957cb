// DR drills on the real stack, cheaply: neo4j-loss on private Neo4j servers of its own (a small graph), and the refusal
// reading a private SagaState topic that holds an active run, and the alert of a missed objective on a private topic.
import { CodedError } from '@dco/contracts';
import { loadConfig } from '@dco/platform';
import { RunState } from '@dco/saga';
import { KafkaTestNamespace, testBrokers } from '../../../../libs/messaging/src/testing/kafka-test-cluster';
import { waitFor } from '@dco/probes';
import { encodeSnapshot } from '../../../orchestrator/src/run-saga/saga-snapshot.codec';
import { DrillConfig, objectiveOf } from './drill.config';
import { judge, measure } from './drill.model';
import { publishDrillOutcomes, refuseWhileRunActive } from './drill.runner';
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

  describe('on a private namespace of the shared Kafka', () => {
    let namespace: KafkaTestNamespace;
    let config: DrillConfig;
    beforeAll(async () => {
      namespace = await new KafkaTestNamespace(['SagaState', 'AlertRaised', 'DrDrillCompleted']).open();
      config = loadConfig(DrillConfig, { KAFKA_BROKERS: testBrokers().join(','), DCO_TOPIC_PREFIX: namespace.prefix });
    }, 60_000);
    afterAll(() => namespace.close());

    it('refuses with DR.RUN_ACTIVE while the saga holds a run that has not ended', async () => {
      await expect(refuseWhileRunActive(config)).resolves.toBeUndefined();
      const at = new Date().toISOString();
      const running = {
        runId: 'dco-2026-12-05',
        day: '2026-12-05',
        status: 'RunningDco',
        version: 7,
        startedAt: at,
        updatedAt: at,
      };
      await namespace.produceRaw('SagaState', encodeSnapshot(running as RunState), running.runId);
      const refusal = await refuseWhileRunActive(config).catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(CodedError);
      expect(refusal).toMatchObject({ code: 'DR.RUN_ACTIVE' });
      expect((refusal as Error).message).toContain('dco-2026-12-05 (RunningDco)');
    }, 60_000);

    it("publishes every drill's figures and one critical DR_DRILL_FAILED alert per drill that missed an objective", async () => {
      const missed = measure({
        kind: 'orchestrator-loss',
        lossAtMs: 0,
        servingAtMs: 90_000,
        acknowledged: ['a', 'b'],
        covered: ['a', 'b'],
        recovered: ['a'],
        baselineMs: 100,
        parameters: {},
      });
      const met = { ...missed, kind: 'deployer-state-loss' as const, rtoS: 1, rpoWritesLost: 0, coveredWritesLost: 0 };
      const outcomes = [missed, met].map((measurement) => ({
        measurement,
        verdict: judge(measurement, objectiveOf(measurement.kind, config)),
      }));
      expect(await publishDrillOutcomes(outcomes, config)).toEqual({ figures: 2, alerts: 1 });
      const [alert] = await waitFor(
        () => namespace.records('AlertRaised').length > 0 && namespace.records('AlertRaised'),
        {
          description: 'the AlertRaised of the missed drill',
          timeoutMs: 30_000,
        },
      );
      const message = JSON.parse(alert.value!.toString('utf8')) as { producer: string; data: Record<string, string> };
      expect(message.producer).toBe('cli');
      expect(message.data).toMatchObject({ severity: 'critical', cause: 'DR_DRILL_FAILED' });
      expect(message.data.summary).toContain('orchestrator-loss: RTO 90 s exceeds the objective of 60 s');
      expect(namespace.records('AlertRaised')).toHaveLength(1);
      const figures = await waitFor(
        () => namespace.records('DrDrillCompleted').length === 2 && namespace.records('DrDrillCompleted'),
        { description: 'the DrDrillCompleted of both drills', timeoutMs: 30_000 },
      );
      const published = figures.map(
        (record) => (JSON.parse(record.value!.toString('utf8')) as { data: Record<string, unknown> }).data,
      );
      expect(published).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            kind: 'orchestrator-loss',
            rtoS: 90,
            rtoObjectiveS: 60,
            rpoWritesLost: 1,
            met: false,
          }),
          expect.objectContaining({ kind: 'deployer-state-loss', met: true, misses: [] }),
        ]),
      );
    }, 60_000);
  });
});
