// The db-migrator's fleet variables are validated at boot, naming the variable.
import { loadConfig } from '@dco/platform';
import { DbMigratorConfig } from './db-migrator.config';

describe('DbMigratorConfig: fleet tags', () => {
  it('takes key=value lists and refuses anything else, naming the variable', () => {
    expect(loadConfig(DbMigratorConfig, { DCO_ENV: 'staging', DCO_NEO4J_FLEET_TAGS: 'team=data, cost-center=42' })).toMatchObject({ DCO_NEO4J_FLEET_TAGS: 'team=data, cost-center=42' });
    for (const bad of ['team', 'a=b=c', 'aws:owner=me', 'team=data,']) {
      expect(() => loadConfig(DbMigratorConfig, { DCO_NEO4J_FLEET_TAGS: bad })).toThrow('DCO_NEO4J_FLEET_TAGS');
    }
  });
});
