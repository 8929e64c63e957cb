// Range reads of the bulk export and its validation: one statement per id range found by id seek, its rows pulled in one
// batch (fetchSize -1) and mapped straight to records, ids as decimal strings from the server (no driver Integer per id).
// The server collects the rows of each group of RECORD_GROUP ids into one Bolt record: a record per row cost the driver
// half of the client's time. An earlier version had one aggregated record per whole range: the JS driver decodes a
// record larger than a Bolt chunk (64 KiB) through a CombinedBuffer byte by byte, so that read was 1.8x slower (ADR 0018).
// Temporal values (but durations) come as their fields, computed by the server (`temporalFields`): the driver would
// rebuild them from epoch values, through Intl for a zoned date-time, which was most of the client's time.
import neo4j, { Driver, Neo4jError } from 'neo4j-driver';
import { CodedError } from '@dco/contracts';
import { NodeRecord, PROGRESS_LABEL, PropertyList, RelationshipRecord } from '../domain/graph-value';
import { toGraphValue, toPropertyList } from '../bolt/driver-value.mapper';
import { fromTemporalFields, temporalFields } from './temporal-fields';
import { boltAuth, Neo4jCredentials } from '../bolt/neo4j-credentials';
import { GraphRangeReader } from './bulk-export';

/**
 * Ids per Bolt record: the server collects the rows of this many consecutive ids into one record. The driver's cost per
 * record was half of the client's time with a record per row; a group's record stays well under a Bolt chunk (64 KiB),
 * above which the driver decodes byte by byte (ADR 0018).
 */
export const RECORD_GROUP = 32;

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
    return this.gathered((each) => this.streamNodes(from, to, each));
  }

  async readRelationships(from: number, to: number): Promise<RelationshipRecord[]> {
    return this.gathered((each) => this.streamRelationships(from, to, each));
  }

  async streamNodes(from: number, to: number, each: (node: NodeRecord) => void): Promise<void> {
    if (to <= from) return;
    await this.stream(
      () => `MATCH (n) WHERE id(n) = i AND NOT n:\`${PROGRESS_LABEL}\` WITH i, n, keys(n) AS keys
       RETURN collect([toString(i), labels(n), ${this.propertiesOf('n')}]) AS rows`,
      from,
      to,
      ([id, labels, ...props]) =>
        each({
          id: id as string,
          labels: labels as string[],
          props: this.propertyList(props),
        }),
    );
  }

  async streamRelationships(from: number, to: number, each: (rel: RelationshipRecord) => void): Promise<void> {
    if (to <= from) return;
    await this.stream(
      () => `MATCH (a) WHERE id(a) = i MATCH (a)-[r]->(b) WITH i, r, b, keys(r) AS keys
       RETURN collect([toString(id(r)), type(r), toString(i), toString(id(b)), ${this.propertiesOf('r')}]) AS rows`,
      from,
      to,
      ([id, type, start, end, ...props]) =>
        each({
          id: id as string,
          type: type as string,
          start: start as string,
          end: end as string,
          props: this.propertyList(props),
        }),
    );
  }

  async close(): Promise<void> {
    await this.driver.close();
  }

  /** Whether the server evaluates type predicates (Neo4j 5.9+), decided by its first answer. */
  private serverFields?: boolean;

  /** Whether temporal values are read as fields computed by the server (undefined before the first read). */
  get temporalFieldsOnServer(): boolean | undefined {
    return this.serverFields;
  }

  /**
   * The properties of `entity` (its keys bound as `keys`) as list items: the keys and the values with temporal fields, or
   * the plain map. Each value is read once into the list the CASE tests: `entity[key]` inside the CASE read the property
   * again for every type test, which was half of the server's time (ADR 0018).
   */
  private propertiesOf(entity: string): string {
    return this.serverFields === false
      ? `properties(${entity})`
      : `keys, [value IN [key IN keys | ${entity}[key]] | ${temporalFields('value')}]`;
  }

  private propertyList(items: unknown[]): PropertyList {
    if (items.length === 1) return toPropertyList(items[0] as Record<string, unknown>);
    const [keys, values] = items as [string[], unknown[]];
    const list: PropertyList = keys.map((key, i) => [key, fromTemporalFields(values[i]) ?? toGraphValue(values[i])]);
    return list.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  private async gathered<T>(read: (each: (item: T) => void) => Promise<void>): Promise<T[]> {
    const items: T[] = [];
    await read((item) => items.push(item));
    return items;
  }

  /**
   * Runs the range's statement and hands each row to `each` as the driver decodes the record that holds it. `body` reads
   * the ids `i` of one group and returns them as `rows`; the statement runs it per group of RECORD_GROUP ids. A read the
   * driver retries (a transient error) is retried only while no row was handed over; after that the range fails as a whole.
   */
  private async stream(body: () => string, from: number, to: number, each: (row: unknown[]) => void): Promise<void> {
    const session = this.driver.session({ defaultAccessMode: neo4j.session.READ });
    let handed = false;
    let lastError: unknown;
    try {
      await session.executeRead(
        (tx) =>
          new Promise<void>((resolve, reject) => {
            if (handed)
              return reject(
                new CodedError(
                  'DB.UNREACHABLE',
                  `Neo4j at ${this.uri}: the read of ids [${from}, ${to}) failed after its first rows were handled`,
                  String((lastError as Error | undefined)?.message ?? lastError),
                  { cause: lastError },
                ),
              );
            let failed = false;
            const statement = `UNWIND range($from, $to - 1, $group) AS first
              CALL { WITH first UNWIND range(first, first + $group - 1) AS i WITH i WHERE i < $to ${body()} }
              RETURN rows`;
            const params = { from: neo4j.int(from), to: neo4j.int(to), group: neo4j.int(RECORD_GROUP) };
            tx.run(statement, params).subscribe({
              onNext: (record) => {
                if (failed) return;
                const rows = record.get(0) as unknown[][];
                if (rows.length > 0) handed = true;
                try {
                  for (const row of rows) each(row);
                } catch (error) {
                  failed = true;
                  reject(error);
                }
              },
              onCompleted: () => resolve(),
              onError: (error) => {
                lastError = error;
                reject(error);
              },
            });
          }),
      );
      this.serverFields ??= true;
    } catch (error) {
      // A server before 5.9 has no type predicates: read the plain properties from then on.
      if (
        this.serverFields === undefined &&
        !handed &&
        error instanceof Neo4jError &&
        error.code === 'Neo.ClientError.Statement.SyntaxError'
      ) {
        this.serverFields = false;
        return this.stream(body, from, to, each);
      }
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
