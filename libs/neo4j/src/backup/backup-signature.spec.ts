// Unit specs of the backup keys: what the key variables accept, and what the signer refuses.
import { CodedError } from '@dco/contracts';
import { BackupSigner, generateBackupKeyEntry, parseBackupKeys } from './backup-signature';

const secret = Buffer.alloc(32, 5).toString('base64');

describe('parseBackupKeys', () => {
  it('reads keyId:base64secret entries separated by commas or new lines', () => {
    const keys = parseBackupKeys(`k1:${secret},\n k2:${secret}`, 'V');
    expect(keys.map((key) => key.keyId)).toEqual(['k1', 'k2']);
    expect(keys[0].secret).toEqual(Buffer.alloc(32, 5));
  });

  it.each([
    ['', /holds no key/],
    [secret, /expected keyId:base64secret/],
    [`bad id:${secret}`, /key id/],
    ['k1:c2hvcnQ=', /at least 32 bytes/],
    [`k1:${secret.replace('B', '*')}`, /base64/],
    [`k1:${secret},k1:${secret}`, /names the key id k1 twice/],
  ])('refuses %j', (text, message) => {
    expect(() => parseBackupKeys(text, 'V')).toThrow(message);
  });

  it('never repeats a secret in its message', () => {
    const short = Buffer.alloc(8, 1).toString('base64');
    expect(() => parseBackupKeys(`k1:${short}`, 'V')).toThrow(/^(?![\s\S]*AQEB)/);
  });

  it('generates an entry it accepts', () => {
    expect(parseBackupKeys(generateBackupKeyEntry('local'), 'V')[0].secret).toHaveLength(32);
  });
});

describe('BackupSigner', () => {
  const signer = new BackupSigner({ keyId: 'k1', secret: Buffer.alloc(32, 1) });
  const codeOf = (action: () => void) => {
    try {
      action();
      return 'verified';
    } catch (error) {
      return (error as CodedError).code;
    }
  };

  it('verifies what it signed, and nothing else', () => {
    const signature = signer.sign('payload');
    expect(codeOf(() => signer.verify('payload', signature, 'x'))).toBe('verified');
    expect(codeOf(() => signer.verify('payload!', signature, 'x'))).toBe('DB.BACKUP_SIGNATURE_INVALID');
    expect(codeOf(() => signer.verify('payload', undefined, 'x'))).toBe('DB.BACKUP_UNSIGNED');
    expect(codeOf(() => signer.verify('payload', { keyId: 'k1' }, 'x'))).toBe('DB.BACKUP_SIGNATURE_INVALID');
    expect(codeOf(() => signer.verify('payload', 'abc', 'x'))).toBe('DB.BACKUP_SIGNATURE_INVALID');
  });

  it('refuses one key id configured with two secrets', () => {
    expect(
      codeOf(
        () =>
          new BackupSigner({ keyId: 'k1', secret: Buffer.alloc(32, 1) }, [
            { keyId: 'k1', secret: Buffer.alloc(32, 2) },
          ]),
      ),
    ).toBe('CONFIG.INVALID');
  });
});
