// Compares two graphs: counts per label and type, the identity-free content checksum on both servers, ledger invariants, examples.
import { CodedError } from '@dco/contracts';
import { checksumOf, DigestFilter, GraphDigest, GraphDigester, nodeHash } from '../domain/graph-checksum';
import { canonicalLabels, canonicalNode, withoutRestoreBookkeeping } from '../domain/value-codec';
import { PROGRESS_LABEL } from '../domain/graph-value';
import {
  compareDigests,
  EntityExample,
  LedgerViolation,
  ledgerViolation,
  relationshipExamples,
  summarizeVerdict,
  ValidationVerdict,
} from '../domain/validation-diff';
import { GraphDatabase } from '../graph-database.port';
import { GraphRangeReader, nodeStream, relationshipStream } from '../bulk/bulk-export';
import { NodeRecord } from '../domain/graph-value';
import { DEFAULT_PAGE_SIZE, TransferProgress } from './export-graph';
import { forEachRange, rangeProgress } from './paging';

export interface DigestOptions {
  pageSize?: number;
  onProgress?: (progress: TransferProgress) => void;
  /** Counts only part of the graph (a relationship by whether its endpoints were counted); all of it by default. */
  filter?: DigestFilter;
  /**
   * Reads a target whose restore is not finished yet (before `finishRestore`): the restore's own label and source id are
   * left out of every node. Off by default: then they are differences like any other name.
   */
  restoreInProgress?: boolean;
  /** Reads the ranges instead of the database's own per-record reads (e.g. `BoltBlockReader`: one record per range). */
  reader?: GraphRangeReader;
}

/**
 * Reads every node once and every relationship once (without its endpoints' content: their hashes come from the node pass),
 * two ranges read at once, and folds them into a digest as they arrive. Memory: 17 bytes per node id (and a page for
 * readers that cannot stream).
 */
export async function digestGraph(db: GraphDatabase, options: DigestOptions = {}): Promise<GraphDigest> {
  return (await digestGraphParts(db, { all: options.filter }, options)).all;
}

/**
 * Several digests of one graph (one per filter, e.g. "the DCO's output" and "everything else") from a single read: each
 * node is read and hashed once and folded into every part. Memory: the page plus 17 bytes per node id and part.
 */
export async function digestGraphParts<K extends string>(
  db: GraphDatabase,
  parts: Record<K, DigestFilter | undefined>,
  options: Omit<DigestOptions, 'filter'> = {},
): Promise<Record<K, GraphDigest>> {
  const asSourceHadIt = options.restoreInProgress
    ? (node: NodeRecord): NodeRecord => ({ id: node.id, ...withoutRestoreBookkeeping(node) })
    : (node: NodeRecord): NodeRecord => node;
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  const max = await db.maxNodeId();
  const names = Object.keys(parts) as K[];
  const digesters = names.map((name) => new GraphDigester(max + 1, parts[name]));
  const total = 2 * (max + 1);
  const reader = options.reader ?? db;
  const progress = rangeProgress(total, options.onProgress);
  await forEachRange(
    max,
    pageSize,
    nodeStream(reader),
    (read) => {
      const node = asSourceHadIt(read);
      const hash = nodeHash(node);
      for (const digester of digesters) digester.addNode(node, hash);
    },
    progress,
  );
  await forEachRange(
    max,
    pageSize,
    relationshipStream(reader),
    (rel) => {
      for (const digester of digesters) digester.addRelationship(rel);
    },
    progress,
  );
  return Object.fromEntries(names.map((name, i) => [name, digesters[i].result()])) as Record<K, GraphDigest>;
}

export async function ledgerViolations(db: GraphDatabase): Promise<LedgerViolation[]> {
  return (await db.ledger())
    .map((row) => ledgerViolation(row.day, row.allocated, row.amounts))
    .filter((v): v is LedgerViolation => v !== undefined);
}

/** Finds a few concrete differing entities while the target still carries source ids (before finishRestore). */
async function findExamples(
  source: GraphDatabase,
  target: GraphDatabase,
  limit: number,
  pageSize: number,
): Promise<EntityExample[]> {
  const examples: EntityExample[] = [];
  const extras = await target.findUnrestored(limit);
  extras.nodes.forEach((id) => examples.push({ kind: 'node', problem: 'extra on target', id }));
  extras.relationships.forEach((id) => examples.push({ kind: 'relationship', problem: 'extra on target', id }));
  const max = await source.maxNodeId();
  for (let from = 0; from <= max && examples.length < limit; from += pageSize) {
    const nodes = await source.readNodes(from, Math.min(from + pageSize, max + 1));
    const restored = await target.readRestoredNodes(nodes.map((n) => n.id));
    for (const node of nodes) {
      const copy = restored.get(node.id);
      const label = canonicalLabels(node.labels)[0];
      if (!copy) examples.push({ kind: 'node', problem: 'missing on target', id: node.id, label });
      else if (canonicalNode(withoutRestoreBookkeeping(copy)) !== canonicalNode(node))
        examples.push({ kind: 'node', problem: 'changed on target', id: node.id, label });
    }
  }
  for (let from = 0; from <= max && examples.length < limit; from += pageSize) {
    const to = Math.min(from + pageSize, max + 1);
    const [rels, restored] = await Promise.all([
      source.readRelationships(from, to),
      target.readRestoredOutgoing(from, to),
    ]);
    examples.push(...relationshipExamples(rels, restored));
  }
  return examples.slice(0, limit);
}

export interface ValidationResult {
  verdict: ValidationVerdict;
  source: GraphDigest;
  target: GraphDigest;
  checksum: string;
}

export interface ValidateOptions {
  pageSize?: number;
  onProgress?: (progress: TransferProgress) => void;
  exampleLimit?: number;
  /**
   * The source's digest when it is already known, e.g. computed by `exportGraph` while it read the backup. Only valid while
   * the source has not changed since (the caller checks its change marker); the source is then read again only for examples.
   */
  sourceDigest?: GraphDigest;
  /**
   * The target is a restore not finished yet (the migrator validates before `finishRestore`, so that the examples can
   * match entities by source id): its bookkeeping is left out. Otherwise it is a difference, and examples are not looked
   * for (without source ids there is nothing to match entities by).
   */
  restoreInProgress?: boolean;
  /** How the target is read for its digest (see DigestOptions.reader). */
  targetReader?: GraphRangeReader;
}

/**
 * Digests the target (and the source, in parallel, unless its digest is given); on any difference throws
 * DB.VALIDATION_MISMATCH with a readable summary.
 */
export async function validateGraphs(
  source: GraphDatabase,
  target: GraphDatabase,
  options: ValidateOptions = {},
): Promise<ValidationResult> {
  const [sourceDigest, targetDigest] = await Promise.all([
    options.sourceDigest ?? digestGraph(source, { pageSize: options.pageSize }),
    digestGraph(target, {
      pageSize: options.pageSize,
      onProgress: options.onProgress,
      restoreInProgress: options.restoreInProgress,
      reader: options.targetReader,
    }),
  ]);
  const violations = await ledgerViolations(target);
  let verdict = compareDigests(sourceDigest, targetDigest, [], violations);
  // The progress marker is no user node (reads leave it out); a finished restore has none, so one left is a difference.
  if (!options.restoreInProgress && (await target.readRestoreProgress())) {
    verdict = {
      ...verdict,
      equal: false,
      countDifferences: [...verdict.countDifferences, { kind: 'label', name: PROGRESS_LABEL, source: 0, target: 1 }],
    };
  }
  if (
    options.restoreInProgress &&
    !verdict.equal &&
    (verdict.countDifferences.length > 0 || verdict.nodeContentDiffers || verdict.relationshipContentDiffers)
  ) {
    const examples = await findExamples(
      source,
      target,
      options.exampleLimit ?? 5,
      options.pageSize ?? DEFAULT_PAGE_SIZE,
    );
    verdict = { ...verdict, examples };
  }
  if (!verdict.equal) {
    const summary = summarizeVerdict(verdict);
    throw new CodedError(
      'DB.VALIDATION_MISMATCH',
      `${target.uri} does not match ${source.uri}: ${summary.split('\n')[0]}`,
      summary,
    );
  }
  return { verdict, source: sourceDigest, target: targetDigest, checksum: checksumOf(targetDigest) };
}
