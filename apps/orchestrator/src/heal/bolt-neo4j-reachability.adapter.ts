// Reachability of a Neo4j server: it answers a Bolt query (its version) within the timeout, not merely a TCP connect.
import { CodedError } from '@dco/contracts';
import { BoltGraphDatabase } from '@dco/neo4j';
import { withDeadline } from '@dco/probes';
import { Reachability } from './reachability.port';

export class BoltNeo4jReachability implements Reachability {
  constructor(private readonly timeoutMs = 3_000) {}

  async reachable(boltUri: string): Promise<boolean> {
    // No login: a server that refuses it (DB.UNAUTHORIZED, authentication is on, ADR 0034) has answered over Bolt.
    const db = new BoltGraphDatabase(boltUri, undefined, { connectionTimeoutMs: this.timeoutMs });
    const answered = db.probeVersion().then(
      () => true,
      (error: unknown) => error instanceof CodedError && error.code === 'DB.UNAUTHORIZED',
    );
    try {
      return await withDeadline(
        answered,
        this.timeoutMs,
        () => new CodedError('DB.UNREACHABLE', `${boltUri} did not answer within ${this.timeoutMs} ms`),
      ).catch(() => false);
    } finally {
      await db.close().catch(() => undefined);
    }
  }
}
