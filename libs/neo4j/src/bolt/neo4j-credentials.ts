// Who a Bolt client is to a Neo4j server with authentication on, and the coded error of a refused login.
import neo4j, { AuthToken } from 'neo4j-driver';
import { CodedError } from '@dco/contracts';

export interface Neo4jCredentials {
  user: string;
  password: string;
}

/** The driver's auth token; none for a client without credentials (an auth-on server refuses it). */
export function boltAuth(credentials: Neo4jCredentials | undefined): AuthToken | undefined {
  return credentials ? neo4j.auth.basic(credentials.user, credentials.password) : undefined;
}

/** The server refused the login: no credentials, a wrong user or password, or too many attempts. */
export function isAuthenticationError(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && code.startsWith('Neo.ClientError.Security.');
}

/** DB.UNAUTHORIZED naming the server and the user, never the password (the driver's message names neither). */
export function unauthorizedError(uri: string, credentials: Neo4jCredentials | undefined, cause: unknown): CodedError {
  const who = credentials ? `user "${credentials.user}"` : 'a client without credentials';
  return new CodedError(
    'DB.UNAUTHORIZED',
    `Neo4j at ${uri} refused ${who}: check NEO4J_USER and NEO4J_PASSWORD`,
    String((cause as { code?: unknown } | undefined)?.code ?? ''),
    { cause },
  );
}
