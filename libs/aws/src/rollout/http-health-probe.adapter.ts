// HealthProbe over HTTP: GET the service's health URL (2xx = healthy) and read request counters from its Prometheus
// /metrics to compute the error rate between two samples. Locally this is how a rollout sees the real processes,
// since the AWS emulator does not run tasks (STACK-NOTES, ADR 0008).
import { ConfigError } from '@dco/contracts';
import { HealthProbe, HealthSample, HealthTarget } from './health-probe.port';

export interface HttpHealthEndpoint {
  healthUrl: string;
  metricsUrl?: string;
}

export interface HttpHealthProbeOptions {
  endpoints: Record<string, HttpHealthEndpoint>;
  timeoutMs?: number;
  /** Counter with a status/code label, e.g. http_requests_total{code="500"}. */
  requestCounter?: string;
}

/** Parses DCO_HEALTH_ENDPOINTS: "service=healthUrl|metricsUrl,other=healthUrl". */
export function parseHealthEndpoints(text: string | undefined): Record<string, HttpHealthEndpoint> {
  const endpoints: Record<string, HttpHealthEndpoint> = {};
  for (const entry of (text ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const separator = entry.indexOf('=');
    if (separator <= 0) throw new ConfigError(`DCO_HEALTH_ENDPOINTS entry "${entry}" is not service=url[|metricsUrl]`);
    const [healthUrl, metricsUrl] = entry.slice(separator + 1).split('|');
    endpoints[entry.slice(0, separator)] = { healthUrl, ...(metricsUrl ? { metricsUrl } : {}) };
  }
  return endpoints;
}

/** Sums a counter's samples by whether their status label is 5xx. */
export function requestCounts(metricsText: string, counter: string): { total: number; failed: number } {
  let total = 0;
  let failed = 0;
  for (const line of metricsText.split('\n')) {
    if (!line.startsWith(counter)) continue;
    const match = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+([0-9.eE+-]+)/);
    if (!match || match[1] !== counter) continue;
    const value = Number(match[3]);
    if (!Number.isFinite(value)) continue;
    total += value;
    if (/(?:status|code|status_code)="5\d\d"/.test(match[2] ?? '')) failed += value;
  }
  return { total, failed };
}

export class HttpHealthProbe implements HealthProbe {
  private readonly previous = new Map<string, { total: number; failed: number }>();

  constructor(private readonly options: HttpHealthProbeOptions) {}

  async sample(target: HealthTarget): Promise<HealthSample> {
    const endpoint = this.options.endpoints[target.service];
    if (!endpoint)
      return { healthy: false, detail: `no health endpoint configured for ${target.service} (DCO_HEALTH_ENDPOINTS)` };
    const health = await this.get(endpoint.healthUrl);
    let errorRate: number | undefined;
    let metricsDetail = '';
    if (endpoint.metricsUrl) {
      const metrics = await this.get(endpoint.metricsUrl);
      if (metrics.ok) {
        const counts = requestCounts(metrics.body, this.options.requestCounter ?? 'http_requests_total');
        const before = this.previous.get(target.service);
        this.previous.set(target.service, counts);
        const total = counts.total - (before && before.total <= counts.total ? before.total : 0);
        const failed = counts.failed - (before && before.total <= counts.total ? before.failed : 0);
        if (total > 0) errorRate = failed / total;
        metricsDetail = `; ${failed}/${total} requests failed`;
      } else {
        metricsDetail = `; metrics unavailable (${metrics.status})`;
      }
    }
    return {
      healthy: health.ok,
      ...(errorRate !== undefined ? { errorRate } : {}),
      detail: `${endpoint.healthUrl} answered ${health.status}${health.ok ? '' : ` ${health.body.slice(0, 200)}`}${metricsDetail}`,
    };
  }

  private async get(url: string): Promise<{ ok: boolean; status: string; body: string }> {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(this.options.timeoutMs ?? 2_000) });
      return { ok: response.ok, status: String(response.status), body: await response.text() };
    } catch (error) {
      return { ok: false, status: 'unreachable', body: error instanceof Error ? error.message : String(error) };
    }
  }
}
