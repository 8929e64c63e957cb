// Compares two graphs: counts per label and type, the identity-free content checksum on both servers, ledger invariants, examples.
import { CodedError } from '@dco/contracts';
import { DigestAccumulator, GraphDigest, checksumOf } from '../domain/graph-checksum';
import { canonicalLabels, canonicalNode, canonicalProps } from '../domain/value-codec';
import { compareDigests, EntityExample, LedgerViolation, ledgerViolation, summarizeVerdict, ValidationVerdict } from '../domain/validation-diff';
import { GraphDatabase } from '../graph-database.port';
import { TransferProgress } from './export-graph';

export interface DigestOptions {
  pageSize?: number;
  onProgress?: (progress: TransferProgress) => void;
}

/** Reads every node and relationship once, page by page, and folds them into a digest (memory bounded by the page size). */
export async function digestGraph(db: GraphDatabase, options: DigestOptions = {}): Promise<GraphDigest> {
  const pageSize = options.pageSize ?? 5_000;
  const acc = new DigestAccumulator();
  const max = await db.maxNodeId();
  const total = 2 * (max + 1);
  for (let from = 0; from <= max; from += pageSize) {
    for (const node of await db.readNodes(from, Math.min(from + pageSize, max + 1))) acc.addNode(node);
    options.onProgress?.({ done: Math.min(from + pageSize, max + 1), total });
  }
  for (let from = 0; from <= max; from += pageSize) {
    for (const rel of await db.readRelationshipContents(from, Math.min(from + pageSize, max + 1))) acc.addRelationship(rel);
    options.onProgress?.({ done: max + 1 + Math.min(from + pageSize, max + 1), total });
  }
  return acc.result();
}

export async function ledgerViolations(db: GraphDatabase): Promise<LedgerViolation[]> {
  return (await db.ledger()).map((row) => ledgerViolation(row.day, row.allocated, row.amounts)).filter((v): v is LedgerViolation => v !== undefined);
}

/** Finds a few concrete differing entities while the target still carries source ids (before finishRestore). */
async function findExamples(source: GraphDatabase, target: GraphDatabase, limit: number, pageSize: number): Promise<EntityExample[]> {
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
      else if (canonicalNode(copy) !== canonicalNode(node)) examples.push({ kind: 'node', problem: 'changed on target', id: node.id, label });
    }
  }
  for (let from = 0; from <= max && examples.length < limit; from += pageSize) {
    const rels = await source.readRelationships(from, Math.min(from + pageSize, max + 1));
    const restored = await target.readRestoredRelationships(rels);
    for (const rel of rels) {
      const copy = restored.get(rel.id);
      if (!copy) examples.push({ kind: 'relationship', problem: 'missing on target', id: rel.id, label: rel.type });
      else if (copy.type !== rel.type || JSON.stringify(canonicalProps(copy.props)) !== JSON.stringify(canonicalProps(rel.props))) {
        examples.push({ kind: 'relationship', problem: 'changed on target', id: rel.id, label: rel.type });
      }
    }
  }
  return examples.slice(0, limit);
}

export interface ValidationResult {
  verdict: ValidationVerdict;
  source: GraphDigest;
  target: GraphDigest;
  checksum: string;
}

/** Digests both servers in parallel; on any difference throws DB.VALIDATION_MISMATCH with a readable summary. */
export async function validateGraphs(
  source: GraphDatabase,
  target: GraphDatabase,
  options: DigestOptions & { exampleLimit?: number } = {},
): Promise<ValidationResult> {
  const [sourceDigest, targetDigest] = await Promise.all([digestGraph(source, options), digestGraph(target, { pageSize: options.pageSize })]);
  const violations = await ledgerViolations(target);
  let verdict = compareDigests(sourceDigest, targetDigest, [], violations);
  if (!verdict.equal && (verdict.countDifferences.length > 0 || verdict.nodeContentDiffers || verdict.relationshipContentDiffers)) {
    const examples = await findExamples(source, target, options.exampleLimit ?? 5, options.pageSize ?? 5_000);
    verdict = { ...verdict, examples };
  }
  if (!verdict.equal) {
    const summary = summarizeVerdict(verdict);
    throw new CodedError('DB.VALIDATION_MISMATCH', `${target.uri} does not match ${source.uri}: ${summary.split('\n')[0]}`, summary);
  }
  return { verdict, source: sourceDigest, target: targetDigest, checksum: checksumOf(targetDigest) };
}
