// Streams a whole graph from a GraphDatabase into a backup file, page by id range, one page read ahead, memory bounded;
// digests the graph from the same reads, so that validation need not read the source again.
import { Writable } from 'node:stream';
import { BackupFooter, BackupHeader, BackupWriter } from '../backup/backup-file.format';
import { BackupSigner } from '../backup/backup-signature';
import { Clock, CodedError, systemClock } from '@dco/contracts';
import { GraphDigest, GraphDigester } from '../domain/graph-checksum';
import { GraphDatabase } from '../graph-database.port';
import { NodeRecord, RelationshipRecord, RESERVED_PREFIX, reservedNameOf } from '../domain/graph-value';
import { forEachPage } from './paging';

export const DEFAULT_PAGE_SIZE = 10_000;

export interface TransferProgress {
  done: number;
  total: number;
}

export interface ExportOptions {
  /** Signs the footer: a restore takes only a backup signed by one of its verification keys. */
  signer: BackupSigner;
  pageSize?: number;
  clock?: Clock;
  onProgress?: (progress: TransferProgress) => void;
}

export interface ExportResult {
  header: BackupHeader;
  footer: BackupFooter;
  /** The source's change marker taken before the first read: compare it at cutover to detect later writes. */
  changeMarker: string;
  /**
   * The content digest of what was exported (the same as `digestGraph` of the source). It describes the source only while
   * the source's change marker is still `changeMarker`.
   */
  digest: GraphDigest;
}

/** Names with the migrator's prefix would be dropped from checksums and clash with restore bookkeeping: refuse them. */
export function refuseReserved(kind: 'node' | 'relationship', record: NodeRecord | RelationshipRecord): void {
  const name = reservedNameOf(record);
  if (name !== undefined) {
    throw new CodedError(
      'DB.RESERVED_NAME',
      `${kind} ${record.id} uses the name ${name}; names starting with ${RESERVED_PREFIX} are reserved for the migrator`,
    );
  }
}

export async function exportGraph(
  source: GraphDatabase,
  output: Writable,
  options: ExportOptions,
): Promise<ExportResult> {
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  const clock = options.clock ?? systemClock;
  try {
    const changeMarker = await source.changeMarker();
    const serverVersion = await source.serverVersion();
    const schema = await source.schemaStatements();
    const maxNode = await source.maxNodeId();
    const header = { createdAt: clock.now().toISOString(), source: { uri: source.uri, serverVersion, changeMarker } };
    const writer = new BackupWriter(output, header, options.signer);
    const digester = new GraphDigester(maxNode + 1);
    for (const statement of schema) await writer.schema(statement);
    // Two passes over the node id space: nodes, then relationships by start node (restore needs every endpoint first).
    const total = 2 * (maxNode + 1);
    await forEachPage(
      maxNode,
      pageSize,
      (f, t) => source.readNodes(f, t),
      async (nodes, to) => {
        for (const node of nodes) {
          refuseReserved('node', node);
          digester.addNode(node);
        }
        await writer.nodePage(nodes);
        options.onProgress?.({ done: to, total });
      },
    );
    await forEachPage(
      maxNode,
      pageSize,
      (f, t) => source.readRelationships(f, t),
      async (rels, to) => {
        for (const rel of rels) {
          refuseReserved('relationship', rel);
          digester.addRelationship(rel);
        }
        await writer.relationshipPage(rels);
        options.onProgress?.({ done: maxNode + 1 + to, total });
      },
    );
    const footer = await writer.finish();
    return {
      header: { format: 'dco-neo4j-backup', version: 1, ...header },
      footer,
      changeMarker,
      digest: digester.result(),
    };
  } catch (error) {
    output.destroy();
    if (error instanceof CodedError) throw error;
    throw new CodedError(
      'DB.BACKUP_FAILED',
      `backup of ${source.uri} failed: ${(error as Error).message}`,
      String((error as Error).stack),
      { cause: error },
    );
  }
}
