// Secrets from Secrets Manager at boot: `<VARIABLE>_SECRET_ID` names the secret whose text becomes <VARIABLE>, before the
// config is validated, so a bad or missing secret stops the process with CONFIG.INVALID naming the variable (ADR 0034).
import { CodedError } from '@dco/contracts';
import { awsClientOptions, localEmulatorOptions } from '../aws-client.config';
import { SdkSecretStore } from './sdk-secret-store.adapter';
import { parseSecretId, SecretStore } from './secret-store.port';

/** The variables a deployment may take from Secrets Manager: every secret the services read. */
export const SECRET_VARIABLES = [
  'NEO4J_PASSWORD',
  'DCO_BACKUP_SIGNING_KEY',
  'DCO_BACKUP_VERIFY_KEYS',
  'DCO_API_CREDENTIALS',
  'DCO_EXTERNAL_KEYS',
  'KAFKA_SASL_PASSWORD',
] as const;

export const SECRET_REFERENCE_SUFFIX = '_SECRET_ID';

/** The `<VARIABLE>_SECRET_ID` references in `env`, checked: a known variable, a valid id, not also set directly. */
export function secretReferencesOf(
  env: NodeJS.ProcessEnv,
): Array<{ variable: string; reference: string; secretId: string }> {
  return Object.keys(env)
    .filter((name) => name.endsWith(SECRET_REFERENCE_SUFFIX) && env[name] !== undefined && env[name] !== '')
    .sort()
    .map((reference) => {
      const variable = reference.slice(0, -SECRET_REFERENCE_SUFFIX.length);
      if (!(SECRET_VARIABLES as readonly string[]).includes(variable))
        throw new CodedError(
          'CONFIG.INVALID',
          `${reference}: ${variable} is not a secret variable (those are ${SECRET_VARIABLES.join(', ')})`,
        );
      if (env[variable] !== undefined && env[variable] !== '')
        throw new CodedError('CONFIG.INVALID', `${reference}: ${variable} is set too; configure one of them`);
      return { variable, reference, secretId: parseSecretId(env[reference] as string, reference) };
    });
}

/**
 * `env` with each referenced secret's text in its variable. A secret that is missing, empty, binary or unreadable is
 * CONFIG.INVALID naming the reference and the secret id (never a value).
 */
export async function resolveSecretReferences(env: NodeJS.ProcessEnv, store: SecretStore): Promise<NodeJS.ProcessEnv> {
  const resolved: NodeJS.ProcessEnv = { ...env };
  for (const { variable, reference, secretId } of secretReferencesOf(env)) {
    let value: string | undefined;
    try {
      value = await store.read(secretId);
    } catch (error) {
      throw new CodedError(
        'CONFIG.INVALID',
        `${reference} (${secretId}): ${error instanceof Error ? error.message : String(error)}`,
        undefined,
        { cause: error },
      );
    }
    if (value === undefined)
      throw new CodedError('CONFIG.INVALID', `${reference} (${secretId}): no such secret in Secrets Manager`);
    if (value.trim() === '') throw new CodedError('CONFIG.INVALID', `${reference} (${secretId}): the secret is empty`);
    resolved[variable] = value.trim();
  }
  return resolved;
}

/**
 * The boot step of every service and of the operator CLI: nothing to do without references; otherwise the profile's
 * Secrets Manager (AWS in aws, the emulator in local; the embedded profile has none).
 */
export async function withSecretsFromStore(env: NodeJS.ProcessEnv, store?: SecretStore): Promise<NodeJS.ProcessEnv> {
  if (secretReferencesOf(env).length === 0) return env;
  const profile = env.DCO_PROFILE ?? 'embedded';
  if (profile === 'embedded')
    throw new CodedError(
      'CONFIG.INVALID',
      'a *_SECRET_ID variable needs DCO_PROFILE=local or aws (embedded has no Secrets Manager)',
    );
  if (store) return resolveSecretReferences(env, store);
  const sdk = SdkSecretStore.fromOptions(profile === 'aws' ? awsClientOptions(env) : localEmulatorOptions(env));
  try {
    return await resolveSecretReferences(env, sdk);
  } finally {
    sdk.close();
  }
}
