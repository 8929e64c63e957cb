// Reads a Neo4j graph into counts and the identity-free checksum of libs/neo4j, split into what the day's DCO wrote
// (its Offering, Allocations and their relationships) and everything else, so "blue before + the day's allocations"
// can be checked on whichever server serves afterwards.
import { BoltGraphDatabase, DigestAccumulator, GraphDigest, checksumOf } from '@dco/neo4j';

export interface GraphSnapshot {
  nodes: number;
  relationships: number;
  labelCounts: Record<string, number>;
  typeCounts: Record<string, number>;
  checksum: string;
}

export interface SplitSnapshot {
  /** Everything but the DCO's output: must equal blue's snapshot from before the run. */
  base: GraphSnapshot;
  /** The DCO's output: Offering and Allocation nodes, OF and TO relationships of allocations. */
  offering: GraphSnapshot;
}

const OUTPUT_LABELS = new Set(['Offering', 'Allocation']);
const PAGE = 5_000;

const toSnapshot = (digest: GraphDigest): GraphSnapshot => ({
  nodes: digest.nodes,
  relationships: digest.relationships,
  labelCounts: digest.labelCounts,
  typeCounts: digest.typeCounts,
  checksum: checksumOf(digest),
});

export async function splitSnapshot(boltUri: string): Promise<SplitSnapshot> {
  const db = new BoltGraphDatabase(boltUri);
  const base = new DigestAccumulator();
  const offering = new DigestAccumulator();
  try {
    const max = await db.maxIds();
    for (let from = 0; from <= max.node; from += PAGE) {
      for (const node of await db.readNodes(from, Math.min(from + PAGE, max.node + 1))) {
        (node.labels.some((label) => OUTPUT_LABELS.has(label)) ? offering : base).addNode(node);
      }
    }
    for (let from = 0; from <= max.relationship; from += PAGE) {
      for (const rel of await db.readRelationshipContents(from, Math.min(from + PAGE, max.relationship + 1))) {
        const output = [rel.start, rel.end].some((end) => end.labels.some((label) => OUTPUT_LABELS.has(label)));
        (output ? offering : base).addRelationship(rel);
      }
    }
    return { base: toSnapshot(base.result()), offering: toSnapshot(offering.result()) };
  } finally {
    await db.close();
  }
}

export async function snapshotGraph(boltUri: string): Promise<GraphSnapshot> {
  return (await splitSnapshot(boltUri)).base;
}
