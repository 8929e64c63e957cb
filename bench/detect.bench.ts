// Benchmark "detect": full change detection of a no-change day on the local stack (AWS emulator + real tofu), against
// a naive baseline measured in the same run (sources one after another, Terraform always planned).
import 'reflect-metadata';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CreateTagsCommand, EC2Client, RegisterImageCommand, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { localEmulatorOptions } from '@dco/aws';
import { loadConfig } from '@dco/platform';
import { buildDetectChanges, DetectChangesEnvironmentConfig, InMemoryExternalReportStore } from '../apps/detector/src';
import { localInfra } from '../apps/infra-deployer/src/apply-infra/local-infra.fixture';
import { BenchResult, benchResult, percentile, progress, round, writeResult } from './support/result';

const ITERATIONS = Number(process.env.DCO_BENCH_ITERATIONS ?? 20);
const TARGET_S = 1;

export async function run(): Promise<BenchResult> {
  const endpoint = localEmulatorOptions().endpoint ?? '';
  process.stderr.write(`detect bench: setting up a private fleet and infrastructure on ${endpoint}\n`);
  const infra = await localInfra();
  const ec2 = new EC2Client(localEmulatorOptions());
  try {
    await infra.applyInfra.execute('dco-2026-11-01', { day: '2026-11-01', changes: [] });
    const env = `bench${Date.now().toString(36)}`;
    const { ImageId } = await ec2.send(new RegisterImageCommand({ Name: `neo4j-${env}-5.26.19-x86_64` }));
    await ec2.send(
      new CreateTagsCommand({ Resources: [ImageId ?? ''], Tags: [{ Key: 'dco:neo4j-version', Value: '5.26.19' }] }),
    );
    await ec2.send(
      new RunInstancesCommand({
        ImageId,
        InstanceType: 'r6i.large',
        MinCount: 1,
        MaxCount: 1,
        TagSpecifications: [
          {
            ResourceType: 'instance',
            Tags: [
              { Key: 'dco:role', Value: 'neo4j' },
              { Key: 'dco:env', Value: env },
            ],
          },
        ],
      }),
    );
    const manifest = join(infra.root, 'release-manifest.json');
    await writeFile(
      manifest,
      JSON.stringify({ services: { 'dco-runner': { image: 'dco-autopilot/dco-runner:0.1.0' } } }),
    );
    const detector = buildDetectChanges(
      loadConfig(DetectChangesEnvironmentConfig, {
        ...process.env,
        DCO_AWS_ENDPOINT: endpoint,
        DCO_INFRA_STATE_DIR: join(infra.root, 'state'),
        DCO_INFRA_CONFIG_DIR: infra.configDir,
        DCO_NEO4J_AMI_NAME: `neo4j-${env}-*`,
        DCO_NEO4J_FLEET_TAGS: `dco:env=${env}`,
        DCO_RELEASE_MANIFEST: manifest,
        DCO_ECS_CLUSTER: infra.cluster,
      }),
      { clock: { now: () => new Date() }, store: new InMemoryExternalReportStore() },
    );

    const check = await detector.handler.execute('2026-11-02');
    const failed = check.sources.filter((source) => source.status !== 'ok');
    if (check.changes.length > 0 || failed.length > 0) {
      throw new Error(`not a no-change day: ${JSON.stringify({ changes: check.changes, failed })}`);
    }

    const measured: number[] = [];
    for (let index = 0; index < ITERATIONS; index++) {
      const started = performance.now();
      const result = await detector.handler.execute('2026-11-02');
      measured.push((performance.now() - started) / 1000);
      if (result.changes.length > 0) throw new Error('a change appeared during the benchmark');
      progress('detect', index + 1, ITERATIONS);
    }

    // Baseline: what detection costs without its two design choices (parallel sources, plan only on a hash change).
    const baseline: number[] = [];
    const baselineRuns = Math.max(3, Math.floor(ITERATIONS / 4));
    for (let index = 0; index < baselineRuns; index++) {
      const started = performance.now();
      for (const source of detector.sources) await source.detect({ day: '2026-11-02', now: new Date() });
      await detector.workspace.planHasChanges();
      baseline.push((performance.now() - started) / 1000);
      progress('baseline', index + 1, baselineRuns);
    }

    const metrics = {
      no_change_detect_s: round(percentile(measured, 50), 4),
      no_change_detect_p95_s: round(percentile(measured, 95), 4),
      no_change_detect_max_s: round(Math.max(...measured), 4),
    };
    const baselineMetrics = { no_change_detect_s: round(percentile(baseline, 50), 4) };
    console.log(
      `detect: no-change day ${metrics.no_change_detect_s}s median, ${metrics.no_change_detect_p95_s}s p95 over ${ITERATIONS} runs ` +
        `(target <= ${TARGET_S}s: ${metrics.no_change_detect_p95_s <= TARGET_S ? 'met' : 'MISSED'}); naive baseline ${baselineMetrics.no_change_detect_s}s`,
    );
    return benchResult('detect', {
      iterations: ITERATIONS,
      target: { no_change_detect_s: TARGET_S },
      metrics,
      baseline: baselineMetrics,
      ratios: { no_change_detect: round(metrics.no_change_detect_s / baselineMetrics.no_change_detect_s) },
    });
  } finally {
    ec2.destroy();
    await infra.close();
  }
}

if (require.main === module) {
  run()
    .then(writeResult)
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
