// What this host's Neo4j servers and the driver can do at all over Bolt, measured with bare queries, as the ceilings the
// migrate benchmark's export and restore are compared with: a whole-graph read whose records are counted and dropped, and
// bare batched UNWIND CREATEs of nodes and of relationships found by an indexed id.
import neo4j, { Driver, Integer, QueryResult, Result } from 'neo4j-driver';
import { now } from './result';

/** The part of the node id space a read covers: `nodes` first nodes (all when undefined) and their outgoing relationships. */
interface ReadScope {
  nodes?: number;
}

interface ReadShape {
  name: string;
  /** Reads every node and relationship of the scope and returns how many records arrived. */
  read(driver: Driver, scope: ReadScope, maxNodeId: number): Promise<number>;
}

/** Streams a result and counts its records without keeping them: the driver decodes each record, nothing else happens. */
function countRecords(result: Result): Promise<number> {
  return new Promise((resolve, reject) => {
    let count = 0;
    result.subscribe({
      onNext: () => void (count += 1),
      onCompleted: () => resolve(count),
      onError: reject,
    });
  });
}

async function readSession(
  driver: Driver,
  fetchSize: number,
  query: string,
  params: Record<string, unknown>,
): Promise<number> {
  const session = driver.session({ defaultAccessMode: neo4j.session.READ, fetchSize });
  try {
    return await countRecords(session.run(query, params));
  } finally {
    await session.close();
  }
}

const NODES_SCAN = 'MATCH (n) WITH n LIMIT $limit RETURN id(n) AS id, labels(n) AS labels, properties(n) AS props';
const RELS_SCAN =
  'MATCH (a) WITH a LIMIT $limit MATCH (a)-[r]->(b) RETURN id(r) AS id, type(r) AS type, id(a) AS s, id(b) AS e, properties(r) AS props';
// The exporter's page queries (BoltGraphDatabase.readNodes / readRelationships without the progress-label filter).
const NODES_PAGE =
  'UNWIND range($from, $to - 1) AS i MATCH (n) WHERE id(n) = i RETURN id(n) AS id, labels(n) AS labels, properties(n) AS props';
const RELS_PAGE =
  'UNWIND range($from, $to - 1) AS i MATCH (a) WHERE id(a) = i MATCH (a)-[r]->(b) RETURN id(r) AS id, type(r) AS type, id(a) AS s, id(b) AS e, properties(r) AS props';

const limitOf = (scope: ReadScope, maxNodeId: number) => neo4j.int(scope.nodes ?? maxNodeId + 1);

/** One query for all nodes, then one for all relationships, on one session. */
const scan = (fetchSize: number): ReadShape => ({
  name: `scan/fetch-${fetchSize === -1 ? 'all' : fetchSize}`,
  read: async (driver, scope, maxNodeId) => {
    const limit = limitOf(scope, maxNodeId);
    return (
      (await readSession(driver, fetchSize, NODES_SCAN, { limit })) +
      (await readSession(driver, fetchSize, RELS_SCAN, { limit }))
    );
  },
});

/** The node query and the relationship query at the same time, on two sessions. */
const parallelScan = (fetchSize: number): ReadShape => ({
  name: `scan-2-sessions/fetch-${fetchSize === -1 ? 'all' : fetchSize}`,
  read: async (driver, scope, maxNodeId) => {
    const limit = limitOf(scope, maxNodeId);
    const counts = await Promise.all([
      readSession(driver, fetchSize, NODES_SCAN, { limit }),
      readSession(driver, fetchSize, RELS_SCAN, { limit }),
    ]);
    return counts[0] + counts[1];
  },
});

/** Id-range pages as the exporter reads them (nodes pass, then relationships pass), `sessions` pages in flight, each read whole. */
const pages = (pageSize: number, sessions: number): ReadShape => ({
  name: `pages-${pageSize}/${sessions}-session${sessions > 1 ? 's' : ''}`,
  read: async (driver, scope, maxNodeId) => {
    const end = scope.nodes ?? maxNodeId + 1;
    let total = 0;
    for (const query of [NODES_PAGE, RELS_PAGE]) {
      let next = 0;
      const worker = async () => {
        while (next < end) {
          const from = next;
          next = Math.min(from + pageSize, end);
          const records = await readSession(driver, -1, query, { from: neo4j.int(from), to: neo4j.int(next) });
          total += records;
        }
      };
      await Promise.all(Array.from({ length: sessions }, worker));
    }
    return total;
  },
});

/**
 * The shapes tried. fetchSize 1000 is the driver's default; -1 pulls a whole result at once (the exporter's setting).
 * "pages-10000/2-sessions" is what the exporter does (one page read ahead of the page being handled). The fastest is chosen
 * in each run rather than fixed here because they are close: on this 2-core host at 50k nodes (2026-11-27) every shape but
 * fetch-1000 read 66k-73k records/s, whole-graph scans with fetch 10000 or all slightly ahead of the exporter's pages, a
 * second session gaining nothing (the server and the client's decoding share the same two cores).
 */
export const READ_SHAPES: readonly ReadShape[] = [
  scan(1_000),
  scan(10_000),
  scan(-1),
  parallelScan(-1),
  pages(10_000, 1),
  pages(10_000, 2),
];

export interface ReadCeiling {
  /** Records of the whole graph read with the fastest shape, per second. */
  recordsPerS: number;
  records: number;
  seconds: number;
  shape: string;
  /** Records per second of each shape on the trial scope. */
  trials: Record<string, number>;
}

/**
 * Tries every shape on the first `trialNodes` node ids (nodes and their relationships), twice, in opposite orders so that
 * warm-up favours none, keeps each shape's better rate, and reads the whole graph with the fastest: the ceiling is whichever
 * way of reading this host does best, not a shape chosen in advance. The whole read must return `expectedRecords`, so that
 * a shape cannot win by reading less.
 */
export async function measureReadCeiling(
  driver: Driver,
  options: { trialNodes: number; expectedRecords: number; onShape?: (shape: string) => void },
): Promise<ReadCeiling> {
  const maxNodeId = (await driver.executeQuery('MATCH (n) RETURN coalesce(max(id(n)), -1) AS m')).records[0].get(
    'm',
  ) as Integer;
  const max = maxNodeId.toNumber();
  const trials: Record<string, number> = {};
  for (const shape of [...READ_SHAPES, ...[...READ_SHAPES].reverse()]) {
    options.onShape?.(`trial ${shape.name}`);
    const started = now();
    const records = await shape.read(driver, { nodes: Math.min(options.trialNodes, max + 1) }, max);
    trials[shape.name] = Math.max(trials[shape.name] ?? 0, Math.round(records / (now() - started)));
  }
  const fastest = READ_SHAPES.reduce((best, shape) => (trials[shape.name] > trials[best.name] ? shape : best));
  options.onShape?.(`whole graph ${fastest.name}`);
  const started = now();
  const records = await fastest.read(driver, {}, max);
  const seconds = now() - started;
  if (records !== options.expectedRecords)
    throw new Error(`the ceiling read ${records} records, the migration moved ${options.expectedRecords}`);
  return { recordsPerS: records / seconds, records, seconds, shape: fastest.name, trials };
}

export interface CreateCeiling {
  nodesPerS: number;
  relsPerS: number;
  /** Building the id index between the two (counted in neither rate). */
  indexS: number;
  cleanupS: number;
}

const CEILING_LABEL = 'BenchCeilingAccount';
const CEILING_TYPE = 'BENCH_CEILING_TRANSFER';

async function write(driver: Driver, query: string, rows: unknown[]): Promise<QueryResult> {
  const session = driver.session({ defaultAccessMode: neo4j.session.WRITE });
  try {
    return await session.executeWrite((tx) => tx.run(query, { rows }));
  } finally {
    await session.close();
  }
}

/** Writes `count` rows in batches of `batch`, one transaction each, building the next batch while the current one commits. */
async function writeBatches(
  driver: Driver,
  query: string,
  count: number,
  batch: number,
  row: (i: number) => unknown,
  onProgress?: (done: number) => void,
): Promise<number> {
  const build = (from: number) => Array.from({ length: Math.min(batch, count - from) }, (_, j) => row(from + j));
  const started = now();
  let rows = build(0);
  for (let from = 0; from < count; from += batch) {
    const writing = write(driver, query, rows);
    if (from + batch < count) rows = build(from + batch);
    await writing;
    onProgress?.(Math.min(from + batch, count));
  }
  return count / (now() - started);
}

async function run(driver: Driver, query: string): Promise<void> {
  const session = driver.session({ defaultAccessMode: neo4j.session.WRITE });
  try {
    await session.run(query);
  } finally {
    await session.close();
  }
}

async function removeSample(driver: Driver, batch: number): Promise<void> {
  await run(driver, `MATCH (n:${CEILING_LABEL}) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF ${batch} ROWS`);
  await run(driver, 'DROP INDEX bench_ceiling_account_id IF EXISTS');
}

/**
 * Bare batched UNWIND CREATE on the target server, into a label and type the migration does not use: `sample` nodes with the
 * bulk generator's property shape (no index while they are created: the fastest a node write can be), then an index on
 * their id, then `sample` relationships with the generator's TRANSFER properties between nodes found by that id. No file,
 * no grouping, no source-id constraint, no progress marker. Everything is deleted afterwards.
 */
export async function measureCreateCeiling(
  driver: Driver,
  options: { sample: number; batch: number; onProgress?: (label: string, done: number) => void },
): Promise<CreateCeiling> {
  const { sample, batch } = options;
  await removeSample(driver, batch);
  // The generator's zoned date-time, as the server builds it, so that the driver sends the same zone id and offset.
  const at = (
    await driver.executeQuery("RETURN datetime({epochSeconds: 1700000000, timezone: 'Europe/Berlin'}) AS at")
  ).records[0].get('at') as unknown;
  const day0 = Date.UTC(2020, 0, 1);
  try {
    const nodesPerS = await writeBatches(
      driver,
      `UNWIND $rows AS row CREATE (:${CEILING_LABEL} {id: row.id, name: row.name, balance: row.balance, score: row.score, active: row.active, opened: row.opened, tags: row.tags})`,
      sample,
      batch,
      (i) => {
        const opened = new Date(day0 + (i % 1000) * 86_400_000);
        return {
          id: neo4j.int(i),
          name: `account-${i}`,
          balance: neo4j.int(i * 1_000_003),
          score: i / 7,
          active: i % 3 === 0,
          opened: new neo4j.types.Date(opened.getUTCFullYear(), opened.getUTCMonth() + 1, opened.getUTCDate()),
          tags: ['a', String(i % 10)],
        };
      },
      (done) => options.onProgress?.('ceiling nodes', done),
    );
    let started = now();
    await run(driver, `CREATE INDEX bench_ceiling_account_id IF NOT EXISTS FOR (a:${CEILING_LABEL}) ON (a.id)`);
    await run(driver, 'CALL db.awaitIndexes(600)');
    const indexS = now() - started;
    const relsPerS = await writeBatches(
      driver,
      `UNWIND $rows AS row MATCH (a:${CEILING_LABEL} {id: row.s}) MATCH (b:${CEILING_LABEL} {id: row.e})
       CREATE (a)-[:${CEILING_TYPE} {amount: row.amount, at: row.at, weight: row.weight}]->(b)`,
      sample,
      batch,
      (i) => ({ s: neo4j.int(i), e: neo4j.int((i * 7919 + 104_729) % sample), amount: String(i), at, weight: 0.25 }),
      (done) => options.onProgress?.('ceiling relationships', done),
    );
    // A MATCH that found no endpoint would create nothing and look fast: the sample must be complete.
    const created = await driver.executeQuery(
      `MATCH (:${CEILING_LABEL})-[r:${CEILING_TYPE}]->() RETURN count(r) AS rels, count(DISTINCT startNode(r)) AS starts`,
    );
    const [rels, starts] = ['rels', 'starts'].map((key) => (created.records[0].get(key) as Integer).toNumber());
    if (rels !== sample || starts !== sample)
      throw new Error(
        `the ceiling sample holds ${starts} nodes with ${rels} relationships, expected ${sample} of each`,
      );
    started = now();
    await removeSample(driver, batch);
    return { nodesPerS, relsPerS, indexS, cleanupS: now() - started };
  } catch (error) {
    await removeSample(driver, batch).catch(() => undefined);
    throw error;
  }
}
