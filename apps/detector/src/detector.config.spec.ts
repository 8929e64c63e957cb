// The detector looks for the Neo4j fleet's instances with the same scope as the db-migrator, validated the same way at boot.
import { loadConfig } from '@dco/platform';
import { DetectorConfig } from './detector.config';

describe('DetectorConfig: fleet scope', () => {
  it('takes DCO_ENV and key=value fleet tags, and refuses a malformed list naming the variable', () => {
    expect(loadConfig(DetectorConfig, { DCO_ENV: 'prod', DCO_NEO4J_FLEET_TAGS: 'team=data' })).toMatchObject({
      DCO_ENV: 'prod',
      DCO_NEO4J_FLEET_TAGS: 'team=data',
    });
    expect(() => loadConfig(DetectorConfig, { DCO_NEO4J_FLEET_TAGS: 'a=b=c' })).toThrow('DCO_NEO4J_FLEET_TAGS');
    expect(() => loadConfig(DetectorConfig, { DCO_ENV: 'a,b' })).toThrow('DCO_ENV');
  });
});

describe('DetectorConfig: the sources, the inbox and the stand-in', () => {
  it('keeps the documented defaults', () => {
    expect(loadConfig(DetectorConfig, {})).toMatchObject({
      DCO_NEO4J_AMI_OWNERS: 'self',
      DCO_NEO4J_AMI_NAME: 'neo4j-*',
      DCO_OFFERING_HORIZON_DAYS: 30,
      DCO_DETECT_SOURCE_TIMEOUT_MS: 10_000,
      DCO_ECS_CLUSTER: 'dco-autopilot',
      DCO_INFRA_ENGINE: 'tofu',
    });
  });

  it('refuses malformed lists at boot, naming the variable and hiding keys', () => {
    expect(() => loadConfig(DetectorConfig, { DCO_ENGINE_END_OF_SUPPORT: 'neo4j-5.20' })).toThrow(
      'DCO_ENGINE_END_OF_SUPPORT (got "neo4j-5.20"): DCO_ENGINE_END_OF_SUPPORT entry "neo4j-5.20" is not engine@version:YYYY-MM-DD',
    );
    expect(() => loadConfig(DetectorConfig, { DCO_SIMULATED_CHANGES: 'nonsense' })).toThrow(
      'DCO_SIMULATED_CHANGES (got "nonsense")',
    );
    expect(() => loadConfig(DetectorConfig, { DCO_EXTERNAL_KEYS: 'feed:c2hvcnQ=' })).toThrow(
      'DCO_EXTERNAL_KEYS (got "***")',
    );
    expect(() => loadConfig(DetectorConfig, { DCO_OFFERING_HORIZON_DAYS: '-1' })).toThrow(
      'DCO_OFFERING_HORIZON_DAYS (got "-1"): DCO_OFFERING_HORIZON_DAYS must be a non-negative number',
    );
  });
});

describe('DetectorConfig: the shared report store (ADR 0016)', () => {
  it('takes a bucket and prefix, with the documented default prefix', () => {
    expect(loadConfig(DetectorConfig, { DCO_EXTERNAL_BUCKET: 'dco-state' })).toMatchObject({
      DCO_EXTERNAL_BUCKET: 'dco-state',
      DCO_EXTERNAL_PREFIX: 'detector/external-reports',
    });
    expect(loadConfig(DetectorConfig, { DCO_EXTERNAL_PREFIX: 'prod/inbox' }).DCO_EXTERNAL_PREFIX).toBe('prod/inbox');
  });

  it('refuses a bucket that is not an S3 name and a prefix that could escape, naming the variable', () => {
    expect(() => loadConfig(DetectorConfig, { DCO_EXTERNAL_BUCKET: 'Bad_Bucket' })).toThrow(
      'DCO_EXTERNAL_BUCKET must be an S3 bucket name',
    );
    expect(() => loadConfig(DetectorConfig, { DCO_EXTERNAL_PREFIX: '../other' })).toThrow('DCO_EXTERNAL_PREFIX');
    expect(() => loadConfig(DetectorConfig, { DCO_EXTERNAL_PREFIX: '/abs' })).toThrow('DCO_EXTERNAL_PREFIX');
  });
});

describe('DetectorConfig: the remote Terraform state it compares (ADR 0016)', () => {
  it('shares the infra-deployer variables and their checks', () => {
    expect(loadConfig(DetectorConfig, { DCO_INFRA_BUCKET: 'dco-state' })).toMatchObject({
      DCO_INFRA_BUCKET: 'dco-state',
      DCO_INFRA_PREFIX: 'infra',
    });
    expect(() => loadConfig(DetectorConfig, { DCO_INFRA_BUCKET: 'x' })).toThrow('DCO_INFRA_BUCKET');
    expect(() => loadConfig(DetectorConfig, { DCO_INFRA_LOCK_TIMEOUT_MS: 'soon' })).toThrow(
      'DCO_INFRA_LOCK_TIMEOUT_MS',
    );
  });
});

describe('DetectorConfig: AWS offering changes from AWS (ADR 0022)', () => {
  it('takes an SSM image path, the green instance type (default r6i.large) and the retiring list override', () => {
    expect(loadConfig(DetectorConfig, {}).DCO_NEO4J_INSTANCE_TYPE).toBe('r6i.large');
    expect(
      loadConfig(DetectorConfig, {
        DCO_NEO4J_AMI_SSM_PATH: '/aws/service/neo4j/ami',
        DCO_NEO4J_INSTANCE_TYPE: 'm7g.xlarge',
        DCO_RETIRING_INSTANCE_TYPES: 'm4.large:2027-01-31,t2.medium',
      }),
    ).toMatchObject({
      DCO_NEO4J_AMI_SSM_PATH: '/aws/service/neo4j/ami',
      DCO_NEO4J_INSTANCE_TYPE: 'm7g.xlarge',
      DCO_RETIRING_INSTANCE_TYPES: 'm4.large:2027-01-31,t2.medium',
    });
  });

  it.each([
    ['DCO_NEO4J_AMI_SSM_PATH', 'aws/service/neo4j', 'is not an SSM parameter path'],
    ['DCO_NEO4J_INSTANCE_TYPE', 'R6I large', 'must be an EC2 instance type'],
    ['DCO_RETIRING_INSTANCE_TYPES', 'm4.large:31-01-2027', 'is not type[:YYYY-MM-DD]'],
  ])('refuses a malformed %s at boot with CONFIG.INVALID', (variable, value, problem) => {
    expect(() => loadConfig(DetectorConfig, { [variable]: value })).toThrow(
      expect.objectContaining({ code: 'CONFIG.INVALID', message: expect.stringContaining(problem) }),
    );
  });
});

describe('DetectorConfig: the npm registry (ADR 0029)', () => {
  it('takes a registry URL and an advisory feed package', () => {
    expect(
      loadConfig(DetectorConfig, {
        DCO_NPM_REGISTRY_URL: 'http://127.0.0.1:14873',
        DCO_NPM_ADVISORY_FEED: 'dco-advisories',
      }),
    ).toMatchObject({ DCO_NPM_REGISTRY_URL: 'http://127.0.0.1:14873', DCO_NPM_ADVISORY_FEED: 'dco-advisories' });
  });

  it('refuses a bad URL or feed name at boot naming the variable, never printing a URL password', () => {
    expect(() => loadConfig(DetectorConfig, { DCO_NPM_REGISTRY_URL: 'registry.npmjs.org' })).toThrow(
      'DCO_NPM_REGISTRY_URL',
    );
    let message = '';
    try {
      loadConfig(DetectorConfig, { DCO_NPM_REGISTRY_URL: 'https://me:hunter2@npm.example.com' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('must not carry credentials');
    expect(message).not.toContain('hunter2');
    expect(() => loadConfig(DetectorConfig, { DCO_NPM_ADVISORY_FEED: '../x' })).toThrow('DCO_NPM_ADVISORY_FEED');
  });
});
