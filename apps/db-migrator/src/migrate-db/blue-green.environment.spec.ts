// The blue-green environment refuses malformed variables before it starts anything, naming the variable.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CodedError } from '@dco/contracts';
import { blueGreenEnvironmentFromEnv, restoreModeOf } from './blue-green.environment';

describe('blueGreenEnvironmentFromEnv', () => {
  let cache: string;
  beforeEach(() => {
    cache = mkdtempSync(join(tmpdir(), 'neo4j-jvm-'));
  });
  afterEach(() => rmSync(cache, { recursive: true, force: true }));

  it('refuses a DCO_NEO4J_QUICK_START that is not true or false, naming it', async () => {
    const stateDir = join(cache, 'state');
    const building = blueGreenEnvironmentFromEnv({
      DCO_PROFILE: 'local',
      DCO_STATE_DIR: stateDir,
      DCO_NEO4J_QUICK_START: 'yes',
    });
    await expect(building).rejects.toBeInstanceOf(CodedError);
    await expect(building).rejects.toMatchObject({
      code: 'CONFIG.INVALID',
      message: expect.stringContaining('DCO_NEO4J_QUICK_START'),
    });
  });

  it('imports offline by default on the local runtime only, and refuses offline-import where there is none', async () => {
    expect(restoreModeOf('local', undefined)).toBe('online');
    expect(restoreModeOf('local', 'offline-import')).toBe('offline-import');
    expect(restoreModeOf('local', 'online')).toBe('online');
    expect(restoreModeOf('aws', undefined)).toBe('online');
    expect(restoreModeOf('embedded', undefined)).toBe('online');
    for (const profile of ['aws', 'embedded']) {
      expect(() => restoreModeOf(profile, 'offline-import')).toThrow(
        expect.objectContaining({ code: 'CONFIG.INVALID', message: expect.stringContaining('DCO_NEO4J_RESTORE_MODE') }),
      );
    }
    await expect(
      blueGreenEnvironmentFromEnv({ DCO_PROFILE: 'embedded', DCO_NEO4J_RESTORE_MODE: 'offline-import' }),
    ).rejects.toMatchObject({ code: 'CONFIG.INVALID' });
  });
});
