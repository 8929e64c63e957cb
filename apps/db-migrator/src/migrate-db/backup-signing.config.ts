// The keys that sign and verify backups (validated at boot), and the signer the profile gets: configured, or generated
// where no one configures anything (embedded: per process; local: once per state directory).
import { join } from 'node:path';
import { IsOptional } from 'class-validator';
import { CodedError } from '@dco/contracts';
import { BackupSigner, generateBackupKeyEntry, parseBackupKeys } from '@dco/neo4j';
import { IsParsedBy } from '@dco/platform';
import { readOrCreateSecretFile } from '@dco/probes';

const oneKey = (text: string) => {
  const keys = parseBackupKeys(text, 'DCO_BACKUP_SIGNING_KEY');
  if (keys.length !== 1) throw new Error('DCO_BACKUP_SIGNING_KEY must hold exactly one keyId:base64secret');
  return keys[0];
};

export class BackupSigningConfig {
  /**
   * The key that signs new backups, "keyId:base64secret" (at least 32 bytes); it also verifies. In aws it is required and
   * comes from Secrets Manager through the task's or pod's secret (docs/deployment.md).
   */
  @IsOptional()
  @IsParsedBy(oneKey)
  DCO_BACKUP_SIGNING_KEY?: string;

  /** Keys that only verify, "keyId:base64secret,...": the keys a rotation replaced, kept until their backups expired. */
  @IsOptional()
  @IsParsedBy((text) => parseBackupKeys(text, 'DCO_BACKUP_VERIFY_KEYS'))
  DCO_BACKUP_VERIFY_KEYS?: string;
}

/** Where the local profile keeps the key it generated (a file only its owner reads). */
export const LOCAL_BACKUP_KEY_FILE = 'backup-signing.key';

/**
 * The configured signer. Without DCO_BACKUP_SIGNING_KEY: aws refuses to start (CONFIG.INVALID); embedded generates a key
 * per process (its backups live in memory); local generates one into `<stateDir>/backup-signing.key` on first use, so
 * that a resumed migration or the CLI verifies what an earlier process wrote.
 */
export function backupSignerOf(config: BackupSigningConfig, profile: string, stateDir: string): BackupSigner {
  const verify = config.DCO_BACKUP_VERIFY_KEYS
    ? parseBackupKeys(config.DCO_BACKUP_VERIFY_KEYS, 'DCO_BACKUP_VERIFY_KEYS')
    : [];
  if (config.DCO_BACKUP_SIGNING_KEY) return new BackupSigner(oneKey(config.DCO_BACKUP_SIGNING_KEY), verify);
  if (profile === 'aws')
    throw new CodedError(
      'CONFIG.INVALID',
      'DCO_BACKUP_SIGNING_KEY (not set): the aws profile signs backups with a configured key (keyId:base64secret)',
    );
  if (profile === 'embedded') return new BackupSigner(oneKey(generateBackupKeyEntry('embedded')), verify);
  return new BackupSigner(
    oneKey(readOrCreateSecretFile(join(stateDir, LOCAL_BACKUP_KEY_FILE), () => generateBackupKeyEntry('local'))),
    verify,
  );
}
