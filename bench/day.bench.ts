// Benchmark "day": wall time of a real day on the local stack (six processes, Kafka, Neo4j, the emulator, tofu,
// Jaeger) for quiet-day and neo4j-upgrade, broken down per stage (from the run's timeline), against the embedded
// profile's in-memory day measured in the same run (one process, in-memory bus, graph and cloud).
import 'reflect-metadata';
import { join } from 'node:path';
import { stepDurations } from '../tools/day/day-outcome';
import { runDay } from '../tools/day/day-runner';
import { BulkGraph, closeDeadline } from '../tools/day/day-workspace';
import { runIdOf } from '@dco/contracts';
import { freePort, spawnTs } from '@dco/testing';
import { BenchResult, benchResult, progress, round } from './support/result';

const TOTAL_STEPS = 4;
/** The upgrade day moves the migrate benchmark's graph (same generator, same defaults) next to the day's ledger. */
const BULK_GRAPH = {
  nodes: Number(process.env.DCO_BENCH_NODES ?? 1_000_000),
  relsPerNode: Number(process.env.DCO_BENCH_RELS_PER_NODE ?? 2),
};

interface Timed {
  run_s: number;
  stages: Record<string, number>;
  verdict: string[];
  /** Steps as step:outcome (the embedded baseline must have really upgraded to count). */
  steps?: string[];
}

/** One scenario on the local stack: run time from the tick to the final event, per stage from the timeline. */
async function localDay(
  scenario: string,
  bulkGraph?: BulkGraph,
): Promise<Timed & { prepare_s: number; services_s: number }> {
  const session = await runDay({ scenario, print: () => undefined, timeoutMs: 3_600_000, bulkGraph });
  try {
    const { timings, observation, problems } = session.report;
    return {
      run_s: timings.run_s,
      prepare_s: timings.prepare_s,
      services_s: timings.services_s,
      stages: observation.stepDurations,
      verdict: problems,
    };
  } finally {
    await session.close();
  }
}

/**
 * The embedded profile's day: the same real use cases over in-memory fakes, in one process. With the deadline ahead the
 * demo day upgrades Neo4j (and applies its Terraform change); with the deadline passed the updates are deferred and the
 * day is detect + DCO, the in-memory counterpart of a quiet day.
 */
async function embeddedDay(upgrade: boolean): Promise<Timed> {
  const port = await freePort();
  const day = new Date().toISOString().slice(0, 10);
  const deadline = upgrade
    ? { DCO_TIME_ZONE: 'Etc/GMT+12', DCO_DEADLINE: '23:59' }
    : { DCO_TIME_ZONE: 'UTC', DCO_DEADLINE: closeDeadline(new Date(), -60) };
  const embedded = spawnTs(join('apps', 'embedded', 'src', 'main.ts'), {
    args: ['--day', day],
    env: {
      PORT: String(port),
      DCO_STAGE_ENGINE: 'real',
      DCO_DAILY_AMOUNT: '1000000000000000000000',
      DCO_DEMO_ACCOUNTS: '40',
      DCO_DEMO_CONTRIBUTIONS: '200',
      ...deadline,
    },
  });
  // Timed as the lines arrive, not when a poll notices them.
  let ticked = 0;
  let finishedAt = 0;
  embedded.child.stdout?.on('data', () => {
    if (!ticked && embedded.stdout().includes('tick for')) ticked = Date.now();
    if (!finishedAt && /finished: Run/.test(embedded.stdout())) finishedAt = Date.now();
  });
  try {
    await embedded.waitForOutput(/finished: Run/, 120_000);
    const run = (await (await fetch(`http://127.0.0.1:${port}/api/runs/${runIdOf(day)}`)).json()) as {
      status: string;
      steps: Array<{ step: string; outcome: string; startedAt: string; durationMs?: number }>;
    };
    const steps = run.steps.map((step) => `${step.step}:${step.outcome}`);
    const succeeded = { steps: run.steps.filter((step) => step.outcome === 'succeeded') };
    return {
      run_s: round((finishedAt - ticked) / 1000, 2),
      stages: stepDurations(succeeded),
      verdict: run.status === 'Completed' ? [] : [`embedded run ${run.status}: ${steps.join(' -> ')}`],
      steps,
    };
  } finally {
    await embedded.kill('SIGTERM');
  }
}

export async function run(): Promise<BenchResult> {
  let step = 0;
  const tick = (label: string) => progress(`day bench: ${label}`.padEnd(40), ++step, TOTAL_STEPS);
  const embeddedQuiet = await embeddedDay(false);
  tick('embedded quiet day');
  const embeddedUpgrade = await embeddedDay(true);
  tick('embedded upgrade day');
  const quiet = await localDay('quiet-day');
  tick('local quiet-day');
  const upgrade = await localDay('neo4j-upgrade', BULK_GRAPH);
  tick('local neo4j-upgrade');

  const problems = [
    ...quiet.verdict.map((p) => `quiet-day: ${p}`),
    ...upgrade.verdict.map((p) => `neo4j-upgrade: ${p}`),
  ];
  if (problems.length > 0) throw new Error(`a benchmarked day did not go as expected:\n${problems.join('\n')}`);
  const perStage = (prefix: string, stages: Record<string, number>) =>
    Object.fromEntries(
      Object.entries(stages).map(([stage, seconds]) => [`${prefix}${stage.replaceAll('-', '_')}_s`, round(seconds, 2)]),
    );
  const metrics = {
    quiet_day_s: quiet.run_s,
    upgrade_day_s: upgrade.run_s,
    ...perStage('quiet_', quiet.stages),
    ...perStage('upgrade_', upgrade.stages),
    quiet_prepare_s: quiet.prepare_s,
    quiet_services_start_s: quiet.services_s,
    upgrade_prepare_s: upgrade.prepare_s,
    upgrade_services_start_s: upgrade.services_s,
  };
  // A baseline day that did not do the same work (e.g. the embedded migration failed and rolled back) is left out, with why.
  const upgradeBaselineValid =
    embeddedUpgrade.verdict.length === 0 && (embeddedUpgrade.steps ?? []).includes('migrate-db:succeeded');
  const baseline: Record<string, number> = {
    quiet_day_s: embeddedQuiet.run_s,
    ...perStage('quiet_', embeddedQuiet.stages),
    ...(upgradeBaselineValid
      ? { upgrade_day_s: embeddedUpgrade.run_s, ...perStage('upgrade_', embeddedUpgrade.stages) }
      : {}),
  };
  const baselineProblems = upgradeBaselineValid
    ? []
    : [
        `embedded upgrade day left out of the baseline: ${embeddedUpgrade.verdict.join('; ') || (embeddedUpgrade.steps ?? []).join(' -> ')}`,
      ];
  baselineProblems.forEach((problem) => process.stderr.write(`${problem}\n`));
  const ratios = Object.fromEntries(
    Object.keys(baseline)
      .filter((key) => key in metrics && baseline[key] > 0)
      .map((key) => [key.replace(/_s$/, ''), round((metrics as Record<string, number>)[key] / baseline[key], 1)]),
  );
  console.log(
    `day: quiet ${metrics.quiet_day_s} s (embedded ${baseline.quiet_day_s} s), upgrade ${metrics.upgrade_day_s} s (embedded ${baseline.upgrade_day_s ?? 'n/a'} s); ` +
      `upgrade stages ${Object.entries(upgrade.stages)
        .map(([stage, s]) => `${stage} ${round(s, 1)} s`)
        .join(', ')}`,
  );
  return benchResult('day', {
    metrics,
    baseline,
    ratios,
    baselineProblems,
    notes:
      'run time = from the scheduler tick to the final run event; the baseline is the embedded profile (one process, in-memory bus/graph/cloud, ' +
      'the same real use cases) in the same run; its upgrade day also applies its Terraform change; its quiet day is a day whose updates the deadline ' +
      "deferred (detect + DCO). Graph: 40 accounts and 200 contributions; the local upgrade day adds the migrate benchmark's generated graph " +
      `(${BULK_GRAPH.nodes} nodes, ${BULK_GRAPH.nodes * BULK_GRAPH.relsPerNode} relationships) to blue, the embedded one does not.`,
    parameters: { bulkGraph: BULK_GRAPH },
  });
}
