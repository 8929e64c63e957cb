// Exports a graph as the backup of the offline restore: gzip'd `neo4j-admin database import full` CSV parts (one per label
// set / relationship type and typed columns), a patch of what CSV cannot carry exactly, and a manifest written last.
import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { createGzip, Gzip } from 'node:zlib';
import { Clock, CodedError, systemClock } from '@dco/contracts';
import { BackupStore } from '../backup/backup-store.port';
import { BackupSignature, BackupSigner } from '../backup/backup-signature';
import { GraphDigest, GraphDigester } from '../domain/graph-checksum';
import { NodeRecord, RelationshipRecord, RESTORED_LABEL } from '../domain/graph-value';
import { GraphDatabase } from '../graph-database.port';
import { DEFAULT_PAGE_SIZE, refuseReserved, TransferProgress } from '../transfer/export-graph';
import { forEachRange, RangeStream, rangeProgress, READ_AHEAD, streamOfPages } from '../transfer/paging';
import { CsvRow, nodeRow, PatchEntry, relationshipRow } from './import-csv.format';

export const BULK_FORMAT = 'dco-neo4j-bulk';
export const MANIFEST_FILE = 'manifest.json';
export const PATCH_FILE = 'patch.jsonl.gz';

export interface BulkPart {
  file: string;
  kind: 'nodes' | 'relationships';
  rows: number;
  sha256: string;
}

export interface BulkManifest {
  format: typeof BULK_FORMAT;
  version: 1;
  createdAt: string;
  source: { uri: string; serverVersion: string; changeMarker: string };
  schema: string[];
  nodes: number;
  relationships: number;
  parts: BulkPart[];
  patch: { file: string; entries: number; sha256: string };
  /** HMAC-SHA256 of `signedManifestPayload`: every part's sha256 is in the manifest, so it covers the whole backup. */
  signature?: BackupSignature;
}

/** What the manifest's signature covers: a format tag and the manifest without its signature, as JSON. */
export function signedManifestPayload(manifest: BulkManifest): string {
  const { signature: _signature, ...signed } = manifest;
  return `${BULK_FORMAT}/1\n` + JSON.stringify(signed);
}

/** The reads of an export: by default the GraphDatabase's own; `BoltBlockReader` reads a range in one statement. */
export interface GraphRangeReader {
  readNodes(from: number, to: number): Promise<NodeRecord[]>;
  readRelationships(from: number, to: number): Promise<RelationshipRecord[]>;
  /** The range's nodes handed over one by one as they are decoded, never gathered (readers that can). */
  streamNodes?: RangeStream<NodeRecord>;
  streamRelationships?: RangeStream<RelationshipRecord>;
}

/** How `reader` streams a range of nodes: its own stream, or each page read whole. */
export function nodeStream(reader: GraphRangeReader): RangeStream<NodeRecord> {
  return reader.streamNodes?.bind(reader) ?? streamOfPages((from, to) => reader.readNodes(from, to));
}

/** How `reader` streams the relationships of a range of start nodes: its own stream, or each page read whole. */
export function relationshipStream(reader: GraphRangeReader): RangeStream<RelationshipRecord> {
  return reader.streamRelationships?.bind(reader) ?? streamOfPages((from, to) => reader.readRelationships(from, to));
}

export interface BulkExportOptions {
  /** Signs the manifest: a restore takes only a backup signed by one of its verification keys. */
  signer: BackupSigner;
  pageSize?: number;
  /** Ranges requested ahead of the one being written (concurrent reads on the server). */
  readAhead?: number;
  reader?: GraphRangeReader;
  clock?: Clock;
  onProgress?: (progress: TransferProgress) => void;
}

export interface BulkExportResult {
  manifest: BulkManifest;
  changeMarker: string;
  /** The digest of what was exported, as `exportGraph` gives it. */
  digest: GraphDigest;
}

/** Bytes of CSV collected before one write to the compressor. */
const FLUSH_BYTES = 256 * 1024;

/** A gzip'd file in the store whose sha256 is taken over the compressed bytes (what is stored and transferred). */
class GzipFile {
  private readonly gzip: Gzip = createGzip({ level: 1 });
  private readonly hash = createHash('sha256');
  private readonly done: Promise<void>;
  /** The text written since the last flush, as UTF-8 (off V8's heap: a row's string dies young, ADR 0018). */
  private pending = Buffer.allocUnsafe(FLUSH_BYTES);
  private pendingBytes = 0;
  /** The compressor's next drain, once a flush found it full: every flush until then waits on that one. */
  private drained?: Promise<void>;
  /**
   * Rejects with the first error of the compressor, the tee or the store. A store that fails mid-write never drains:
   * without this, a flush waiting for the compressor's drain, and the export with it, waited forever.
   */
  private readonly failed: Promise<never>;
  rows = 0;

  constructor(store: BackupStore, key: string) {
    const artifact = store.create(key);
    const hash = this.hash;
    const tee = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        hash.update(chunk);
        if (artifact.stream.write(chunk)) return callback();
        // The store's drain, or its error: a failed stream never drains.
        const drained = () => {
          artifact.stream.off('error', failed);
          callback();
        };
        const failed = (error: Error) => {
          artifact.stream.off('drain', drained);
          callback(error);
        };
        artifact.stream.once('drain', drained);
        artifact.stream.once('error', failed);
      },
      final(callback) {
        artifact.stream.end(() => callback());
      },
    });
    this.gzip.pipe(tee);
    this.failed = new Promise<never>((_resolve, reject) => {
      tee.on('error', reject);
      this.gzip.on('error', reject);
      artifact.stream.on('error', reject);
    });
    this.failed.catch(() => undefined);
    this.done = Promise.race([new Promise<void>((resolve) => tee.on('finish', resolve)), this.failed]).then(() =>
      artifact.commit(),
    );
    this.done.catch(() => undefined);
  }

  /**
   * Buffers `text` and hands the compressor one chunk per FLUSH_BYTES: zlib runs once per written chunk (on the thread
   * pool), so a write per row cost more than the rest of the export together.
   */
  write(text: string): Promise<void> | undefined {
    // A UTF-16 code unit takes at most 3 bytes of UTF-8.
    const room = text.length * 3;
    const flushed = this.pendingBytes + room > this.pending.length ? this.flush(room) : undefined;
    this.pendingBytes += this.pending.write(text, this.pendingBytes);
    return flushed;
  }

  async close(): Promise<string> {
    await this.flush();
    this.gzip.end();
    await this.done;
    return this.hash.digest('hex');
  }

  destroy(): void {
    this.gzip.destroy();
  }

  /** Hands what is pending to the compressor (a fresh buffer of at least `room` bytes next); a promise if it must drain. */
  private flush(room = 0): Promise<void> | undefined {
    if (this.pendingBytes === 0) {
      if (room > this.pending.length) this.pending = Buffer.allocUnsafe(room);
      return undefined;
    }
    const chunk = this.pending.subarray(0, this.pendingBytes);
    this.pending = Buffer.allocUnsafe(Math.max(FLUSH_BYTES, room));
    this.pendingBytes = 0;
    if (this.gzip.write(chunk)) return undefined;
    // One listener for all of them (a listener per waiting flush went past Node's limit of 10 on fast reads).
    this.drained ??= Promise.race([
      new Promise<void>((resolve) =>
        this.gzip.once('drain', () => {
          this.drained = undefined;
          resolve();
        }),
      ),
      this.failed,
    ]);
    return this.drained;
  }
}

/** The CSV parts of one kind: a file per part key, opened on its first row with the part's header as first line. */
class PartWriter {
  private readonly open = new Map<string, { name: string; file: GzipFile }>();
  readonly parts: BulkPart[] = [];

  constructor(
    private readonly store: BackupStore,
    private readonly prefix: string,
    private readonly kind: 'nodes' | 'relationships',
  ) {}

  /** Buffers the row (and its part's header first); a promise only when that flushed to the compressor. */
  add(row: CsvRow): Promise<void> | undefined {
    let part = this.open.get(row.partKey);
    let header: Promise<void> | undefined;
    if (!part) {
      const name = `${this.kind}-${String(this.open.size + 1).padStart(4, '0')}.csv.gz`;
      part = { name, file: new GzipFile(this.store, `${this.prefix}/${name}`) };
      this.open.set(row.partKey, part);
      header = part.file.write(row.header + '\n');
    }
    part.file.rows += 1;
    // A promise only when it flushed: an await per buffered row cost 1.4 us of the writer's 4.2 (600k rows).
    return bothOf(header, part.file.write(row.line + '\n'));
  }

  async close(): Promise<void> {
    for (const { name, file } of this.open.values())
      this.parts.push({ file: name, kind: this.kind, rows: file.rows, sha256: await file.close() });
  }

  destroy(): void {
    for (const { file } of this.open.values()) file.destroy();
  }
}

/**
 * The files of a bulk backup, written as records come: each node or relationship as a CSV row of its part, what CSV cannot
 * carry to the patch, and (`finish`) the manifest last. Nodes and relationships go to parts of their own (the importer
 * reads every node part first), so they may come in any order. Also the way to write an import of generated data
 * (bench/dco.bench.ts seeds a day with it).
 */
export class BulkBackupWriter {
  private readonly nodes: PartWriter;
  private readonly relationships: PartWriter;
  private readonly patch: GzipFile;
  nodeCount = 0;
  relationshipCount = 0;

  constructor(
    private readonly store: BackupStore,
    private readonly prefix: string,
  ) {
    this.nodes = new PartWriter(store, prefix, 'nodes');
    this.relationships = new PartWriter(store, prefix, 'relationships');
    this.patch = new GzipFile(store, `${prefix}/${PATCH_FILE}`);
  }

  /** Buffers the node's row and patch; a promise only when a compressor was handed a chunk (await it before closing). */
  addNode(node: NodeRecord): Promise<void> | undefined {
    const row = nodeRow(node, RESTORED_LABEL);
    this.nodeCount += 1;
    return bothOf(this.nodes.add(row), this.writePatch(row.patch));
  }

  /** As `addNode`, for a relationship. */
  addRelationship(rel: RelationshipRecord): Promise<void> | undefined {
    const row = relationshipRow(rel);
    this.relationshipCount += 1;
    return bothOf(this.relationships.add(row), this.writePatch(row.patch));
  }

  /** Closes every part and the patch, then writes the manifest (signed when a signer is given) and returns it. */
  async finish(
    header: Pick<BulkManifest, 'createdAt' | 'source' | 'schema'>,
    signer?: BackupSigner,
  ): Promise<BulkManifest> {
    await this.nodes.close();
    await this.relationships.close();
    const patchEntries = this.patch.rows;
    const patchSha = await this.patch.close();
    const unsigned: BulkManifest = {
      format: BULK_FORMAT,
      version: 1,
      ...header,
      nodes: this.nodeCount,
      relationships: this.relationshipCount,
      parts: [...this.nodes.parts, ...this.relationships.parts],
      patch: { file: PATCH_FILE, entries: patchEntries, sha256: patchSha },
    };
    const manifest: BulkManifest = signer
      ? { ...unsigned, signature: signer.sign(signedManifestPayload(unsigned)) }
      : unsigned;
    const out = this.store.create(`${this.prefix}/${MANIFEST_FILE}`);
    await new Promise<void>((resolve, reject) => {
      out.stream.on('error', reject);
      out.stream.end(JSON.stringify(manifest, null, 2) + '\n', () => resolve());
    });
    await out.commit();
    return manifest;
  }

  destroy(): void {
    this.nodes.destroy();
    this.relationships.destroy();
    this.patch.destroy();
  }

  private writePatch(entry: PatchEntry | undefined): Promise<void> | undefined {
    if (!entry) return undefined;
    this.patch.rows += 1;
    return this.patch.write(JSON.stringify(entry) + '\n');
  }
}

/** One promise for two writes' flushes, either of which may be absent. */
function bothOf(a: Promise<void> | undefined, b: Promise<void> | undefined): Promise<void> | undefined {
  return a && b ? Promise.all([a, b]).then(() => undefined) : (a ?? b);
}

/**
 * Reads the graph by id range (nodes, then relationships by start node), writes each record as a CSV row of its part and
 * what CSV cannot carry to the patch, then the manifest. The manifest is written last: a backup without one is incomplete.
 */
export async function exportBulk(
  source: GraphDatabase,
  store: BackupStore,
  prefix: string,
  options: BulkExportOptions,
): Promise<BulkExportResult> {
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  const readAhead = options.readAhead ?? READ_AHEAD;
  const reader = options.reader ?? source;
  const clock = options.clock ?? systemClock;
  const writer = new BulkBackupWriter(store, prefix);
  try {
    const changeMarker = await source.changeMarker();
    const serverVersion = await source.serverVersion();
    const schema = await source.schemaStatements();
    const maxNode = await source.maxNodeId();
    const digester = new GraphDigester(maxNode + 1);
    const total = 2 * (maxNode + 1);
    // Rows are written as records arrive; a compressor's flush is awaited once the range is done (each range's CSV at most
    // is buffered meanwhile), so that no record outlives its row.
    const flushes: Promise<void>[] = [];
    const flushed = (flush: Promise<void> | undefined) => {
      if (!flush) return;
      flush.catch(() => undefined);
      flushes.push(flush);
    };
    const progress = rangeProgress(total, options.onProgress);
    const rangeDone = async (count: number) => {
      await Promise.all(flushes.splice(0));
      progress(count);
    };
    await forEachRange(
      maxNode,
      pageSize,
      nodeStream(reader),
      (node) => {
        refuseReserved('node', node);
        digester.addNode(node);
        flushed(writer.addNode(node));
      },
      rangeDone,
      readAhead + 1,
    );
    await forEachRange(
      maxNode,
      pageSize,
      relationshipStream(reader),
      (rel) => {
        refuseReserved('relationship', rel);
        digester.addRelationship(rel);
        flushed(writer.addRelationship(rel));
      },
      rangeDone,
      readAhead + 1,
    );
    const manifest = await writer.finish(
      { createdAt: clock.now().toISOString(), source: { uri: source.uri, serverVersion, changeMarker }, schema },
      options.signer,
    );
    return { manifest, changeMarker, digest: digester.result() };
  } catch (error) {
    writer.destroy();
    if (error instanceof CodedError) throw error;
    throw new CodedError(
      'DB.BACKUP_FAILED',
      `bulk backup of ${source.uri} failed: ${(error as Error).message}`,
      String((error as Error).stack),
      { cause: error },
    );
  }
}
