// Order-independent content checksum of a graph: the sum of per-entity hashes, so any read order and any server agree.
import { createHash } from 'node:crypto';
import { NodeContent, RelationshipContent } from './graph-value';
import { canonicalLabels, canonicalNode, canonicalRelationship } from './value-codec';

const MODULUS = 2n ** 128n;

export function entityHash(canonical: string): bigint {
  return BigInt('0x' + createHash('sha256').update(canonical).digest('hex').slice(0, 32));
}

export interface GraphDigest {
  nodes: number;
  relationships: number;
  /** Per label (a node with two labels counts for both) and per relationship type. */
  labelCounts: Record<string, number>;
  typeCounts: Record<string, number>;
  /** Sum mod 2^128 of the hashes of node contents and of relationship contents (with endpoint contents). */
  nodeSum: bigint;
  relationshipSum: bigint;
}

export const emptyDigest = (): GraphDigest => ({
  nodes: 0,
  relationships: 0,
  labelCounts: {},
  typeCounts: {},
  nodeSum: 0n,
  relationshipSum: 0n,
});

/**
 * Accumulates a digest. A sum rather than xor: a duplicated entity changes the result instead of cancelling out.
 * Entities are identified by content, not by server-local ids, so a restored copy with fresh ids digests the same.
 */
export class DigestAccumulator {
  private readonly digest = emptyDigest();

  addNode(node: NodeContent): void {
    this.digest.nodes += 1;
    for (const label of canonicalLabels(node.labels)) this.digest.labelCounts[label] = (this.digest.labelCounts[label] ?? 0) + 1;
    this.digest.nodeSum = (this.digest.nodeSum + entityHash(canonicalNode(node))) % MODULUS;
  }

  addRelationship(rel: RelationshipContent): void {
    this.digest.relationships += 1;
    this.digest.typeCounts[rel.type] = (this.digest.typeCounts[rel.type] ?? 0) + 1;
    this.digest.relationshipSum = (this.digest.relationshipSum + entityHash(canonicalRelationship(rel))) % MODULUS;
  }

  result(): GraphDigest {
    return { ...this.digest, labelCounts: { ...this.digest.labelCounts }, typeCounts: { ...this.digest.typeCounts } };
  }
}

/** One printable checksum for a digest (what DbMigrated carries and operators compare). */
export function checksumOf(digest: GraphDigest): string {
  const text = `v1|${digest.nodes}|${digest.relationships}|${digest.nodeSum.toString(16)}|${digest.relationshipSum.toString(16)}`;
  return createHash('sha256').update(text).digest('hex');
}
