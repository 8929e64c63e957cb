// `npm run bench -- dr`: the three DR drills once each on the local stack (ADR 0026); the figures are `dco drill all`'s
// (bench/results/dr.json): RTO and RPO per kind, the baseline each drill times on the healthy system, the machine load.
// The neo4j-loss graph has 1,000,000 nodes here (the target: RTO <= 5 min for it); DCO_DRILL_NEO4J_NODES overrides.
import 'reflect-metadata';
import { loadConfig } from '@dco/platform';
import { LOCAL_AWS_ENDPOINT } from '@dco/aws';
import { DrillConfig } from '../apps/cli/src/drill/drill.config';
import { DRILL_KINDS } from '../apps/cli/src/drill/drill.model';
import { drillReport, loadNow, publishDrillOutcomes, runDrills } from '../apps/cli/src/drill/drill.runner';
import { BenchResult } from './support/result';

export async function run(): Promise<BenchResult> {
  const env = { DCO_AWS_ENDPOINT: LOCAL_AWS_ENDPOINT, DCO_DRILL_NEO4J_NODES: '1000000', ...process.env };
  const config = loadConfig(DrillConfig, env);
  const atStart = loadNow();
  const outcomes = await runDrills(DRILL_KINDS, config, env);
  const report = drillReport(outcomes, config, { atStart, atEnd: loadNow() });
  await publishDrillOutcomes(outcomes, config);
  for (const miss of report.misses) process.stderr.write(`missed: ${miss}\n`);
  return report;
}
