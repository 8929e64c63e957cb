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

describe('policyFromConfig: every missed day (ADR 0023)', () => {
  it('defaults to all with a cap of 7 days and takes DCO_CATCH_UP and DCO_CATCH_UP_MAX_DAYS', () => {
    expect(policyFromConfig(loadConfig(OrchestratorConfig, {})).catchUp).toEqual({ policy: 'all', maxDays: 7 });
    expect(
      policyFromConfig(loadConfig(OrchestratorConfig, { DCO_CATCH_UP: 'last', DCO_CATCH_UP_MAX_DAYS: '0' })).catchUp,
    ).toEqual({ policy: 'last', maxDays: 0 });
    expect(policyFromConfig(loadConfig(OrchestratorConfig, { DCO_CATCH_UP: 'none' })).catchUp.policy).toBe('none');
  });

  it.each([
    ['DCO_CATCH_UP', 'ALL'],
    ['DCO_CATCH_UP', 'every'],
    ['DCO_CATCH_UP', 'all,last'],
    ['DCO_CATCH_UP_MAX_DAYS', 'seven'],
    ['DCO_CATCH_UP_MAX_DAYS', '2.5'],
    ['DCO_CATCH_UP_MAX_DAYS', '-1'],
    ['DCO_CATCH_UP_MAX_DAYS', '367'],
  ])('refuses %s=%s at boot with CONFIG.INVALID, naming the variable', (variable, value) => {
    const load = () => loadConfig(OrchestratorConfig, { [variable]: value });
    expect(load).toThrow(expect.objectContaining({ code: 'CONFIG.INVALID' }));
    expect(load).toThrow(`${variable} (got "${value}")`);
  });

  it('refuses a catch-up policy that reaches it unvalidated, naming the variable', () => {
    const config = loadConfig(OrchestratorConfig, {});
    Object.assign(config, { DCO_CATCH_UP: 'sometimes', DCO_CATCH_UP_MAX_DAYS: 1000 });
    expect(() => policyFromConfig(config)).toThrow(expect.objectContaining({ code: 'CONFIG.INVALID' }));
    expect(() => policyFromConfig(config)).toThrow(
      /DCO_CATCH_UP must be one of all, last, none.*DCO_CATCH_UP_MAX_DAYS/s,
    );
  });
});

describe('policyFromConfig: the update window (ADR 0027)', () => {
  it('defaults to tick and takes DCO_UPDATE_WINDOW=forecast', () => {
    expect(policyFromConfig(loadConfig(OrchestratorConfig, {})).updateWindow).toEqual({ policy: 'tick' });
    expect(
      policyFromConfig(loadConfig(OrchestratorConfig, { DCO_UPDATE_WINDOW: 'forecast' })).updateWindow.policy,
    ).toBe('forecast');
  });

  it.each([
    ['DCO_UPDATE_WINDOW', 'Forecast'],
    ['DCO_UPDATE_WINDOW', 'cheapest'],
    ['DCO_LOAD_SOURCE', 'prometheus'],
    ['DCO_LOAD_CLOUDWATCH_METRIC', 'CPUUtilization'],
    ['DCO_LOAD_HOLIDAYS', '2026-12-25,christmas'],
  ])('refuses %s=%s at boot with CONFIG.INVALID, naming the variable', (variable, value) => {
    expect(() => loadConfig(OrchestratorConfig, { [variable]: value })).toThrow(ConfigError);
    expect(() => loadConfig(OrchestratorConfig, { [variable]: value })).toThrow(variable);
  });
});

describe('policyFromConfig: the promotion through staging (ADR 0032)', () => {
  it('defaults to direct with a 30 min soak and takes DCO_PROMOTION and DCO_STAGING_SOAK_MS', () => {
    expect(policyFromConfig(loadConfig(OrchestratorConfig, {})).promotion).toEqual({
      policy: 'direct',
      soakMs: 1_800_000,
    });
    expect(
      policyFromConfig(loadConfig(OrchestratorConfig, { DCO_PROMOTION: 'staging-first', DCO_STAGING_SOAK_MS: '0' }))
        .promotion,
    ).toEqual({ policy: 'staging-first', soakMs: 0 });
  });

  it.each([
    ['DCO_PROMOTION', 'Staging-First'],
    ['DCO_PROMOTION', 'canary'],
    ['DCO_STAGING_SOAK_MS', 'half an hour'],
    ['DCO_STAGING_SOAK_MS', '1.5'],
    ['DCO_STAGING_SOAK_MS', '-1'],
    ['DCO_STAGING_SOAK_MS', String(6 * 3_600_000 + 1)],
  ])('refuses %s=%s at boot with CONFIG.INVALID, naming the variable', (variable, value) => {
    const load = () => loadConfig(OrchestratorConfig, { [variable]: value });
    expect(load).toThrow(expect.objectContaining({ code: 'CONFIG.INVALID' }));
    expect(load).toThrow(variable);
  });
});
