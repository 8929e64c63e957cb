// The boot step against moto's Secrets Manager (the local profile's store): the db-migrator's and the dco-runner's secrets
// come from *_SECRET_ID; a reference to a secret that is not there stops the boot with CONFIG.INVALID.
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { localEmulatorOptions } from '../aws-client.config';
import { withSecretsFromStore } from './secret-references';

const client = new SecretsManagerClient(localEmulatorOptions());
afterAll(() => client.destroy());
const run = `dco-test/boot-${Date.now().toString(36)}`;

describe('withSecretsFromStore on the emulator', () => {
  it('reads the Neo4j password and the backup signing key a local deployment names', async () => {
    await client.send(new CreateSecretCommand({ Name: `${run}/neo4j`, SecretString: 'neo4j-Password-0123' }));
    await client.send(new CreateSecretCommand({ Name: `${run}/backup`, SecretString: 'k1:c2VjcmV0' }));
    const env = await withSecretsFromStore({
      DCO_PROFILE: 'local',
      NEO4J_PASSWORD_SECRET_ID: `${run}/neo4j`,
      DCO_BACKUP_SIGNING_KEY_SECRET_ID: `${run}/backup`,
    });
    expect(env).toMatchObject({ NEO4J_PASSWORD: 'neo4j-Password-0123', DCO_BACKUP_SIGNING_KEY: 'k1:c2VjcmV0' });
  });

  it('refuses a reference to a missing secret with CONFIG.INVALID', async () => {
    await expect(
      withSecretsFromStore({ DCO_PROFILE: 'local', NEO4J_PASSWORD_SECRET_ID: `${run}/missing` }),
    ).rejects.toMatchObject({ code: 'CONFIG.INVALID', message: expect.stringContaining('NEO4J_PASSWORD_SECRET_ID') });
  });
});
