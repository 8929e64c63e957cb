// Opens a Neo4j driver for the ledger (auth optional: the local stack runs without it), with integers read as BigInt.
import neo4j, { Driver } from 'neo4j-driver';

export interface Neo4jConnectionOptions {
  uri: string;
  user?: string;
  password?: string;
  /** Records pulled per round trip; large reads (a million contributions) go faster with bigger pages. */
  fetchSize?: number;
}

export const DEFAULT_NEO4J_URI = 'bolt://127.0.0.1:17687';

export function createNeo4jDriver(options: Neo4jConnectionOptions): Driver {
  const auth = options.user ? neo4j.auth.basic(options.user, options.password ?? '') : undefined;
  return neo4j.driver(options.uri, auth, {
    useBigInt: true,
    fetchSize: options.fetchSize ?? 10_000,
    connectionTimeout: 5_000,
    maxTransactionRetryTime: 15_000,
    logging: { level: 'error', logger: (_level, message) => console.error(`neo4j-driver: ${message}`) },
  });
}
