// Runs the SecretStore contract against the SDK adapter on the local emulator (moto's Secrets Manager), seeding with
// CreateSecret / PutSecretValue as an operator would.
import {
  CreateSecretCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { localEmulatorOptions } from '../aws-client.config';
import { SdkSecretStore } from './sdk-secret-store.adapter';
import { secretStoreContract } from './secret-store.contract';

const client = new SecretsManagerClient(localEmulatorOptions());
afterAll(() => client.destroy());

async function put(secretId: string, value: string | Uint8Array): Promise<void> {
  const text = typeof value === 'string' ? { SecretString: value } : { SecretBinary: value };
  try {
    await client.send(new CreateSecretCommand({ Name: secretId, ...text }));
  } catch (error) {
    if (!(error instanceof ResourceExistsException)) throw error;
    await client.send(new PutSecretValueCommand({ SecretId: secretId, ...text }));
  }
}

secretStoreContract('SDK adapter on the emulator', async () => ({ store: new SdkSecretStore(client), put }));

describe('SdkSecretStore on the emulator', () => {
  it('reads a secret by its ARN as by its name', async () => {
    const name = `dco-test/arn-${Date.now().toString(36)}`;
    const created = await client.send(new CreateSecretCommand({ Name: name, SecretString: 'by-arn' }));
    await expect(new SdkSecretStore(client).read(created.ARN ?? '')).resolves.toBe('by-arn');
  });

  it('turns an unreachable Secrets Manager into SECRETS.UNREADABLE', async () => {
    const nowhere = SdkSecretStore.fromOptions({ ...localEmulatorOptions(), endpoint: 'http://127.0.0.1:1' });
    try {
      await expect(nowhere.read('dco-test/any')).rejects.toMatchObject({ code: 'SECRETS.UNREADABLE' });
    } finally {
      nowhere.close();
    }
  });
});
