// The driver-independent representation of every Neo4j property value: compact JSON tuples that round-trip exactly.

/** A float that JSON cannot carry as a number (NaN, ±Infinity, negative zero) travels as a string. */
export type EncodedFloat = number | 'NaN' | 'Infinity' | '-Infinity' | '-0';

/**
 * One property value. Integers are int64 carried as decimal strings; temporal values keep every component
 * (so years outside 0..9999, nanoseconds and zone ids survive); points keep their SRID.
 */
export type GraphValue =
  | ['s', string]
  | ['i', string]
  | ['f', EncodedFloat]
  | ['b', boolean]
  | ['y', string] // byte array, base64
  | ['l', GraphValue[]]
  | ['date', number, number, number]
  | ['time', number, number, number, number, number] // h, m, s, ns, offset seconds
  | ['ltime', number, number, number, number]
  | ['dt', number, number, number, number, number, number, number, number | null, string | null] // ..., offset s, zone id
  | ['ldt', number, number, number, number, number, number, number]
  | ['dur', string, string, string, string] // months, days, seconds, nanoseconds (int64 each)
  | ['pt', number, EncodedFloat, EncodedFloat]
  | ['pt', number, EncodedFloat, EncodedFloat, EncodedFloat];

/** Properties as [key, value] pairs sorted by key, so that equal maps have equal encodings. */
export type PropertyList = Array<[string, GraphValue]>;

export interface NodeRecord {
  /** Stable id of the node on the server it was read from (decimal string). */
  id: string;
  labels: string[];
  props: PropertyList;
}

export interface RelationshipRecord {
  id: string;
  type: string;
  start: string;
  end: string;
  props: PropertyList;
}

/** A node's content without identity: what the content checksum hashes. */
export interface NodeContent {
  labels: string[];
  props: PropertyList;
}

/**
 * A relationship on a restore target, seen from its restored start node: the target's own id of it and the source id of
 * its end node (none when the end node is not one the restore made). Relationships carry no source id of their own.
 */
export interface RestoredRelationship {
  targetId: string;
  type: string;
  end?: string;
  props: PropertyList;
}

/** A relationship with the content of its endpoints, so that its hash is independent of server-local ids. */
export interface RelationshipContent {
  type: string;
  props: PropertyList;
  start: NodeContent;
  end: NodeContent;
}

/**
 * Names the migrator adds to a restore target and removes at the end; never part of counts or checksums.
 * Source data using the prefix is rejected at export so that nothing user-visible is silently dropped.
 */
export const RESERVED_PREFIX = '__dco';
export const RESTORED_LABEL = '__dcoRestored';
export const SOURCE_ID_PROPERTY = '__dcoSourceId';
export const PROGRESS_LABEL = '__dcoRestoreProgress';

export const isReservedName = (name: string): boolean => name.startsWith(RESERVED_PREFIX);

/** The first reserved name a node or relationship uses (a label, its type or a property key), if any. */
export function reservedNameOf(record: { labels?: string[]; type?: string; props: PropertyList }): string | undefined {
  if (record.type !== undefined && isReservedName(record.type)) return record.type;
  for (const label of record.labels ?? []) if (isReservedName(label)) return label;
  for (const [key] of record.props) if (isReservedName(key)) return key;
  return undefined;
}
