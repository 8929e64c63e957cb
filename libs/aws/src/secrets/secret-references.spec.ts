// `<VARIABLE>_SECRET_ID` at boot: each referenced secret becomes its variable; every bad reference or secret is CONFIG.INVALID.
import { InMemorySecretStore } from './in-memory-secret-store.fake';
import { resolveSecretReferences, secretReferencesOf, withSecretsFromStore } from './secret-references';

const store = () => {
  const secrets = new InMemorySecretStore();
  secrets.put('dco/prod/neo4j', 'neo4j-Password-0123\n');
  secrets.put('arn:aws:secretsmanager:eu-central-1:123456789012:secret:dco/prod/backup-AbCdEf', 'k1:c2VjcmV0');
  secrets.put('dco/prod/empty', '   ');
  secrets.put('dco/prod/binary', new Uint8Array([1, 2, 3]));
  return secrets;
};

describe('resolveSecretReferences', () => {
  it("puts each referenced secret's text (trimmed) into its variable and leaves the rest alone", async () => {
    const env = await resolveSecretReferences(
      {
        DCO_PROFILE: 'aws',
        NEO4J_PASSWORD_SECRET_ID: 'dco/prod/neo4j',
        DCO_BACKUP_SIGNING_KEY_SECRET_ID:
          'arn:aws:secretsmanager:eu-central-1:123456789012:secret:dco/prod/backup-AbCdEf',
        NEO4J_USER: 'neo4j',
      },
      store(),
    );
    expect(env).toMatchObject({
      NEO4J_PASSWORD: 'neo4j-Password-0123',
      DCO_BACKUP_SIGNING_KEY: 'k1:c2VjcmV0',
      NEO4J_USER: 'neo4j',
    });
  });

  it.each([
    ['a missing secret', { NEO4J_PASSWORD_SECRET_ID: 'dco/prod/missing' }, 'no such secret'],
    ['an empty secret', { NEO4J_PASSWORD_SECRET_ID: 'dco/prod/empty' }, 'the secret is empty'],
    ['a binary secret', { NEO4J_PASSWORD_SECRET_ID: 'dco/prod/binary' }, 'binary'],
    ['a variable that is no secret', { DCO_PROFILE_SECRET_ID: 'dco/prod/neo4j' }, 'is not a secret variable'],
    [
      'a variable set directly as well',
      { NEO4J_PASSWORD: 'x', NEO4J_PASSWORD_SECRET_ID: 'dco/prod/neo4j' },
      'configure one of them',
    ],
    ['a malformed secret id', { NEO4J_PASSWORD_SECRET_ID: 'dco prod; rm -rf' }, 'secret name or ARN'],
  ])('refuses %s with CONFIG.INVALID naming the reference, never a value', async (_case, env, reason) => {
    const refused = await resolveSecretReferences(env, store()).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'CONFIG.INVALID', message: expect.stringContaining(reason) });
    expect((refused as Error).message).toMatch(/_SECRET_ID/);
    expect((refused as Error).message).not.toContain('neo4j-Password-0123');
  });

  it('turns an unreadable secret (the store fails) into CONFIG.INVALID', async () => {
    const failing = { read: () => Promise.reject(new Error('AccessDeniedException')) };
    await expect(resolveSecretReferences({ NEO4J_PASSWORD_SECRET_ID: 'dco/x' }, failing)).rejects.toMatchObject({
      code: 'CONFIG.INVALID',
      message: expect.stringContaining('AccessDeniedException'),
    });
  });

  it('ignores empty references', () => {
    expect(secretReferencesOf({ NEO4J_PASSWORD_SECRET_ID: '' })).toEqual([]);
  });
});

describe('withSecretsFromStore', () => {
  it('changes nothing without references (the embedded profile stays setup-free)', async () => {
    const env = { DCO_PROFILE: 'embedded' };
    await expect(withSecretsFromStore(env)).resolves.toBe(env);
  });

  it('refuses references in the embedded profile, which has no Secrets Manager', async () => {
    await expect(withSecretsFromStore({ NEO4J_PASSWORD_SECRET_ID: 'dco/prod/neo4j' }, store())).rejects.toMatchObject({
      code: 'CONFIG.INVALID',
    });
  });

  it('reads from the given store in local and aws', async () => {
    await expect(
      withSecretsFromStore({ DCO_PROFILE: 'aws', NEO4J_PASSWORD_SECRET_ID: 'dco/prod/neo4j' }, store()),
    ).resolves.toMatchObject({ NEO4J_PASSWORD: 'neo4j-Password-0123' });
  });
});
