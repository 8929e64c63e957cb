// The detector looks for the Neo4j fleet's instances with the same scope as the db-migrator, validated the same way at boot.
import { loadConfig } from '@dco/platform';
import { DetectorConfig } from './detector.config';

describe('DetectorConfig: fleet scope', () => {
  it('takes DCO_ENV and key=value fleet tags, and refuses a malformed list naming the variable', () => {
    expect(loadConfig(DetectorConfig, { DCO_ENV: 'prod', DCO_NEO4J_FLEET_TAGS: 'team=data' })).toMatchObject({ DCO_ENV: 'prod', DCO_NEO4J_FLEET_TAGS: 'team=data' });
    expect(() => loadConfig(DetectorConfig, { DCO_NEO4J_FLEET_TAGS: 'a=b=c' })).toThrow('DCO_NEO4J_FLEET_TAGS');
    expect(() => loadConfig(DetectorConfig, { DCO_ENV: 'a,b' })).toThrow('DCO_ENV');
  });
});
