// Parsing of the health endpoint list and of Prometheus request counters.
import { parseHealthEndpoints, requestCounts } from './http-health-probe.adapter';

describe('HttpHealthProbe parsing', () => {
  it('reads service=health|metrics pairs', () => {
    expect(parseHealthEndpoints('a=http://h/health|http://h/metrics, b=http://b/health')).toEqual({
      a: { healthUrl: 'http://h/health', metricsUrl: 'http://h/metrics' },
      b: { healthUrl: 'http://b/health' },
    });
    expect(() => parseHealthEndpoints('nonsense')).toThrow(expect.objectContaining({ code: 'CONFIG.INVALID' }));
  });

  it('sums 5xx and all requests of the counter only', () => {
    const text = [
      '# HELP http_requests_total requests',
      'http_requests_total{code="200",route="/"} 90',
      'http_requests_total{code="503",route="/"} 10',
      'http_requests_total_created 1',
      'other_total{code="500"} 7',
    ].join('\n');
    expect(requestCounts(text, 'http_requests_total')).toEqual({ total: 100, failed: 10 });
  });
});
