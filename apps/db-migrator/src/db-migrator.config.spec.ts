// The db-migrator's fleet variables are validated at boot, naming the variable.
import { loadConfig } from '@dco/platform';
import { DbMigratorConfig } from './db-migrator.config';

describe('DbMigratorConfig: fleet tags', () => {
  it('takes key=value lists and refuses anything else, naming the variable', () => {
    expect(
      loadConfig(DbMigratorConfig, { DCO_ENV: 'staging', DCO_NEO4J_FLEET_TAGS: 'team=data, cost-center=42' }),
    ).toMatchObject({ DCO_NEO4J_FLEET_TAGS: 'team=data, cost-center=42' });
    for (const bad of ['team', 'a=b=c', 'aws:owner=me', 'team=data,']) {
      expect(() => loadConfig(DbMigratorConfig, { DCO_NEO4J_FLEET_TAGS: bad })).toThrow('DCO_NEO4J_FLEET_TAGS');
    }
  });
});

describe('DbMigratorConfig: the blue-green variables', () => {
  it('keeps the documented defaults', () => {
    expect(loadConfig(DbMigratorConfig, {})).toMatchObject({
      NEO4J_URI: 'bolt://127.0.0.1:17687',
      DCO_NEO4J_ON_SOURCE_CHANGED: 'recopy-frozen',
      DCO_NEO4J_HEAP_MB: 768,
      DCO_NEO4J_QUICK_START: false,
      DCO_STATE_DIR: '.stack',
    });
  });

  it('refuses malformed values at boot, in the CONFIG.INVALID: NAME (got "x"): ... format', () => {
    expect(() => loadConfig(DbMigratorConfig, { DCO_NEO4J_RETIRE_GRACE_MS: '15m' })).toThrow(
      'DCO_NEO4J_RETIRE_GRACE_MS (got "15m"): DCO_NEO4J_RETIRE_GRACE_MS must be a non-negative integer number of milliseconds',
    );
    expect(() => loadConfig(DbMigratorConfig, { DCO_NEO4J_CONSUMER_SERVICES: 'dco' })).toThrow(
      'DCO_NEO4J_CONSUMER_SERVICES (got "dco"): DCO_NEO4J_CONSUMER_SERVICES entries must be cluster/service, got "dco"',
    );
    expect(() => loadConfig(DbMigratorConfig, { DCO_NEO4J_QUICK_START: 'yes' })).toThrow(
      expect.objectContaining({ code: 'CONFIG.INVALID' }),
    );
  });

  it('takes the restore mode and read-ahead, and refuses anything else with CONFIG.INVALID naming the variable', () => {
    expect(loadConfig(DbMigratorConfig, {})).toMatchObject({ DCO_NEO4J_READ_AHEAD: 1 });
    expect(loadConfig(DbMigratorConfig, {}).DCO_NEO4J_RESTORE_MODE).toBeUndefined();
    expect(loadConfig(DbMigratorConfig, { DCO_NEO4J_RESTORE_MODE: 'online', DCO_NEO4J_READ_AHEAD: '4' })).toMatchObject(
      { DCO_NEO4J_RESTORE_MODE: 'online', DCO_NEO4J_READ_AHEAD: 4 },
    );
    expect(loadConfig(DbMigratorConfig, { DCO_NEO4J_RESTORE_MODE: 'offline-import' })).toMatchObject({
      DCO_NEO4J_RESTORE_MODE: 'offline-import',
    });
    for (const bad of ['offline', 'ONLINE', 'offline-import,online']) {
      expect(() => loadConfig(DbMigratorConfig, { DCO_NEO4J_RESTORE_MODE: bad })).toThrow(
        expect.objectContaining({
          code: 'CONFIG.INVALID',
          message: expect.stringContaining('DCO_NEO4J_RESTORE_MODE must be offline-import or online'),
        }),
      );
    }
    for (const bad of ['-1', '9', '1.5', 'two']) {
      expect(() => loadConfig(DbMigratorConfig, { DCO_NEO4J_READ_AHEAD: bad })).toThrow(
        expect.objectContaining({
          code: 'CONFIG.INVALID',
          message: expect.stringContaining('DCO_NEO4J_READ_AHEAD must be an integer from 0 to 8'),
        }),
      );
    }
  });
});

describe('DbMigratorConfig: the migration lease (ADR 0016)', () => {
  it('keeps the documented defaults and takes a bucket', () => {
    expect(loadConfig(DbMigratorConfig, { DCO_MIGRATION_LEASE_BUCKET: 'dco-state' })).toMatchObject({
      DCO_MIGRATION_LEASE_BUCKET: 'dco-state',
      DCO_MIGRATION_LEASE_PREFIX: 'db-migrator',
      DCO_MIGRATION_LEASE_TTL_MS: 120_000,
      DCO_MIGRATION_LEASE_RENEW_MS: 30_000,
    });
  });

  it('refuses each malformed lease variable, naming it', () => {
    const refused: [Record<string, string>, string][] = [
      [{ DCO_MIGRATION_LEASE_BUCKET: 'Bad_Bucket' }, 'DCO_MIGRATION_LEASE_BUCKET must be an S3 bucket name'],
      [{ DCO_MIGRATION_LEASE_PREFIX: '../x' }, 'DCO_MIGRATION_LEASE_PREFIX must be slash-separated'],
      [{ DCO_MIGRATION_LEASE_TTL_MS: 'soon' }, 'DCO_MIGRATION_LEASE_TTL_MS must be an integer'],
      [{ DCO_MIGRATION_LEASE_TTL_MS: '500' }, 'DCO_MIGRATION_LEASE_TTL_MS must be at least 1000'],
      [{ DCO_MIGRATION_LEASE_RENEW_MS: '50' }, 'DCO_MIGRATION_LEASE_RENEW_MS must be at least 100'],
      [
        { DCO_MIGRATION_LEASE_TTL_MS: '10000', DCO_MIGRATION_LEASE_RENEW_MS: '6000' },
        'DCO_MIGRATION_LEASE_RENEW_MS must be at most half DCO_MIGRATION_LEASE_TTL_MS',
      ],
    ];
    for (const [env, message] of refused) expect(() => loadConfig(DbMigratorConfig, env)).toThrow(message);
  });
});

describe('DbMigratorConfig: health of the Neo4j consumers before and after (ADR 0025)', () => {
  it('takes the same comparison variables as the infra-deployer, with the same defaults', () => {
    expect(loadConfig(DbMigratorConfig, {})).toMatchObject({
      DCO_HEALTH_REGRESSION_POLICY: 'rollback',
      DCO_HEALTH_WINDOW_MS: 60_000,
      DCO_HEALTH_MAX_NEO4J_LATENCY_RATIO: 1.5,
    });
    expect(
      loadConfig(DbMigratorConfig, {
        DCO_HEALTH_REGRESSION_POLICY: 'alert',
        DCO_HEALTH_ENDPOINTS: 'dco-runner=http://h/health|http://h/metrics',
      }),
    ).toMatchObject({ DCO_HEALTH_REGRESSION_POLICY: 'alert' });
  });

  it('refuses a malformed policy, ratio or endpoint list at boot, naming it', () => {
    const refused: [Record<string, string>, string][] = [
      [{ DCO_HEALTH_REGRESSION_POLICY: 'pray' }, 'DCO_HEALTH_REGRESSION_POLICY must be one of rollback, alert'],
      [
        { DCO_HEALTH_MAX_NEO4J_LATENCY_RATIO: '0.5' },
        'DCO_HEALTH_MAX_NEO4J_LATENCY_RATIO must be a ratio of at least 1',
      ],
      [
        { DCO_HEALTH_ENDPOINTS: 'dco-runner' },
        'DCO_HEALTH_ENDPOINTS entry "dco-runner" is not service=url[|metricsUrl]',
      ],
    ];
    for (const [env, message] of refused) expect(() => loadConfig(DbMigratorConfig, env)).toThrow(message);
  });
});
