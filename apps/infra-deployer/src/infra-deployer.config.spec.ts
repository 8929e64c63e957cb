// The infra-deployer's variables are validated at boot, naming the variable; fractions and durations keep their defaults.
import { loadConfig } from '@dco/platform';
import { InfraDeployerConfig } from './infra-deployer.config';

describe('InfraDeployerConfig', () => {
  it('reads fractions and durations as numbers, with the rollout policy defaults', () => {
    expect(loadConfig(InfraDeployerConfig, {})).toMatchObject({
      DCO_ROLLOUT_CANARY_FRACTION: 0.1,
      DCO_ROLLOUT_GATE_MS: 30_000,
      DCO_ROLLOUT_MAX_ERROR_RATE: 0.01,
      DCO_ROLLOUT_FAILURE_THRESHOLD: 2,
      DCO_INFRA_ENGINE: 'tofu',
    });
    expect(
      loadConfig(InfraDeployerConfig, { DCO_ROLLOUT_CANARY_FRACTION: '0.25', DCO_ROLLOUT_POLL_MS: '50' }),
    ).toMatchObject({ DCO_ROLLOUT_CANARY_FRACTION: 0.25, DCO_ROLLOUT_POLL_MS: 50 });
  });

  it('refuses malformed values at boot, in the CONFIG.INVALID: NAME (got "x"): ... format', () => {
    expect(() => loadConfig(InfraDeployerConfig, { DCO_ROLLOUT_GATE_MS: 'soon' })).toThrow(
      'DCO_ROLLOUT_GATE_MS (got "soon"): DCO_ROLLOUT_GATE_MS must be a non-negative number',
    );
    for (const [value, problem] of [
      ['0', 'must be at least 1'],
      ['1.5', 'must be an integer'],
      ['twice', 'must be an integer'],
      ['101', 'must be at most 100'],
    ])
      expect(() => loadConfig(InfraDeployerConfig, { DCO_ROLLOUT_FAILURE_THRESHOLD: value })).toThrow(
        new RegExp(`DCO_ROLLOUT_FAILURE_THRESHOLD \\(got "${value}"\\): .*DCO_ROLLOUT_FAILURE_THRESHOLD ${problem}`),
      );
    expect(() => loadConfig(InfraDeployerConfig, { DCO_HEALTH_ENDPOINTS: 'nonsense' })).toThrow(
      'DCO_HEALTH_ENDPOINTS (got "nonsense"): DCO_HEALTH_ENDPOINTS entry "nonsense" is not service=url[|metricsUrl]',
    );
    expect(() => loadConfig(InfraDeployerConfig, { DCO_INFRA_ENGINE: 'terraform' })).toThrow(
      'DCO_INFRA_ENGINE must be tofu or simulated',
    );
  });
});

describe('InfraDeployerConfig: remote state (ADR 0016)', () => {
  it('takes a bucket, a prefix and a lock timeout, with the documented defaults', () => {
    expect(loadConfig(InfraDeployerConfig, {})).toMatchObject({
      DCO_INFRA_PREFIX: 'infra',
      DCO_INFRA_LOCK_TIMEOUT_MS: 60_000,
    });
    expect(
      loadConfig(InfraDeployerConfig, {
        DCO_INFRA_BUCKET: 'dco-state',
        DCO_INFRA_PREFIX: 'prod/infra',
        DCO_INFRA_LOCK_TIMEOUT_MS: '5000',
      }),
    ).toMatchObject({ DCO_INFRA_BUCKET: 'dco-state', DCO_INFRA_PREFIX: 'prod/infra', DCO_INFRA_LOCK_TIMEOUT_MS: 5000 });
  });

  it('refuses each malformed remote-state variable, naming it', () => {
    const refused: [Record<string, string>, string][] = [
      [{ DCO_INFRA_BUCKET: 'Not_A_Bucket' }, 'DCO_INFRA_BUCKET must be an S3 bucket name'],
      [{ DCO_INFRA_PREFIX: '../other-env' }, 'DCO_INFRA_PREFIX must be slash-separated'],
      [{ DCO_INFRA_PREFIX: 'a//b' }, 'DCO_INFRA_PREFIX must be slash-separated'],
      [{ DCO_INFRA_LOCK_TIMEOUT_MS: 'a minute' }, 'DCO_INFRA_LOCK_TIMEOUT_MS must be an integer'],
      [{ DCO_INFRA_LOCK_TIMEOUT_MS: '-1' }, 'DCO_INFRA_LOCK_TIMEOUT_MS must not be negative'],
    ];
    for (const [env, message] of refused) expect(() => loadConfig(InfraDeployerConfig, env)).toThrow(message);
  });
});

describe('InfraDeployerConfig: health before and after a rollout (ADR 0025)', () => {
  it('defaults to rolling a regression back, with 1.5x latency, +1 point of errors and 60 s windows', () => {
    expect(loadConfig(InfraDeployerConfig, {})).toMatchObject({
      DCO_HEALTH_REGRESSION_POLICY: 'rollback',
      DCO_HEALTH_WINDOW_MS: 60_000,
      DCO_HEALTH_MAX_LATENCY_RATIO: 1.5,
      DCO_HEALTH_MAX_NEO4J_LATENCY_RATIO: 1.5,
      DCO_HEALTH_MAX_ERROR_RATE_INCREASE: 0.01,
      DCO_HEALTH_MIN_REQUESTS: 20,
      DCO_HEALTH_LATENCY_HISTOGRAM: 'http_request_duration_seconds',
    });
    expect(
      loadConfig(InfraDeployerConfig, {
        DCO_HEALTH_REGRESSION_POLICY: 'alert',
        DCO_HEALTH_MAX_LATENCY_RATIO: '2',
        DCO_HEALTH_WINDOW_MS: '0',
      }),
    ).toMatchObject({
      DCO_HEALTH_REGRESSION_POLICY: 'alert',
      DCO_HEALTH_MAX_LATENCY_RATIO: 2,
      DCO_HEALTH_WINDOW_MS: 0,
    });
  });

  it('refuses each unusable threshold or policy at boot, naming it', () => {
    const refused: [Record<string, string>, string][] = [
      [{ DCO_HEALTH_REGRESSION_POLICY: 'ignore' }, 'DCO_HEALTH_REGRESSION_POLICY must be one of rollback, alert'],
      [{ DCO_HEALTH_MAX_LATENCY_RATIO: '0.8' }, 'DCO_HEALTH_MAX_LATENCY_RATIO must be a ratio of at least 1'],
      [{ DCO_HEALTH_MAX_LATENCY_RATIO: 'double' }, 'DCO_HEALTH_MAX_LATENCY_RATIO must be a ratio of at least 1'],
      [{ DCO_HEALTH_MAX_NEO4J_LATENCY_RATIO: '0' }, 'DCO_HEALTH_MAX_NEO4J_LATENCY_RATIO must be a ratio of at least 1'],
      [
        { DCO_HEALTH_MAX_ERROR_RATE_INCREASE: '5' },
        'DCO_HEALTH_MAX_ERROR_RATE_INCREASE must be a share between 0 and 1',
      ],
      [
        { DCO_HEALTH_MAX_ERROR_RATE_INCREASE: '-0.1' },
        'DCO_HEALTH_MAX_ERROR_RATE_INCREASE must be a non-negative number',
      ],
      [{ DCO_HEALTH_WINDOW_MS: '1m' }, 'DCO_HEALTH_WINDOW_MS must be a non-negative number'],
      [{ DCO_HEALTH_MIN_REQUESTS: '0' }, 'DCO_HEALTH_MIN_REQUESTS must be at least 1'],
      [{ DCO_HEALTH_MIN_REQUESTS: '2.5' }, 'DCO_HEALTH_MIN_REQUESTS must be a whole number'],
      [
        { DCO_HEALTH_LATENCY_HISTOGRAM: 'p99 latency' },
        'DCO_HEALTH_LATENCY_HISTOGRAM must be a Prometheus metric name',
      ],
    ];
    for (const [env, message] of refused) {
      expect(() => loadConfig(InfraDeployerConfig, env)).toThrow(expect.objectContaining({ code: 'CONFIG.INVALID' }));
      expect(() => loadConfig(InfraDeployerConfig, env)).toThrow(message);
    }
  });
});
