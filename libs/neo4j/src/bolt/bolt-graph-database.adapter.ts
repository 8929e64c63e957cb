// GraphDatabase over Bolt (neo4j-driver): paged reads by id range, batched UNWIND creates (nodes carrying source ids), progress marker.
import neo4j, { Driver, Integer, ManagedTransaction, Record as Neo4jRecord, Session } from 'neo4j-driver';
import { CodedError } from '@dco/contracts';
import {
  NodeContent,
  NodeRecord,
  PROGRESS_LABEL,
  PropertyList,
  RelationshipRecord,
  RestoredRelationship,
  RESTORED_LABEL,
  SOURCE_ID_PROPERTY,
} from '../domain/graph-value';
import { groupBy } from '../domain/group-by';
import {
  GraphDatabase,
  GraphDatabaseFactory,
  LedgerWriteFenceClose,
  LedgerWriteFenceState,
  OfferingLedgerRow,
  RestoreProgress,
} from '../graph-database.port';
import { LEDGER_WRITE_FENCE, ledgerWritesSinceCopy } from '../ledger-write-fence';
import { fromGraphValue, toPropertyList } from './driver-value.mapper';
import { boltAuth, isAuthenticationError, Neo4jCredentials, unauthorizedError } from './neo4j-credentials';

const RESTORED = `\`${RESTORED_LABEL}\``;
const PROGRESS = `\`${PROGRESS_LABEL}\``;
const SOURCE_ID = `\`${SOURCE_ID_PROPERTY}\``;
const SOURCE_ID_CONSTRAINT = '__dcoSourceIdUnique';
const CLEANUP_BATCH = 10_000;

const quote = (name: string) => '`' + name.replace(/`/g, '``') + '`';
const idOf = (value: unknown): string => (neo4j.isInt(value) ? (value as Integer).toString() : String(value));
const toNumber = (value: unknown): number => (neo4j.isInt(value) ? (value as Integer).toNumber() : Number(value));

/** Connection problems become DB.UNREACHABLE so that callers can tell them from data problems. */
function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return (
    code === 'ServiceUnavailable' ||
    code === 'SessionExpired' ||
    /connect|ECONNREFUSED|socket/i.test(String((error as Error).message))
  );
}

/** Property keys of a record in their stored order (sorted by key), as a grouping key. */
const propertyKeys = (props: PropertyList): string => props.map(([key]) => key).join('\u0000');
/** The CREATE map of a group: each property from the row's value list by position (and a node's source id first). */
const inlineProperties = (props: PropertyList, sourceId: boolean): string =>
  [...(sourceId ? [`${SOURCE_ID}: row.id`] : []), ...props.map(([key], i) => `${quote(key)}: row.v[${i}]`)].join(', ');
const propertyValues = (props: PropertyList): unknown[] => props.map(([, value]) => fromGraphValue(value));

function nodeContent(record: Neo4jRecord, labels: string, props: string): NodeContent {
  return {
    labels: record.get(labels) as string[],
    props: toPropertyList(record.get(props) as Record<string, unknown>),
  };
}

const SERVER_VERSION =
  "CALL dbms.components() YIELD name, versions WHERE name = 'Neo4j Kernel' RETURN versions[0] AS v";

export class BoltGraphDatabase implements GraphDatabase {
  private readonly driver: Driver;

  constructor(
    readonly uri: string,
    private readonly credentials: Neo4jCredentials | undefined,
    options: { connectionTimeoutMs?: number } = {},
  ) {
    this.driver = neo4j.driver(uri, boltAuth(credentials), {
      connectionTimeout: options.connectionTimeoutMs ?? 5_000,
      connectionAcquisitionTimeout: 60_000,
      maxTransactionRetryTime: 5_000,
      notificationFilter: { minimumSeverityLevel: 'OFF' },
      // Export and digest pages are read whole: one PULL per page instead of one per 1,000 records.
      fetchSize: -1,
    });
  }

  async ping(): Promise<void> {
    await this.read(async (tx) => tx.run('RETURN 1'));
  }

  async serverVersion(): Promise<string> {
    return this.read(async (tx) => String((await tx.run(SERVER_VERSION)).records[0]?.get('v')));
  }

  /**
   * The server's version from one auto-commit query, failing at once when it does not answer: what a readiness or
   * reachability poll asks. serverVersion's managed transaction is retried by the driver for up to
   * maxTransactionRetryTime, backing off 1, 2, 4 s: a poll that began while the server was still starting saw it only
   * at the next retry, up to 4 s after Bolt was up.
   */
  async probeVersion(): Promise<string> {
    const session = this.session('READ');
    try {
      return String((await session.run(SERVER_VERSION)).records[0]?.get('v'));
    } catch (error) {
      throw this.wrap(error);
    } finally {
      await session.close();
    }
  }

  async changeMarker(): Promise<string> {
    const session = this.session('READ');
    try {
      await session.executeRead((tx) => tx.run('RETURN 1'));
      return session.lastBookmarks().join(',');
    } catch (error) {
      throw this.wrap(error);
    } finally {
      await session.close();
    }
  }

  async schemaStatements(): Promise<string[]> {
    return this.read(async (tx) => {
      const constraints = await tx.run('SHOW CONSTRAINTS YIELD name, createStatement RETURN name, createStatement');
      const indexes = await tx.run(
        "SHOW INDEXES YIELD name, type, owningConstraint, createStatement WHERE type <> 'LOOKUP' AND owningConstraint IS NULL RETURN name, createStatement",
      );
      return [...constraints.records, ...indexes.records]
        .filter((r) => !String(r.get('name')).startsWith('__dco'))
        .map((r) => String(r.get('createStatement')));
    });
  }

  async maxNodeId(): Promise<number> {
    return this.read(async (tx) =>
      toNumber((await tx.run('MATCH (n) RETURN coalesce(max(id(n)), -1) AS m')).records[0].get('m')),
    );
  }

  async readNodes(from: number, to: number): Promise<NodeRecord[]> {
    if (to <= from) return [];
    return this.read(async (tx) => {
      const result = await tx.run(
        `UNWIND range($from, $to - 1) AS i MATCH (n) WHERE id(n) = i AND NOT n:${PROGRESS} RETURN id(n) AS id, labels(n) AS labels, properties(n) AS props`,
        { from: neo4j.int(from), to: neo4j.int(to) },
      );
      return result.records.map((r) => ({ id: idOf(r.get('id')), ...nodeContent(r, 'labels', 'props') }));
    });
  }

  async readRelationships(from: number, to: number): Promise<RelationshipRecord[]> {
    if (to <= from) return [];
    return this.read(async (tx) => {
      const result = await tx.run(
        'UNWIND range($from, $to - 1) AS i MATCH (a) WHERE id(a) = i MATCH (a)-[r]->(b) RETURN id(r) AS id, type(r) AS type, id(a) AS s, id(b) AS e, properties(r) AS props',
        { from: neo4j.int(from), to: neo4j.int(to) },
      );
      return result.records.map((r) => ({
        id: idOf(r.get('id')),
        type: String(r.get('type')),
        start: idOf(r.get('s')),
        end: idOf(r.get('e')),
        props: toPropertyList(r.get('props') as Record<string, unknown>),
      }));
    });
  }

  async countEntities(): Promise<{ nodes: number; relationships: number }> {
    return this.read(async (tx) => {
      const nodes = await tx.run(`MATCH (n) WHERE NOT n:${PROGRESS} RETURN count(n) AS c`);
      const rels = await tx.run('MATCH ()-[r]->() RETURN count(r) AS c');
      return { nodes: toNumber(nodes.records[0].get('c')), relationships: toNumber(rels.records[0].get('c')) };
    });
  }

  async readRestoreProgress(): Promise<RestoreProgress | undefined> {
    return this.read(async (tx) => {
      const result = await tx.run(`MATCH (p:${PROGRESS}) RETURN p.backupSha256 AS sha, p.recordsDone AS done LIMIT 1`);
      const record = result.records[0];
      return record
        ? { backupSha256: String(record.get('sha')), recordsDone: toNumber(record.get('done')) }
        : undefined;
    });
  }

  async applySchema(statements: string[]): Promise<void> {
    const all = [
      `CREATE CONSTRAINT ${SOURCE_ID_CONSTRAINT} IF NOT EXISTS FOR (n:${RESTORED}) REQUIRE n.${SOURCE_ID} IS UNIQUE`,
      ...statements,
    ];
    const session = this.session('WRITE');
    try {
      for (const statement of all) {
        try {
          await session.run(statement);
        } catch (error) {
          // A resumed restore meets the schema it already created.
          if ((error as { code?: string }).code !== 'Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists')
            throw error;
        }
      }
      await session.run('CALL db.awaitIndexes(600)');
    } catch (error) {
      throw this.wrap(error);
    } finally {
      await session.close();
    }
  }

  /**
   * CREATE, not MERGE: the progress marker commits in the same transaction as the batch and a resumed restore skips every
   * committed record, so a batch is never applied twice; the source-id uniqueness constraint would reject it if it were.
   * Records are grouped by label set and property keys so that each statement names its properties inline (several times
   * faster on the server than `SET n += map`).
   */
  async writeNodes(batch: NodeRecord[], progress: RestoreProgress): Promise<void> {
    await this.write(async (tx) => {
      for (const nodes of groupBy(
        batch,
        (n) => [...n.labels].sort().join('\u0000') + '\u0001' + propertyKeys(n.props),
      ).values()) {
        const labels = [RESTORED, ...[...nodes[0].labels].sort().map(quote)].join(':');
        await tx.run(`UNWIND $rows AS row CREATE (n:${labels} {${inlineProperties(nodes[0].props, true)}})`, {
          rows: nodes.map((n) => ({ id: neo4j.int(n.id), v: propertyValues(n.props) })),
        });
      }
      await this.saveProgress(tx, progress);
    });
  }

  /**
   * Endpoints are found through the source-id constraint's index; CREATE for the same reason as nodes. Relationships get
   * no source id: the progress marker already makes a batch all-or-nothing, validation matches them by their endpoints,
   * and not writing (then removing) one per relationship made restore 30% and bookkeeping removal 27 s per 2M faster.
   */
  async writeRelationships(batch: RelationshipRecord[], progress: RestoreProgress): Promise<void> {
    await this.write(async (tx) => {
      for (const rels of groupBy(batch, (r) => r.type + '\u0001' + propertyKeys(r.props)).values()) {
        const type = rels[0].type;
        const result = await tx.run(
          `UNWIND $rows AS row
           MATCH (a:${RESTORED} {${SOURCE_ID}: row.s}) MATCH (b:${RESTORED} {${SOURCE_ID}: row.e})
           CREATE (a)-[r:${quote(type)} {${inlineProperties(rels[0].props, false)}}]->(b) RETURN count(r) AS c`,
          { rows: rels.map((r) => ({ s: neo4j.int(r.start), e: neo4j.int(r.end), v: propertyValues(r.props) })) },
        );
        const written = toNumber(result.records[0].get('c'));
        if (written !== rels.length) {
          throw new CodedError(
            'DB.RESTORE_FAILED',
            `${rels.length - written} ${type} relationships reference nodes missing from the backup`,
          );
        }
      }
      await this.saveProgress(tx, progress);
    });
  }

  async readRestoredNodes(sourceIds: string[]): Promise<Map<string, NodeContent>> {
    return this.read(async (tx) => {
      const result = await tx.run(
        `UNWIND $ids AS sid MATCH (n:${RESTORED} {${SOURCE_ID}: sid}) RETURN n.${SOURCE_ID} AS sid, labels(n) AS labels, properties(n) AS props`,
        { ids: sourceIds.map((id) => neo4j.int(id)) },
      );
      return new Map(result.records.map((r) => [idOf(r.get('sid')), nodeContent(r, 'labels', 'props')]));
    });
  }

  async readRestoredOutgoing(from: number, to: number): Promise<Map<string, RestoredRelationship[]>> {
    return this.read(async (tx) => {
      const result = await tx.run(
        `MATCH (a:${RESTORED}) WHERE a.${SOURCE_ID} >= $from AND a.${SOURCE_ID} < $to MATCH (a)-[r]->(b)
         RETURN a.${SOURCE_ID} AS s, elementId(r) AS rid, type(r) AS type, b.${SOURCE_ID} AS e, properties(r) AS props`,
        { from: neo4j.int(from), to: neo4j.int(to) },
      );
      return groupBy(
        result.records,
        (r) => idOf(r.get('s')),
        (r): RestoredRelationship => ({
          targetId: String(r.get('rid')),
          type: String(r.get('type')),
          ...(r.get('e') === null ? {} : { end: idOf(r.get('e')) }),
          props: toPropertyList(r.get('props') as Record<string, unknown>),
        }),
      );
    });
  }

  async findUnrestored(limit: number): Promise<{ nodes: string[]; relationships: string[] }> {
    return this.read(async (tx) => {
      const nodes = await tx.run(
        `MATCH (n) WHERE n.${SOURCE_ID} IS NULL AND NOT n:${PROGRESS} RETURN elementId(n) AS id LIMIT $limit`,
        { limit: neo4j.int(limit) },
      );
      const rels = await tx.run(
        `MATCH (n)-[r]->() WHERE n.${SOURCE_ID} IS NULL AND NOT n:${PROGRESS} RETURN elementId(r) AS id LIMIT $limit`,
        { limit: neo4j.int(limit) },
      );
      return {
        nodes: nodes.records.map((r) => String(r.get('id'))),
        relationships: rels.records.map((r) => String(r.get('id'))),
      };
    });
  }

  async finishRestore(): Promise<void> {
    const session = this.session('WRITE');
    try {
      // One scan, committed every CLEANUP_BATCH rows: bounded server memory whatever the graph size, and no rescan of the
      // already cleaned part (a LIMIT loop is quadratic). Safe to repeat after an interruption.
      await session.run(
        `MATCH (n:${RESTORED}) CALL { WITH n REMOVE n.${SOURCE_ID}, n:${RESTORED} } IN TRANSACTIONS OF ${CLEANUP_BATCH} ROWS`,
      );
      await session.run(`DROP CONSTRAINT ${SOURCE_ID_CONSTRAINT} IF EXISTS`);
      await session.executeWrite((tx) => tx.run(`MATCH (p:${PROGRESS}) DELETE p`));
    } catch (error) {
      throw this.wrap(error);
    } finally {
      await session.close();
    }
  }

  async ledger(): Promise<OfferingLedgerRow[]> {
    return this.read(async (tx) => {
      const result = await tx.run(
        // Allocations in pages (ADR 0035), and one node each on a server whose ledger predates them.
        `MATCH (o:Offering)
         RETURN toString(o.day) AS day, toString(o.allocated) AS allocated,
                COLLECT { MATCH (o)<-[:OF]-(p:AllocationPage) UNWIND p.amounts AS amount RETURN toString(amount) } AS paged,
                COLLECT { MATCH (o)<-[:OF]-(a:Allocation) RETURN toString(a.amount) } AS amounts
         ORDER BY day`,
      );
      return result.records.map((r) => ({
        day: String(r.get('day')),
        allocated: String(r.get('allocated')),
        amounts: [...(r.get('paged') as string[]), ...(r.get('amounts') as string[])].map(String),
      }));
    });
  }

  async openLedgerWrites(): Promise<number> {
    return this.write(async (tx) => {
      const { records } = await tx.run(
        `MATCH (f:${LEDGER_WRITE_FENCE.label} {name: $name})
         WITH f, coalesce(f.writes, 0) AS writes, f.closed = true AS closed, f.createdBy IS NOT NULL AS created
         CALL { WITH f, closed, created WITH f WHERE closed AND created DELETE f }
         CALL { WITH f, closed, created WITH f WHERE closed AND NOT created REMOVE f.closedBy, f.closedAt, f.closedGeneration SET f.closed = false }
         RETURN writes`,
        { name: LEDGER_WRITE_FENCE.name },
      );
      return records.length === 0 ? 0 : toNumber(records[0].get('writes'));
    });
  }

  async closeLedgerWrites(fence: LedgerWriteFenceClose): Promise<void> {
    await this.write(async (tx) => {
      // SET takes the fence's write lock: the ledger writes in flight (which hold it) commit first, later ones see it closed.
      const { records } = await tx.run(
        `MERGE (f:${LEDGER_WRITE_FENCE.label} {name: $name})
         ON CREATE SET f.writes = 0, f.createdBy = $closedBy
         SET f.closed = true, f.closedBy = $closedBy, f.closedAt = $closedAt, f.closedGeneration = $generation
         RETURN coalesce(f.writes, 0) AS writes`,
        {
          name: LEDGER_WRITE_FENCE.name,
          closedBy: fence.closedBy,
          closedAt: fence.closedAt,
          generation: neo4j.int(fence.generation),
        },
      );
      const writes = toNumber(records[0].get('writes'));
      // Thrown inside the transaction function: the driver rolls the close back and does not retry it.
      if (writes !== fence.expectedWrites) throw ledgerWritesSinceCopy(this.uri, writes, fence.expectedWrites);
    });
  }

  async readLedgerWriteFence(): Promise<LedgerWriteFenceState | undefined> {
    return this.read(async (tx) => {
      const { records } = await tx.run(
        `MATCH (f:${LEDGER_WRITE_FENCE.label} {name: $name})
         RETURN f.closed = true AS closed, coalesce(f.writes, 0) AS writes, f.closedBy AS closedBy, f.closedGeneration AS generation`,
        { name: LEDGER_WRITE_FENCE.name },
      );
      if (records.length === 0) return undefined;
      const [record] = records;
      const closedBy = record.get('closedBy') as string | null;
      const generation = record.get('generation') as unknown;
      return {
        closed: record.get('closed') === true,
        writes: toNumber(record.get('writes')),
        ...(closedBy === null ? {} : { closedBy }),
        ...(generation === null ? {} : { closedGeneration: toNumber(generation) }),
      };
    });
  }

  async close(): Promise<void> {
    await this.driver.close();
  }

  private async saveProgress(tx: ManagedTransaction, progress: RestoreProgress): Promise<void> {
    await tx.run(`MERGE (p:${PROGRESS} {key: 'restore'}) SET p.backupSha256 = $sha, p.recordsDone = $done`, {
      sha: progress.backupSha256,
      done: neo4j.int(progress.recordsDone),
    });
  }

  private session(mode: 'READ' | 'WRITE'): Session {
    return this.driver.session({ defaultAccessMode: mode === 'READ' ? neo4j.session.READ : neo4j.session.WRITE });
  }

  private async read<T>(work: (tx: ManagedTransaction) => Promise<T>): Promise<T> {
    const session = this.session('READ');
    try {
      return await session.executeRead(work);
    } catch (error) {
      throw this.wrap(error);
    } finally {
      await session.close();
    }
  }

  private async write<T>(work: (tx: ManagedTransaction) => Promise<T>): Promise<T> {
    const session = this.session('WRITE');
    try {
      return await session.executeWrite(work);
    } catch (error) {
      throw this.wrap(error);
    } finally {
      await session.close();
    }
  }

  private wrap(error: unknown): unknown {
    if (error instanceof CodedError) return error;
    if (isAuthenticationError(error)) return unauthorizedError(this.uri, this.credentials, error);
    if (isConnectionError(error))
      return new CodedError('DB.UNREACHABLE', `Neo4j at ${this.uri} is unreachable`, String((error as Error).message), {
        cause: error,
      });
    return error;
  }
}

/** Connects to every server (blue, each green) with the same credentials: the fleet sets them on the servers it starts. */
export const boltGraphDatabaseFactory = (credentials: Neo4jCredentials | undefined): GraphDatabaseFactory => ({
  connect: (uri) => new BoltGraphDatabase(uri, credentials),
});
