// Range reads that the server aggregates: one Bolt record per id range (`collect([id, labels, properties])`) instead of
// one per entity, so the driver decodes a few large records and the per-record overhead of Bolt goes away.
import neo4j, { Driver, Integer } from 'neo4j-driver';
import { CodedError } from '@dco/contracts';
import { NodeRecord, PROGRESS_LABEL, RelationshipRecord } from '../domain/graph-value';
import { toPropertyList } from '../bolt/driver-value.mapper';
import { boltAuth, Neo4jCredentials } from '../bolt/neo4j-credentials';
import { GraphRangeReader } from './bulk-export';

const idOf = (value: unknown): string => (neo4j.isInt(value) ? (value as Integer).toString() : String(value));

export class BoltBlockReader implements GraphRangeReader {
  private readonly driver: Driver;

  constructor(
    readonly uri: string,
    credentials: Neo4jCredentials | undefined,
  ) {
    this.driver = neo4j.driver(uri, boltAuth(credentials), {
      connectionTimeout: 5_000,
      maxTransactionRetryTime: 5_000,
      notificationFilter: { minimumSeverityLevel: 'OFF' },
      fetchSize: -1,
    });
  }

  async readNodes(from: number, to: number): Promise<NodeRecord[]> {
    if (to <= from) return [];
    const rows = await this.block(
      `UNWIND range($from, $to - 1) AS i MATCH (n) WHERE id(n) = i AND NOT n:\`${PROGRESS_LABEL}\`
       RETURN collect([id(n), labels(n), properties(n)]) AS rows`,
      from,
      to,
    );
    return rows.map(([id, labels, props]) => ({
      id: idOf(id),
      labels: labels as string[],
      props: toPropertyList(props as Record<string, unknown>),
    }));
  }

  async readRelationships(from: number, to: number): Promise<RelationshipRecord[]> {
    if (to <= from) return [];
    const rows = await this.block(
      `UNWIND range($from, $to - 1) AS i MATCH (a) WHERE id(a) = i MATCH (a)-[r]->(b)
       RETURN collect([id(r), type(r), i, id(b), properties(r)]) AS rows`,
      from,
      to,
    );
    return rows.map(([id, type, start, end, props]) => ({
      id: idOf(id),
      type: String(type),
      start: idOf(start),
      end: idOf(end),
      props: toPropertyList(props as Record<string, unknown>),
    }));
  }

  async close(): Promise<void> {
    await this.driver.close();
  }

  private async block(query: string, from: number, to: number): Promise<unknown[][]> {
    const session = this.driver.session({ defaultAccessMode: neo4j.session.READ });
    try {
      const result = await session.executeRead((tx) => tx.run(query, { from: neo4j.int(from), to: neo4j.int(to) }));
      return (result.records[0]?.get('rows') as unknown[][] | undefined) ?? [];
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'ServiceUnavailable' || code === 'SessionExpired')
        throw new CodedError(
          'DB.UNREACHABLE',
          `Neo4j at ${this.uri} is unreachable`,
          String((error as Error).message),
          {
            cause: error,
          },
        );
      throw error;
    } finally {
      await session.close();
    }
  }
}
