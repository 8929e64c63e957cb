// The before/after health comparator: what counts as a regression, and what is too little traffic to judge.
import { HealthMeasurement } from '@dco/contracts';
import { DEFAULT_HEALTH_THRESHOLDS, compareHealth, describeRegressions } from './health-comparison';

const steady: HealthMeasurement = {
  requests: 500,
  latencyP99Ms: 100,
  errorRate: 0.002,
  neo4jQueries: 500,
  neo4jQueryP99Ms: 20,
};
const after = (change: Partial<HealthMeasurement>): HealthMeasurement => ({ ...steady, ...change });

describe('compareHealth', () => {
  it.each([
    ['the same health', {}, []],
    ['latency up to the ratio (1.5x)', { latencyP99Ms: 150 }, []],
    ['a release that doubles latency', { latencyP99Ms: 200 }, ['latency p99 100 ms -> 200 ms (2.00x, limit 1.50x)']],
    ['faster after', { latencyP99Ms: 40, neo4jQueryP99Ms: 5 }, []],
    ['error rate up by one point exactly', { errorRate: 0.012 }, []],
    ['error rate up by five points', { errorRate: 0.052 }, ['error rate 0.20% -> 5.20% (+5.00 points, limit +1.00)']],
    ['Neo4j queries twice as slow', { neo4jQueryP99Ms: 40 }, ['Neo4j query p99 20 ms -> 40 ms (2.00x, limit 1.50x)']],
    [
      'everything worse',
      { latencyP99Ms: 300, errorRate: 0.5, neo4jQueryP99Ms: 31 },
      [
        'latency p99 100 ms -> 300 ms (3.00x, limit 1.50x)',
        'error rate 0.20% -> 50.00% (+49.80 points, limit +1.00)',
        'Neo4j query p99 20 ms -> 31 ms (1.55x, limit 1.50x)',
      ],
    ],
  ])('given %s, finds %j', (_case, change, regressions) => {
    expect(compareHealth('dco-runner', steady, after(change), DEFAULT_HEALTH_THRESHOLDS)).toEqual({
      service: 'dco-runner',
      before: steady,
      after: after(change),
      regressions,
    });
  });

  it('uses the thresholds it is given', () => {
    const strict = { ...DEFAULT_HEALTH_THRESHOLDS, latencyRatio: 1.1, errorRateIncrease: 0 };
    expect(compareHealth('s', steady, after({ latencyP99Ms: 120, errorRate: 0.003 }), strict).regressions).toEqual([
      'latency p99 100 ms -> 120 ms (1.20x, limit 1.10x)',
      'error rate 0.20% -> 0.30% (+0.10 points, limit +0.00)',
    ]);
  });

  it('does not judge latency and error rate on too little traffic, and says so', () => {
    const comparison = compareHealth(
      's',
      { ...steady, requests: 5 },
      after({ latencyP99Ms: 900, errorRate: 1 }),
      DEFAULT_HEALTH_THRESHOLDS,
    );
    expect(comparison.regressions).toEqual([]);
    expect(comparison.inconclusive).toBe(
      'not judged, too little traffic: latency and error rate: 5 requests before, 500 after (at least 20 each)',
    );
  });

  it('judges Neo4j queries on their own count: a service without Neo4j metrics is not inconclusive', () => {
    const noNeo4j = { requests: 500, latencyP99Ms: 100, errorRate: 0, neo4jQueries: 0 };
    expect(compareHealth('s', noNeo4j, noNeo4j, DEFAULT_HEALTH_THRESHOLDS)).not.toHaveProperty('inconclusive');
    const fewQueries = compareHealth(
      's',
      { ...steady, neo4jQueries: 3 },
      after({ neo4jQueryP99Ms: 400 }),
      DEFAULT_HEALTH_THRESHOLDS,
    );
    expect(fewQueries.regressions).toEqual([]);
    expect(fewQueries.inconclusive).toContain('Neo4j query latency: 3 queries before, 500 after');
  });

  it('has no ratio against a zero or missing baseline', () => {
    expect(
      compareHealth('s', { ...steady, latencyP99Ms: 0 }, after({ latencyP99Ms: 50 }), DEFAULT_HEALTH_THRESHOLDS)
        .regressions,
    ).toEqual([]);
    const { latencyP99Ms: _dropped, ...withoutLatency } = steady;
    expect(
      compareHealth('s', withoutLatency, after({ latencyP99Ms: 500 }), DEFAULT_HEALTH_THRESHOLDS).regressions,
    ).toEqual([]);
  });

  it('describes the regressed services one line each', () => {
    const slow = compareHealth('dco-runner', steady, after({ latencyP99Ms: 250 }), DEFAULT_HEALTH_THRESHOLDS);
    const fine = compareHealth('detector', steady, steady, DEFAULT_HEALTH_THRESHOLDS);
    expect(describeRegressions([fine, slow])).toBe('dco-runner: latency p99 100 ms -> 250 ms (2.50x, limit 1.50x)');
  });
});
