import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MIGRATOR_V8_FLAGS } from './heap-tuning';

describe('the db-migrator V8 tuning', () => {
  it('names flags this Node knows (setFlagsFromString ignores an unknown one without a word)', () => {
    const run = spawnSync(process.execPath, [...MIGRATOR_V8_FLAGS, '-e', '0'], { encoding: 'utf8' });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    const unknown = spawnSync(process.execPath, ['--no-such-v8-flag-at-all', '-e', '0'], { encoding: 'utf8' });
    expect(unknown.status).not.toBe(0);
  });

  it('is applied by the service process and by the migrate bench before either starts its work', () => {
    const starts = {
      'apps/db-migrator/src/main.ts': 'runService(',
      'bench/support/migrate-migration.child.ts': 'main().catch',
    };
    for (const [file, start] of Object.entries(starts)) {
      const source = readFileSync(join(__dirname, '../../..', file), 'utf8');
      const call = source.indexOf('tuneV8ForMigrations();');
      expect([file, call > 0 && call < source.indexOf(start)]).toEqual([file, true]);
    }
  });
});
