// In-memory SecretStore for unit tests: secrets put by name (text or binary), read back like Secrets Manager answers.
import { CodedError } from '@dco/contracts';
import { SecretStore } from './secret-store.port';

export class InMemorySecretStore implements SecretStore {
  private readonly secrets = new Map<string, string | Uint8Array>();

  put(secretId: string, value: string | Uint8Array): void {
    this.secrets.set(secretId, value);
  }

  async read(secretId: string): Promise<string | undefined> {
    const value = this.secrets.get(secretId);
    if (value === undefined) return undefined;
    if (typeof value !== 'string')
      throw new CodedError('SECRETS.UNREADABLE', `secret ${secretId} holds binary data, not text`);
    return value;
  }
}
