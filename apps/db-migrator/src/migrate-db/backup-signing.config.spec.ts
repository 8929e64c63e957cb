// The backup keys are validated at boot (never echoed), and each profile gets its signer: configured, required in aws,
// generated per process in embedded, generated once per state directory in local.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@dco/platform';
import { DbMigratorConfig } from '../db-migrator.config';
import { backupSignerOf, LOCAL_BACKUP_KEY_FILE } from './backup-signing.config';

const secret = Buffer.alloc(32, 4).toString('base64');
const other = Buffer.alloc(32, 6).toString('base64');

describe('backup signing configuration', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'dco-backup-keys-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a malformed key at boot with CONFIG.INVALID naming the variable, without echoing it', () => {
    for (const [name, value] of [
      ['DCO_BACKUP_SIGNING_KEY', secret],
      ['DCO_BACKUP_SIGNING_KEY', `k1:${secret},k2:${secret}`],
      ['DCO_BACKUP_SIGNING_KEY', 'k1:dG9vIHNob3J0'],
      ['DCO_BACKUP_VERIFY_KEYS', `old:${secret},old:${other}`],
    ]) {
      const error = (() => {
        try {
          loadConfig(DbMigratorConfig, { [name]: value });
        } catch (e) {
          return e as Error & { code: string };
        }
      })();
      expect(error).toMatchObject({ code: 'CONFIG.INVALID', message: expect.stringContaining(name) });
      expect(error?.message).not.toContain(secret);
    }
  });

  it('signs with the configured key and verifies with the older ones', () => {
    const config = loadConfig(DbMigratorConfig, {
      DCO_BACKUP_SIGNING_KEY: `2026-12:${secret}`,
      DCO_BACKUP_VERIFY_KEYS: `2026-06:${other}`,
    });
    const signer = backupSignerOf(config, 'aws', dir);
    expect(signer.keyId).toBe('2026-12');
    const old = backupSignerOf(
      loadConfig(DbMigratorConfig, { DCO_BACKUP_SIGNING_KEY: `2026-06:${other}` }),
      'aws',
      dir,
    );
    expect(() => signer.verify('p', old.sign('p'), 'x')).not.toThrow();
  });

  it('refuses to start in aws without a signing key', () => {
    expect(() => backupSignerOf(loadConfig(DbMigratorConfig, {}), 'aws', dir)).toThrow(
      expect.objectContaining({ code: 'CONFIG.INVALID', message: expect.stringContaining('DCO_BACKUP_SIGNING_KEY') }),
    );
  });

  it('generates a key per process in embedded, and one per state directory (owner-only) in local', () => {
    const config = loadConfig(DbMigratorConfig, {});
    const embedded = backupSignerOf(config, 'embedded', dir);
    expect(() => embedded.verify('p', backupSignerOf(config, 'embedded', dir).sign('p'), 'x')).toThrow(
      expect.objectContaining({ code: 'DB.BACKUP_SIGNATURE_INVALID' }),
    );
    const first = backupSignerOf(config, 'local', dir);
    const file = join(dir, LOCAL_BACKUP_KEY_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toMatch(/^local:/);
    expect(() => backupSignerOf(config, 'local', dir).verify('p', first.sign('p'), 'x')).not.toThrow();
  });
});
