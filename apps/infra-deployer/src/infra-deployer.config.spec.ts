// The infra-deployer's variables are validated at boot, naming the variable; fractions and durations keep their defaults.
import { loadConfig } from '@dco/platform';
import { InfraDeployerConfig } from './infra-deployer.config';

describe('InfraDeployerConfig', () => {
  it('reads fractions and durations as numbers, with the rollout policy defaults', () => {
    expect(loadConfig(InfraDeployerConfig, {})).toMatchObject({
      DCO_ROLLOUT_CANARY_FRACTION: 0.1,
      DCO_ROLLOUT_GATE_MS: 30_000,
      DCO_ROLLOUT_MAX_ERROR_RATE: 0.01,
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
