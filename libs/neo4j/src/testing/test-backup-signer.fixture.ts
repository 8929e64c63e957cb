// The backup signer of the specs (a fixed key, never a deployment's), and a forger: a backup edited by someone who knows
// the format and recomputes its sha256, but has no key (or another one).
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { BackupFooter, signedFooterPayload } from '../backup/backup-file.format';
import { BackupSigner, parseBackupKeys } from '../backup/backup-signature';

/** The key as DCO_BACKUP_SIGNING_KEY takes it: for a spec that runs the CLI or a service on what it signed. */
export const TEST_BACKUP_KEY_ENTRY = `test:${Buffer.alloc(32, 7).toString('base64')}`;

export const testBackupSigner = new BackupSigner(parseBackupKeys(TEST_BACKUP_KEY_ENTRY, 'TEST_BACKUP_KEY_ENTRY')[0]);

/** Same key id as `testBackupSigner`, another secret: what a forger without the key produces. */
export const forgingBackupSigner = new BackupSigner({ keyId: 'test', secret: Buffer.alloc(32, 9) });

/**
 * `edit` applied to a backup's text, the footer's sha256 recomputed, and the footer signed by `signer` (or left unsigned):
 * a backup whose only flaw is its signature.
 */
export function forgeBackup(bytes: Buffer, edit: (text: string) => string, signer?: BackupSigner): Buffer {
  const lines = gunzipSync(bytes).toString('utf8').split('\n');
  const footerIndex = lines.findIndex((line) => line.startsWith('{"end":true'));
  const body = edit(lines.slice(0, footerIndex).join('\n') + '\n');
  const { signature: _old, ...footer } = JSON.parse(lines[footerIndex]) as BackupFooter;
  const forged = { ...footer, sha256: createHash('sha256').update(body).digest('hex') };
  const signed = signer ? { ...forged, signature: signer.sign(signedFooterPayload(forged)) } : forged;
  return gzipSync(Buffer.from(body + JSON.stringify(signed) + '\n'));
}
