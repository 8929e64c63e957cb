// How every kafkajs client of the services authenticates (SASL SCRAM or PLAIN, optional TLS), and how the broker's
// authorization refusals surface: as MSG.NOT_AUTHORIZED, never as a raw kafkajs error.
import { CodedError } from '@dco/contracts';
import { KafkaConfig, SASLOptions } from 'kafkajs';

export const KAFKA_SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
export type KafkaSaslMechanism = (typeof KAFKA_SASL_MECHANISMS)[number];

/** Credentials and transport security of a Kafka client; everything unset = PLAINTEXT without authentication. */
export interface KafkaSecurity {
  sasl?: { mechanism: KafkaSaslMechanism; username: string; password: string };
  /** TLS to the brokers; `ca` (PEM) replaces the system's trust store, e.g. a private CA. */
  tls?: boolean | { ca: string };
}

/** The part of a kafkajs client configuration that `security` decides. */
export function kafkaSecurityConfig(security: KafkaSecurity | undefined): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const result: Pick<KafkaConfig, 'ssl' | 'sasl'> = {};
  if (security?.tls) result.ssl = security.tls === true ? true : { ca: [security.tls.ca], rejectUnauthorized: true };
  if (security?.sasl) {
    const { mechanism, username, password } = security.sasl;
    result.sasl = { mechanism, username, password } as SASLOptions;
  }
  return result;
}

/** Broker error types that mean "this principal may not", and kafkajs' own name for a failed SASL handshake. */
const AUTHORIZATION_FAILURES = new Set([
  'TOPIC_AUTHORIZATION_FAILED',
  'GROUP_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
  'DELEGATION_TOKEN_AUTHORIZATION_FAILED',
  'SASL_AUTHENTICATION_FAILED',
  'KafkaJSSASLAuthenticationError',
]);

/** The authorization failure somewhere in an error's causes (kafkajs wraps them), or undefined. */
export function authorizationFailureOf(error: unknown, depth = 0): string | undefined {
  if (typeof error !== 'object' || error === null || depth > 5) return undefined;
  const { type, name, cause, errors } = error as { type?: unknown; name?: unknown; cause?: unknown; errors?: unknown };
  if (typeof type === 'string' && AUTHORIZATION_FAILURES.has(type)) return type;
  if (typeof name === 'string' && AUTHORIZATION_FAILURES.has(name)) return name;
  for (const inner of [cause, ...(Array.isArray(errors) ? errors : [])]) {
    const found = authorizationFailureOf(inner, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Runs a broker call; an authorization failure becomes MSG.NOT_AUTHORIZED naming what was attempted. */
export async function authorized<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const failure = authorizationFailureOf(error);
    if (failure === undefined) throw error;
    throw new CodedError('MSG.NOT_AUTHORIZED', `the broker refused to ${what} (${failure})`);
  }
}
