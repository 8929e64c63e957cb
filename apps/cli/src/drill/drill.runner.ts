// Runs DR drills: refuses while a run is active, runs each drill, judges it against its objectives, writes the figures
// (bench/results/dr.json's shape), publishes them (DrDrillCompleted) and raises an AlertRaised (DR_DRILL_FAILED) for a
// drill that missed one.
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname } from 'node:path';
import { CodedError, createMessage, runIdOf, systemClock } from '@dco/contracts';
import { KafkaMessageBus, MessageBus } from '@dco/messaging';
import { kafkaSecurity } from '@dco/platform';
import { defaultTofuBinary } from '@dco/terraform';
import { KafkaSagaStore } from '../../../orchestrator/src';
import { DrillConfig, objectiveOf } from './drill.config';
import {
  activeRuns,
  DrillKind,
  DrillMeasurement,
  drillFigures,
  drillMetrics,
  DrillVerdict,
  judge,
  measure,
} from './drill.model';
import { deployerStateLossDrill } from './deployer-state-loss.drill';
import { neo4jLossDrill } from './neo4j-loss.drill';
import { orchestratorLossDrill } from './orchestrator-loss.drill';

export interface DrillOutcome {
  measurement: DrillMeasurement;
  verdict: DrillVerdict;
}

const brokersOf = (config: DrillConfig) => config.KAFKA_BROKERS.split(',');

/** DR.RUN_ACTIVE when the saga has a run that has not ended: a drill never overlaps a run, least of all its DCO. */
export async function refuseWhileRunActive(config: DrillConfig): Promise<void> {
  const store = new KafkaSagaStore({
    brokers: brokersOf(config),
    clientId: 'dco-drill',
    security: kafkaSecurity(config),
    namespace: config.DCO_NAMESPACE,
    topicPrefix: config.DCO_TOPIC_PREFIX ?? '',
    partitions: 6,
    loadTimeoutMs: 60_000,
  });
  const active = activeRuns(await store.loadAll());
  if (active.length > 0)
    throw new CodedError(
      'DR.RUN_ACTIVE',
      `a drill must not overlap a run; wait until it ends: ${active.join(', ')}`,
      'drills run off the DCO window (the scheduled drill is checked against SCHEDULE_CRON)',
    );
}

async function runOne(kind: DrillKind, config: DrillConfig, env: NodeJS.ProcessEnv): Promise<DrillMeasurement> {
  switch (kind) {
    case 'neo4j-loss':
      return measure(
        await neo4jLossDrill({ version: config.DCO_DRILL_NEO4J_VERSION, nodes: config.DCO_DRILL_NEO4J_NODES }),
      );
    case 'orchestrator-loss':
      return measure(await orchestratorLossDrill({ brokers: brokersOf(config), security: kafkaSecurity(config) }));
    case 'deployer-state-loss':
      return measure(
        await deployerStateLossDrill({
          tofuBinary: defaultTofuBinary(env),
          aws: {
            DCO_AWS_ENDPOINT: config.DCO_AWS_ENDPOINT,
            DCO_AWS_REGION: config.DCO_AWS_REGION,
            AWS_REGION: config.AWS_REGION,
            AWS_ACCESS_KEY_ID: config.AWS_ACCESS_KEY_ID,
            AWS_SECRET_ACCESS_KEY: config.AWS_SECRET_ACCESS_KEY,
            DCO_INFRA_BUCKET: config.DCO_INFRA_BUCKET,
          },
        }),
      );
  }
}

/** Runs the drills in order (after the refusal check) and judges each one; the first drill that throws stops the rest. */
export async function runDrills(
  kinds: readonly DrillKind[],
  config: DrillConfig,
  env: NodeJS.ProcessEnv = process.env,
): Promise<DrillOutcome[]> {
  await refuseWhileRunActive(config);
  const outcomes: DrillOutcome[] = [];
  for (const kind of kinds) {
    const measurement = await runOne(kind, config, env);
    outcomes.push({ measurement, verdict: judge(measurement, objectiveOf(kind, config)) });
  }
  return outcomes;
}

/** The figures in the benchmarks' result shape: metrics, the baseline measured in the same run, ratios, the load. */
export function drillReport(
  outcomes: readonly DrillOutcome[],
  config: DrillConfig,
  load: { atStart: number; atEnd: number },
) {
  const measurements = outcomes.map((o) => o.measurement);
  const baseline: Record<string, number> = {};
  const ratios: Record<string, number> = {};
  const target: Record<string, number | string | boolean> = {};
  for (const { measurement: m, verdict } of outcomes) {
    const objective = objectiveOf(m.kind, config);
    baseline[`${m.kind}_s`] = m.baselineS;
    ratios[`${m.kind}_rto_vs_baseline`] = m.baselineS > 0 ? Math.round((m.rtoS / m.baselineS) * 1000) / 1000 : 0;
    ratios[`${m.kind}_rto_vs_objective`] = Math.round((m.rtoS / objective.rtoS) * 1000) / 1000;
    target[`${m.kind}_rto_s`] = objective.rtoS;
    target[`${m.kind}_rpo`] = objective.rpo;
    target[`${m.kind}_met`] = verdict.met;
  }
  return {
    bench: 'dr',
    at: new Date().toISOString(),
    host: { cpus: cpus().length, memGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10, node: process.version },
    metrics: drillMetrics(measurements),
    baseline,
    ratios,
    target: { ...target, met: outcomes.every((o) => o.verdict.met) },
    misses: outcomes.flatMap((o) => o.verdict.misses),
    parameters: Object.fromEntries(measurements.map((m) => [m.kind, m.parameters])),
    load: { loadavg1AtStart: load.atStart, loadavg1AtEnd: load.atEnd },
  };
}

export type DrillReport = ReturnType<typeof drillReport>;

export async function writeDrillReport(file: string, report: DrillReport): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
}

/**
 * Publishes every drill's figures (DrDrillCompleted: the dashboard's last drill) and one AlertRaised per drill that missed
 * an objective (forwarded to EventBridge like every alert), in one batch; returns how many of each were published.
 */
export async function publishDrillOutcomes(
  outcomes: readonly DrillOutcome[],
  config: DrillConfig,
  bus?: MessageBus,
): Promise<{ figures: number; alerts: number }> {
  if (outcomes.length === 0) return { figures: 0, alerts: 0 };
  const now = systemClock.now();
  // Drills belong to no run; their events are filed under the day's run id, like the bus's own alerts.
  const envelope = { runId: runIdOf(now.toISOString().slice(0, 10)), producer: 'cli' as const };
  const factory = { clock: systemClock, ids: { next: () => randomUUID() } };
  const figures = outcomes.map(({ measurement, verdict }) =>
    createMessage(
      'DrDrillCompleted',
      drillFigures(measurement, objectiveOf(measurement.kind, config), verdict, now),
      envelope,
      factory,
    ),
  );
  const alerts = outcomes
    .filter((o) => !o.verdict.met)
    .map(({ measurement, verdict }) =>
      createMessage(
        'AlertRaised',
        {
          severity: 'critical',
          cause: 'DR_DRILL_FAILED',
          dedupeKey: `dr-drill:${measurement.kind}:${now.toISOString()}`,
          summary: verdict.misses.join('; ').slice(0, 500),
          detail: JSON.stringify(measurement).slice(0, 4000),
        },
        envelope,
        factory,
      ),
    );
  const target =
    bus ??
    new KafkaMessageBus({
      brokers: brokersOf(config),
      clientId: 'dco-drill',
      security: kafkaSecurity(config),
      namespace: config.DCO_NAMESPACE,
      topicPrefix: config.DCO_TOPIC_PREFIX,
    });
  try {
    await target.publish(...figures, ...alerts);
  } finally {
    if (!bus) await target.close();
  }
  return { figures: figures.length, alerts: alerts.length };
}

export const loadNow = (): number => Math.round(loadavg()[0] * 100) / 100;
