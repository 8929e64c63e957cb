// Reads a Neo4j graph into counts and the identity-free checksum of libs/neo4j, split into what the day's DCO wrote
// (its Offering, Allocations and their relationships) and everything else, so "blue before + the day's allocations"
// can be checked on whichever server serves afterwards.
import { BoltGraphDatabase, GraphDatabase, GraphDigest, NodeContent, RelationshipContent, checksumOf, digestGraph } from '@dco/neo4j';

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

const toSnapshot = (digest: GraphDigest): GraphSnapshot => ({
  nodes: digest.nodes,
  relationships: digest.relationships,
  labelCounts: digest.labelCounts,
  typeCounts: digest.typeCounts,
  checksum: checksumOf(digest),
});

/** The graph as seen through a filter: digestGraph of libs/neo4j then counts only what the filter keeps. */
function filtered(db: GraphDatabase, keepNode: (node: NodeContent) => boolean, keepRelationship: (rel: RelationshipContent) => boolean): GraphDatabase {
  return new Proxy(db, {
    get(target, property, receiver) {
      if (property === 'readNodes') {
        return async (from: number, to: number) => (await target.readNodes(from, to)).filter(keepNode);
      }
      if (property === 'readRelationshipContents') {
        return async (from: number, to: number) => (await target.readRelationshipContents(from, to)).filter(keepRelationship);
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

const isOutput = (node: NodeContent) => node.labels.some((label) => OUTPUT_LABELS.has(label));
const touchesOutput = (rel: RelationshipContent) => isOutput(rel.start) || isOutput(rel.end);

export async function splitSnapshot(boltUri: string): Promise<SplitSnapshot> {
  const db = new BoltGraphDatabase(boltUri);
  try {
    const base = await digestGraph(filtered(db, (node) => !isOutput(node), (rel) => !touchesOutput(rel)));
    const offering = await digestGraph(filtered(db, isOutput, touchesOutput));
    return { base: toSnapshot(base), offering: toSnapshot(offering) };
  } finally {
    await db.close();
  }
}

export async function snapshotGraph(boltUri: string): Promise<GraphSnapshot> {
  return (await splitSnapshot(boltUri)).base;
}
