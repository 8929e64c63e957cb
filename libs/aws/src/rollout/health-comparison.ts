// Health after an update against health before it: the pure comparator that decides whether a rollout or migration
// regressed (ADR 0025). No I/O: the measurements come in, the verdict goes out.
import { HealthMeasurement, ServiceHealthComparison } from '@dco/contracts';

export interface HealthThresholds {
  /** Highest tolerated p99 latency after / before, >= 1 (1.5: half as slow again). */
  latencyRatio: number;
  /** Highest tolerated rise of the error rate, in share of requests, 0..1 (0.01: one percentage point). */
  errorRateIncrease: number;
  /** Highest tolerated Neo4j query p99 after / before, >= 1. */
  neo4jLatencyRatio: number;
  /** Fewest requests (or queries) in each window for its measures to be judged at all. */
  minRequests: number;
}

export const DEFAULT_HEALTH_THRESHOLDS: HealthThresholds = {
  latencyRatio: 1.5,
  errorRateIncrease: 0.01,
  neo4jLatencyRatio: 1.5,
  minRequests: 20,
};

export const HEALTH_REGRESSION_POLICIES = ['rollback', 'alert'] as const;
/** What a regression leads to: the service back on its previous revision (and the step failed), or only an alert. */
export type HealthRegressionPolicy = (typeof HEALTH_REGRESSION_POLICIES)[number];

export function compareHealth(
  service: string,
  before: HealthMeasurement,
  after: HealthMeasurement,
  thresholds: HealthThresholds,
): ServiceHealthComparison {
  const regressions: string[] = [];
  const unjudged: string[] = [];
  if (Math.min(before.requests, after.requests) < thresholds.minRequests) {
    unjudged.push(
      `latency and error rate: ${before.requests} requests before, ${after.requests} after (at least ${thresholds.minRequests} each)`,
    );
  } else {
    const latency = ratioRegression('latency p99', before.latencyP99Ms, after.latencyP99Ms, thresholds.latencyRatio);
    if (latency) regressions.push(latency);
    if (before.errorRate !== undefined && after.errorRate !== undefined) {
      const increase = after.errorRate - before.errorRate;
      if (increase > thresholds.errorRateIncrease)
        regressions.push(
          `error rate ${percent(before.errorRate)} -> ${percent(after.errorRate)} (+${points(increase)} points, limit +${points(thresholds.errorRateIncrease)})`,
        );
    }
  }
  if (before.neo4jQueries > 0 || after.neo4jQueries > 0) {
    if (Math.min(before.neo4jQueries, after.neo4jQueries) < thresholds.minRequests) {
      unjudged.push(
        `Neo4j query latency: ${before.neo4jQueries} queries before, ${after.neo4jQueries} after (at least ${thresholds.minRequests} each)`,
      );
    } else {
      const neo4j = ratioRegression(
        'Neo4j query p99',
        before.neo4jQueryP99Ms,
        after.neo4jQueryP99Ms,
        thresholds.neo4jLatencyRatio,
      );
      if (neo4j) regressions.push(neo4j);
    }
  }
  return {
    service,
    before,
    after,
    regressions,
    ...(unjudged.length > 0 ? { inconclusive: `not judged, too little traffic: ${unjudged.join('; ')}` } : {}),
  };
}

/** One line per regressed service, for an alert or a failure message. */
export function describeRegressions(comparisons: readonly ServiceHealthComparison[]): string {
  return comparisons
    .filter((comparison) => comparison.regressions.length > 0)
    .map((comparison) => `${comparison.service}: ${comparison.regressions.join('; ')}`)
    .join('\n');
}

function ratioRegression(
  measure: string,
  before: number | undefined,
  after: number | undefined,
  limit: number,
): string | undefined {
  // A zero baseline has no ratio; sub-millisecond p99s are below what the histograms resolve anyway.
  if (before === undefined || after === undefined || before <= 0) return undefined;
  const ratio = after / before;
  if (ratio <= limit) return undefined;
  return `${measure} ${milliseconds(before)} -> ${milliseconds(after)} (${ratio.toFixed(2)}x, limit ${limit.toFixed(2)}x)`;
}

const milliseconds = (value: number) => `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;
const percent = (share: number) => `${(share * 100).toFixed(2)}%`;
const points = (share: number) => (share * 100).toFixed(2);
