// HealthMeter over a service's Prometheus /metrics: two scrapes a window apart; the increase of the request counter
// gives the requests and the error rate, the increase of the latency histograms their p99.
import { setTimeout as delay } from 'node:timers/promises';
import { HealthMeasurement } from '@dco/contracts';
import { HealthMeter } from './health-meter.port';
import { HttpHealthEndpoint, requestCounts } from './http-health-probe.adapter';
import { bucketIncrease, histogramBuckets, histogramQuantile, observationCount } from './prometheus-histogram';

export interface HealthMetricNames {
  /** Counter of requests with a status/code label. */
  requestCounter: string;
  /** Histogram of request durations in seconds. */
  latencyHistogram: string;
  /** Histogram of Neo4j query durations in seconds. */
  neo4jHistogram: string;
}

export const DEFAULT_HEALTH_METRIC_NAMES: HealthMetricNames = {
  requestCounter: 'http_requests_total',
  latencyHistogram: 'http_request_duration_seconds',
  neo4jHistogram: 'dco_neo4j_query_duration_seconds',
};

export class HttpHealthMeter implements HealthMeter {
  constructor(
    private readonly endpoints: Record<string, HttpHealthEndpoint>,
    private readonly names: HealthMetricNames = DEFAULT_HEALTH_METRIC_NAMES,
    private readonly timeoutMs = 2_000,
  ) {}

  async measure(service: string, windowMs: number): Promise<HealthMeasurement | undefined> {
    const url = this.endpoints[service]?.metricsUrl;
    if (!url) return undefined;
    const first = await this.scrape(url);
    if (first === undefined) return undefined;
    await delay(windowMs);
    const second = await this.scrape(url);
    if (second === undefined) return undefined;
    return this.between(first, second);
  }

  /** The health between two scrapes of the same service. */
  between(first: string, second: string): HealthMeasurement {
    const countsBefore = requestCounts(first, this.names.requestCounter);
    const countsAfter = requestCounts(second, this.names.requestCounter);
    const reset = countsAfter.total < countsBefore.total;
    const requests = reset ? countsAfter.total : countsAfter.total - countsBefore.total;
    const failed = reset ? countsAfter.failed : countsAfter.failed - countsBefore.failed;
    const latency = bucketIncrease(
      histogramBuckets(first, this.names.latencyHistogram),
      histogramBuckets(second, this.names.latencyHistogram),
    );
    const neo4j = bucketIncrease(
      histogramBuckets(first, this.names.neo4jHistogram),
      histogramBuckets(second, this.names.neo4jHistogram),
    );
    const latencyP99 = histogramQuantile(0.99, latency);
    const neo4jP99 = histogramQuantile(0.99, neo4j);
    return {
      requests,
      ...(latencyP99 !== undefined ? { latencyP99Ms: round(latencyP99 * 1000) } : {}),
      ...(requests > 0 ? { errorRate: failed / requests } : {}),
      neo4jQueries: observationCount(neo4j),
      ...(neo4jP99 !== undefined ? { neo4jQueryP99Ms: round(neo4jP99 * 1000) } : {}),
    };
  }

  private async scrape(url: string): Promise<string | undefined> {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(this.timeoutMs) });
      return response.ok ? await response.text() : undefined;
    } catch {
      // An unreachable endpoint is a measurement that could not be taken, reported as such by the caller.
      return undefined;
    }
  }
}

const round = (value: number) => Math.round(value * 1000) / 1000;
