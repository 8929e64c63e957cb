// SecretStore over AWS Secrets Manager (SDK v3): GetSecretValue of the current version; moto serves the same API locally.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CodedError } from '@dco/contracts';
import { AwsClientOptions } from '../aws-client.config';
import { SecretStore } from './secret-store.port';

export class SdkSecretStore implements SecretStore {
  constructor(private readonly client: SecretsManagerClient) {}

  static fromOptions(options: AwsClientOptions): SdkSecretStore {
    return new SdkSecretStore(new SecretsManagerClient(options));
  }

  async read(secretId: string): Promise<string | undefined> {
    try {
      const result = await this.client.send(new GetSecretValueCommand({ SecretId: secretId }));
      if (result.SecretString === undefined)
        throw new CodedError('SECRETS.UNREADABLE', `secret ${secretId} holds binary data, not text`);
      return result.SecretString;
    } catch (error) {
      if (error instanceof CodedError) throw error;
      if ((error as Error).name === 'ResourceNotFoundException') return undefined;
      // The SDK's message names the secret and the reason (AccessDenied, a network error), never a value.
      throw new CodedError(
        'SECRETS.UNREADABLE',
        `secret ${secretId} could not be read: ${(error as Error).name}`,
        String((error as Error).message),
        {
          cause: error,
        },
      );
    }
  }

  close(): void {
    this.client.destroy();
  }
}
