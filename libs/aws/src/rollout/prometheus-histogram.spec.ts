// Histogram quantiles from the Prometheus text format, and the health between two scrapes of a service's /metrics.
import { HttpHealthMeter } from './http-health-meter.adapter';
import { bucketIncrease, histogramBuckets, histogramQuantile } from './prometheus-histogram';

const scrape = (buckets: Record<string, number>, name = 'http_request_duration_seconds', labels = 'route="/"') =>
  Object.entries(buckets)
    .map(([le, count]) => `${name}_bucket{${labels},le="${le}"} ${count}`)
    .join('\n');

describe('Prometheus histograms', () => {
  it('sums the buckets of one histogram over its label sets, ignoring other series', () => {
    const text = [
      '# TYPE http_request_duration_seconds histogram',
      scrape({ '0.1': 3, '+Inf': 4 }, 'http_request_duration_seconds', 'code="200"'),
      scrape({ '0.1': 1, '+Inf': 1 }, 'http_request_duration_seconds', 'code="500"'),
      'http_request_duration_seconds_sum 0.4',
      'http_request_duration_seconds_count 5',
      scrape({ '0.1': 9, '+Inf': 9 }, 'other_seconds'),
    ].join('\n');
    expect(histogramBuckets(text, 'http_request_duration_seconds')).toEqual(
      new Map([
        [0.1, 4],
        [Infinity, 5],
      ]),
    );
  });

  it('interpolates the quantile inside its bucket as histogram_quantile does', () => {
    const buckets = new Map([
      [0.05, 0],
      [0.1, 50],
      [0.2, 100],
      [Infinity, 100],
    ]);
    expect(histogramQuantile(0.5, buckets)).toBeCloseTo(0.1);
    expect(histogramQuantile(0.99, buckets)).toBeCloseTo(0.198);
    expect(histogramQuantile(0.25, buckets)).toBeCloseTo(0.075);
  });

  it('answers the highest finite bound for a quantile in +Inf, and nothing without observations', () => {
    expect(
      histogramQuantile(
        0.99,
        new Map([
          [0.1, 10],
          [Infinity, 100],
        ]),
      ),
    ).toBe(0.1);
    expect(histogramQuantile(0.99, new Map([[Infinity, 0]]))).toBeUndefined();
    expect(histogramQuantile(0.99, new Map())).toBeUndefined();
  });

  it('takes the increase between two scrapes, or the later scrape after a counter reset', () => {
    const first = new Map([
      [0.1, 10],
      [Infinity, 12],
    ]);
    expect(
      bucketIncrease(
        first,
        new Map([
          [0.1, 15],
          [Infinity, 20],
        ]),
      ),
    ).toEqual(
      new Map([
        [0.1, 5],
        [Infinity, 8],
      ]),
    );
    const restarted = new Map([
      [0.1, 2],
      [Infinity, 3],
    ]);
    expect(bucketIncrease(first, restarted)).toEqual(restarted);
  });
});

describe('HttpHealthMeter.between', () => {
  const meter = new HttpHealthMeter({});
  const metrics = (ok: number, failed: number, latency: Record<string, number>, neo4j: Record<string, number>) =>
    [
      `http_requests_total{code="200"} ${ok}`,
      `http_requests_total{code="500"} ${failed}`,
      scrape(latency),
      scrape(neo4j, 'dco_neo4j_query_duration_seconds', 'query="read"'),
    ].join('\n');

  it('measures requests, error rate and both p99s over the window between two scrapes', () => {
    const first = metrics(100, 0, { '0.1': 100, '0.2': 100, '+Inf': 100 }, { '0.01': 50, '0.02': 50, '+Inf': 50 });
    const second = metrics(290, 10, { '0.1': 100, '0.2': 300, '+Inf': 300 }, { '0.01': 50, '0.02': 150, '+Inf': 150 });
    expect(meter.between(first, second)).toEqual({
      requests: 200,
      latencyP99Ms: 199,
      errorRate: 0.05,
      neo4jQueries: 100,
      neo4jQueryP99Ms: 19.9,
    });
  });

  it('reports only the request count when the service exposes no histograms and saw no traffic', () => {
    expect(meter.between('http_requests_total{code="200"} 7', 'http_requests_total{code="200"} 7')).toEqual({
      requests: 0,
      neo4jQueries: 0,
    });
  });
});
