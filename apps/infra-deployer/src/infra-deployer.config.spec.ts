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
