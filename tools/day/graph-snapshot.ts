// Reads a Neo4j graph into counts and the identity-free checksum of libs/neo4j, split into what the day's DCO wrote
// (its Offering, its allocation pages and their relationships) and everything else, so "blue before + the day's allocations"
// can be checked on whichever server serves afterwards.
import {
  BoltGraphDatabase,
  DigestFilter,
  GraphDigest,
  LEDGER_WRITE_FENCE,
  NodeContent,
  Neo4jCredentials,
  checksumOf,
  digestGraphParts,
} from '@dco/neo4j';

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
  /** The DCO's output: Offering and allocation nodes and their relationships, with the allocations they hold. */
  offering: OutputSnapshot;
}

export interface OutputSnapshot extends GraphSnapshot {
  /** Allocations held by every offering of the graph (in pages, ADR 0035, or one node each before them). */
  allocations: number;
}

const OUTPUT_LABELS = new Set(['Offering', 'AllocationPage', 'Allocation']);

const toSnapshot = (digest: GraphDigest): GraphSnapshot => ({
  nodes: digest.nodes,
  relationships: digest.relationships,
  labelCounts: digest.labelCounts,
  typeCounts: digest.typeCounts,
  checksum: checksumOf(digest),
});

const isOutput = (node: NodeContent) => node.labels.some((label) => OUTPUT_LABELS.has(label));
/**
 * The ledger's write fence (ADR 0006) counts every ledger write transaction, the day's own among them, and is closed on
 * blue at a switch: bookkeeping of the writes, neither blue's data nor the DCO's output.
 */
const isWriteFence = (node: NodeContent) => node.labels.includes(LEDGER_WRITE_FENCE.label);

/** Everything but the DCO's output and the write fence: the other nodes and the relationships between them. */
const baseFilter: DigestFilter = {
  node: (node) => !isOutput(node) && !isWriteFence(node),
  relationship: (startKept, endKept) => startKept && endKept,
};
/** The DCO's output: its nodes and every relationship touching one of them. */
const offeringFilter: DigestFilter = { node: isOutput, relationship: (startKept, endKept) => startKept || endKept };

export async function splitSnapshot(boltUri: string, credentials: Neo4jCredentials): Promise<SplitSnapshot> {
  const db = new BoltGraphDatabase(boltUri, credentials);
  try {
    const { base, offering } = await digestGraphParts(db, { base: baseFilter, offering: offeringFilter });
    const allocations = (await db.ledger()).reduce((sum, row) => sum + row.amounts.length, 0);
    return { base: toSnapshot(base), offering: { ...toSnapshot(offering), allocations } };
  } finally {
    await db.close();
  }
}

export async function snapshotGraph(boltUri: string, credentials: Neo4jCredentials): Promise<GraphSnapshot> {
  return (await splitSnapshot(boltUri, credentials)).base;
}
