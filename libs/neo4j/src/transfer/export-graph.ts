// Streams a whole graph from a GraphDatabase into a backup file, page by id range, one page read ahead, memory bounded.
import { Writable } from 'node:stream';
import { BackupFooter, BackupHeader, BackupWriter } from '../backup/backup-file.format';
import { Clock, CodedError, systemClock } from '@dco/contracts';
import { GraphDatabase } from '../graph-database.port';

export interface TransferProgress {
  done: number;
  total: number;
}

export interface ExportOptions {
  pageSize?: number;
  clock?: Clock;
  onProgress?: (progress: TransferProgress) => void;
}

export interface ExportResult {
  header: BackupHeader;
  footer: BackupFooter;
  /** The source's change marker taken before the first read: compare it at cutover to detect later writes. */
  changeMarker: string;
}

/** Reads pages [0, max] in order while the previous page is being written (one page ahead). */
async function forEachPage<T>(max: number, pageSize: number, read: (from: number, to: number) => Promise<T[]>, handle: (items: T[], to: number) => Promise<void>) {
  let next: Promise<T[]> | undefined = max >= 0 ? read(0, Math.min(pageSize, max + 1)) : undefined;
  for (let from = 0; next; from += pageSize) {
    const items = await next;
    const to = Math.min(from + pageSize, max + 1);
    next = to <= max ? read(to, Math.min(to + pageSize, max + 1)) : undefined;
    await handle(items, to);
  }
}

export async function exportGraph(source: GraphDatabase, output: Writable, options: ExportOptions = {}): Promise<ExportResult> {
  const pageSize = options.pageSize ?? 5_000;
  const clock = options.clock ?? systemClock;
  try {
    const changeMarker = await source.changeMarker();
    const serverVersion = await source.serverVersion();
    const schema = await source.schemaStatements();
    const maxNode = await source.maxNodeId();
    const header = { createdAt: clock.now().toISOString(), source: { uri: source.uri, serverVersion, changeMarker } };
    const writer = new BackupWriter(output, header);
    for (const statement of schema) await writer.schema(statement);
    // Two passes over the node id space: nodes, then relationships by start node (restore needs every endpoint first).
    const total = 2 * (maxNode + 1);
    await forEachPage(maxNode, pageSize, (f, t) => source.readNodes(f, t), async (nodes, to) => {
      for (const node of nodes) await writer.node(node);
      options.onProgress?.({ done: to, total });
    });
    await forEachPage(maxNode, pageSize, (f, t) => source.readRelationships(f, t), async (rels, to) => {
      for (const rel of rels) await writer.relationship(rel);
      options.onProgress?.({ done: maxNode + 1 + to, total });
    });
    const footer = await writer.finish();
    return { header: { format: 'dco-neo4j-backup', version: 1, ...header }, footer, changeMarker };
  } catch (error) {
    output.destroy();
    if (error instanceof CodedError) throw error;
    throw new CodedError('DB.BACKUP_FAILED', `backup of ${source.uri} failed: ${(error as Error).message}`, String((error as Error).stack), { cause: error });
  }
}
