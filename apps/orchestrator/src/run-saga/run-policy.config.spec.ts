// The orchestrator's policy variables: SAGA_MAX_RUN_MS becomes the policy's maximum run time; a bad value names the variable.
import { ConfigError, loadConfig } from '@dco/platform';
import { OrchestratorConfig } from '../orchestrator.config';
import { policyFromConfig } from './run-policy.config';

describe('policyFromConfig: maximum run time', () => {
  it('defaults to 6 hours and takes SAGA_MAX_RUN_MS', () => {
    expect(policyFromConfig(loadConfig(OrchestratorConfig, {})).maxRunMs).toBe(6 * 3_600_000);
    expect(policyFromConfig(loadConfig(OrchestratorConfig, { SAGA_MAX_RUN_MS: '5400000' })).maxRunMs).toBe(5_400_000);
  });

  it.each(['abc', '1.5', '0', '999', '-60000', String(8 * 24 * 3_600_000)])(
    'refuses SAGA_MAX_RUN_MS=%s, naming the variable',
    (value) => {
      expect(() => loadConfig(OrchestratorConfig, { SAGA_MAX_RUN_MS: value })).toThrow(ConfigError);
      expect(() => loadConfig(OrchestratorConfig, { SAGA_MAX_RUN_MS: value })).toThrow(
        `SAGA_MAX_RUN_MS (got "${value}")`,
      );
    },
  );
});
