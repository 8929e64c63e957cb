// Readiness probe of a Neo4j server a fleet starts: Bolt answers and reports the expected version.
import { CodedError } from '@dco/contracts';
import { BoltGraphDatabase } from './bolt-graph-database.adapter';
import { Neo4jCredentials } from './neo4j-credentials';

/** Bolt answers and reports the expected version. */
export async function probeBolt(
  boltUri: string,
  version: string,
  credentials: Neo4jCredentials | undefined,
): Promise<void> {
  const db = new BoltGraphDatabase(boltUri, credentials, { connectionTimeoutMs: 2_000 });
  try {
    const actual = await db.probeVersion();
    if (actual !== version)
      throw new CodedError('DB.UNREACHABLE', `${boltUri} answers as Neo4j ${actual}, expected ${version}`);
  } finally {
    await db.close();
  }
}
