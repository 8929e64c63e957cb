// Where a deployment keeps its secrets (AWS Secrets Manager): read one secret's current text by name or ARN.
import { CodedError } from '@dco/contracts';

export interface SecretStore {
  /**
   * The current value (AWSCURRENT) of the secret as text; undefined when no such secret exists. A secret held as binary,
   * or one the store cannot read (permissions, network), is a CodedError (SECRETS.UNREADABLE).
   */
  read(secretId: string): Promise<string | undefined>;
}

/** A Secrets Manager name or ARN: 1-2048 characters of the set AWS allows, nothing else (it reaches a request). */
const SECRET_ID = /^[A-Za-z0-9/_+=.@:-]{1,2048}$/;

export function parseSecretId(value: string, variable: string): string {
  const id = value.trim();
  if (!SECRET_ID.test(id))
    throw new CodedError(
      'CONFIG.INVALID',
      `${variable} must be a Secrets Manager secret name or ARN (letters, digits and / _ + = . @ : -)`,
    );
  return id;
}
