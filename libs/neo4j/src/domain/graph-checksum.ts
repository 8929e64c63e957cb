// Order-independent content checksum of a graph: the sum of per-entity hashes, so any read order and any server agree.
import { hash } from 'node:crypto';
import { NodeContent, NodeRecord, PropertyList, RelationshipContent, RelationshipRecord } from './graph-value';
import { canonicalLabels, canonicalNode, canonicalProps } from './value-codec';

/** Bytes of one entity hash: the first 128 bits of sha256 over the entity's canonical text. */
export const ENTITY_HASH_BYTES = 16;

/** Hex digits of one entity hash. */
const ENTITY_HASH_HEX = 2 * ENTITY_HASH_BYTES;

/**
 * The entity hash in hex (what a relationship's canonical text names its endpoints by). One-shot `hash` (not
 * `createHash`): no Hash object per entity. Hex, not a Buffer: a Buffer result cost 2.3 us per hash against 0.9 us for
 * the hex text, on a 130-character node (ADR 0018).
 */
export function entityHash(canonical: string): string {
  return hash('sha256', canonical, 'hex').slice(0, ENTITY_HASH_HEX);
}

export const nodeHash = (node: NodeContent): string => entityHash(canonicalNode(node));

/**
 * A relationship's canonical text names its endpoints by their content hashes, not by server-local ids, so a restored copy
 * with fresh ids hashes the same; each endpoint's content is hashed once per graph instead of once per relationship.
 */
export function relationshipHash(type: string, props: PropertyList, startHex: string, endHex: string): string {
  return entityHash(JSON.stringify(['R', type, canonicalProps(props), startHex, endHex]));
}

export interface GraphDigest {
  nodes: number;
  relationships: number;
  /** Per label (a node with two labels counts for both) and per relationship type. */
  labelCounts: Record<string, number>;
  typeCounts: Record<string, number>;
  /** Sum mod 2^128 of the hashes of node contents and of relationship contents (with endpoint content hashes). */
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

/** The 32-bit value of the 8 hex digits of `hex` at `at` (no substring per limb, as `parseInt` of a slice needs). */
function limbOf(hex: string, at: number): number {
  let value = 0;
  for (let i = at; i < at + 8; i++) {
    const code = hex.charCodeAt(i);
    // '0'-'9' are 48-57, 'a'-'f' 97-102.
    value = value * 16 + (code <= 57 ? code - 48 : code - 87);
  }
  return value;
}

/** A 128-bit sum modulo 2^128 in four 32-bit limbs (plain number arithmetic: no BigInt per entity). */
class Sum128 {
  private readonly limbs = [0, 0, 0, 0];

  /** Adds a 128-bit big-endian value given as 32 lower-case hex digits (as `hash` writes them). */
  add(hex: string): void {
    let carry = 0;
    for (let i = 3; i >= 0; i--) {
      const sum = this.limbs[i] + limbOf(hex, i * 8) + carry;
      this.limbs[i] = sum >>> 0;
      carry = sum > 0xffffffff ? 1 : 0;
    }
  }

  value(): bigint {
    return this.limbs.reduce((acc, limb) => (acc << 32n) | BigInt(limb), 0n);
  }
}

/**
 * Accumulates a digest. A sum rather than xor: a duplicated entity changes the result instead of cancelling out.
 * Entities are identified by content, not by server-local ids, so a restored copy with fresh ids digests the same.
 */
export class DigestAccumulator {
  private nodes = 0;
  private relationships = 0;
  private readonly labelCounts: Record<string, number> = {};
  private readonly typeCounts: Record<string, number> = {};
  private readonly nodeSum = new Sum128();
  private readonly relationshipSum = new Sum128();

  /** Counts a node; returns its content hash. */
  addNode(node: NodeContent, hash: string = nodeHash(node)): string {
    this.nodes += 1;
    for (const label of canonicalLabels(node.labels)) this.labelCounts[label] = (this.labelCounts[label] ?? 0) + 1;
    this.nodeSum.add(hash);
    return hash;
  }

  /** Counts a relationship given its endpoints' content hashes, in hex. */
  addRelationshipHashes(type: string, props: PropertyList, startHex: string, endHex: string): void {
    this.relationships += 1;
    this.typeCounts[type] = (this.typeCounts[type] ?? 0) + 1;
    this.relationshipSum.add(relationshipHash(type, props, startHex, endHex));
  }

  addRelationship(rel: RelationshipContent): void {
    this.addRelationshipHashes(rel.type, rel.props, nodeHash(rel.start), nodeHash(rel.end));
  }

  result(): GraphDigest {
    return {
      nodes: this.nodes,
      relationships: this.relationships,
      labelCounts: { ...this.labelCounts },
      typeCounts: { ...this.typeCounts },
      nodeSum: this.nodeSum.value(),
      relationshipSum: this.relationshipSum.value(),
    };
  }
}

/** Which entities a digest counts: a node by its content, a relationship by whether its endpoints were counted. */
export interface DigestFilter {
  node(node: NodeContent): boolean;
  relationship(startKept: boolean, endKept: boolean): boolean;
}

/** The hash an endpoint gets when its node was not read in the node pass (the graph changed between passes). */
const UNKNOWN_ENDPOINT = entityHash('["unknown endpoint"]');

/**
 * Digests a graph read as one pass over its nodes, then one over its relationships (by server-local ids). Each node's content
 * hash is kept in a flat table indexed by its id (17 bytes per id up to the highest id), so relationships are hashed with
 * their endpoints' content without reading that content again. Memory is bounded by the id space, not by the read pages.
 */
export class GraphDigester {
  private readonly acc = new DigestAccumulator();
  private readonly hashes: Buffer;
  /** 0: not read, 1: read, not counted by the filter, 2: read and counted. */
  private readonly state: Uint8Array;

  constructor(
    readonly capacity: number,
    private readonly filter?: DigestFilter,
  ) {
    this.hashes = Buffer.alloc(Math.max(0, capacity) * ENTITY_HASH_BYTES);
    this.state = new Uint8Array(Math.max(0, capacity));
  }

  /** `hash` lets several digesters of one read (different filters) share the node's hashing. */
  addNode(node: NodeRecord, hash: string = nodeHash(node)): void {
    const id = Number(node.id);
    const kept = !this.filter || this.filter.node(node);
    if (kept) this.acc.addNode(node, hash);
    if (Number.isInteger(id) && id >= 0 && id < this.capacity) {
      this.hashes.write(hash, id * ENTITY_HASH_BYTES, ENTITY_HASH_BYTES, 'hex');
      this.state[id] = kept ? 2 : 1;
    }
  }

  addRelationship(rel: RelationshipRecord): void {
    const start = this.readIdOf(rel.start);
    const end = this.readIdOf(rel.end);
    if (this.filter && !this.filter.relationship(this.counted(start), this.counted(end))) return;
    this.acc.addRelationshipHashes(rel.type, rel.props, this.hexOf(start), this.hexOf(end));
  }

  result(): GraphDigest {
    return this.acc.result();
  }

  /** The endpoint's id when its node was read in the node pass, else -1. */
  private readIdOf(idText: string): number {
    const id = Number(idText);
    return Number.isInteger(id) && id >= 0 && id < this.capacity && this.state[id] !== 0 ? id : -1;
  }

  /** Whether the node read as `id` (`readIdOf`) was counted by the filter. */
  private counted(id: number): boolean {
    return id >= 0 && this.state[id] === 2;
  }

  /** The content hash in hex of a node read (`readIdOf`), straight from the table (no Buffer view per endpoint). */
  private hexOf(id: number): string {
    if (id < 0) return UNKNOWN_ENDPOINT;
    const offset = id * ENTITY_HASH_BYTES;
    return this.hashes.toString('hex', offset, offset + ENTITY_HASH_BYTES);
  }
}

/** One printable checksum for a digest (what DbMigrated carries and operators compare). */
export function checksumOf(digest: GraphDigest): string {
  const text = `v2|${digest.nodes}|${digest.relationships}|${digest.nodeSum.toString(16)}|${digest.relationshipSum.toString(16)}`;
  return hash('sha256', text, 'hex');
}
