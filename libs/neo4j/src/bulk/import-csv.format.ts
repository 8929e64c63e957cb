// The `neo4j-admin database import full` CSV of a backup: which values a typed CSV cell carries exactly, the cells and headers,
// and what goes to the patch applied over Bolt after the import instead (pure: no I/O).
import { CodedError } from '@dco/contracts';
import { GraphValue, NodeRecord, PropertyList, RelationshipRecord } from '../domain/graph-value';

/** The importer's array delimiter (`--array-delimiter`); list items containing it go to the patch. */
export const ARRAY_DELIMITER = ';';

/** Import types of the CSV path. Anything else (temporal but plain dates, durations, points, bytes) goes to the patch. */
export type CsvType = 'string' | 'long' | 'double' | 'boolean' | 'date' | 'datetime' | 'localdatetime';
export type CsvColumnType = CsvType | `${'string' | 'long' | 'double' | 'boolean'}[]`;

const PLAIN_DATE_YEARS = { min: 1, max: 9999 };
/** A string cell the importer reads back exactly: not empty (an empty cell is "no value"), no line break or control. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what the CSV path must refuse
const PLAIN_STRING = /^[^\u0000-\u001f\u007f\u2028\u2029]+$/;
/** Header names the importer parses without ambiguity (its header syntax uses `:`, `,`, quotes and parentheses). */
// eslint-disable-next-line no-control-regex -- as above
const PLAIN_NAME = /^[^\s:,"'`;(){}[\]\\\u0000-\u001f]+$/;

const TAG_TYPES: Partial<Record<GraphValue[0], 'string' | 'long' | 'double' | 'boolean'>> = {
  s: 'string',
  i: 'long',
  f: 'double',
  b: 'boolean',
};

function plainScalar(value: GraphValue): boolean {
  switch (value[0]) {
    case 's':
      return PLAIN_STRING.test(value[1]);
    case 'i':
    case 'b':
      return true;
    // NaN, the infinities and negative zero are carried as strings in a GraphValue: their CSV parsing is not relied on.
    case 'f':
      return typeof value[1] === 'number';
    default:
      return false;
  }
}

const plainYear = (year: number) => year >= PLAIN_DATE_YEARS.min && year <= PLAIN_DATE_YEARS.max;
/** A zone id the importer's `[...]` suffix takes as written (IANA names). */
const PLAIN_ZONE = /^[A-Za-z][A-Za-z0-9_+\-/]*$/;

/** The CSV column type that carries `value` exactly, or undefined when only the patch can. */
export function csvTypeOf(value: GraphValue): CsvColumnType | undefined {
  if (value[0] === 'date') return plainYear(value[1]) ? 'date' : undefined;
  if (value[0] === 'ldt') return plainYear(value[1]) ? 'localdatetime' : undefined;
  if (value[0] === 'dt') {
    const [, year, , , , , , , offset, zone] = value;
    // Whole-minute offsets only (the text form has no seconds); a zone id is written with the offset it had, so that a
    // local time a DST change makes ambiguous keeps its offset.
    const offsetOk = offset === null ? zone !== null : offset % 60 === 0;
    return plainYear(year) && offsetOk && (zone === null || PLAIN_ZONE.test(zone)) ? 'datetime' : undefined;
  }
  if (value[0] === 'l') {
    const items = value[1];
    // An empty list has no item type, and an empty cell would be read as "no value".
    if (items.length === 0) return undefined;
    const type = TAG_TYPES[items[0][0]];
    if (!type) return undefined;
    for (const item of items) {
      if (!plainScalar(item)) return undefined;
      if (item[0] === 's' && item[1].includes(ARRAY_DELIMITER)) return undefined;
    }
    return `${type}[]`;
  }
  const type = TAG_TYPES[value[0]];
  return type && plainScalar(value) ? type : undefined;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

function localDateTimeText(y: number, mo: number, d: number, h: number, mi: number, s: number, ns: number): string {
  return `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}.${pad(ns, 9)}`;
}

function offsetText(seconds: number): string {
  const minutes = Math.abs(seconds) / 60;
  return `${seconds < 0 ? '-' : '+'}${pad(Math.floor(minutes / 60), 2)}:${pad(minutes % 60, 2)}`;
}

function scalarText(value: GraphValue): string {
  switch (value[0]) {
    case 's':
    case 'i':
      return value[1];
    case 'b':
      return value[1] ? 'true' : 'false';
    // The shortest text that parses back to the same double (JavaScript's and Java's parsers agree on it).
    case 'f':
      return String(value[1]);
    case 'date':
      return `${pad(value[1], 4)}-${pad(value[2], 2)}-${pad(value[3], 2)}`;
    case 'ldt':
      return localDateTimeText(value[1], value[2], value[3], value[4], value[5], value[6], value[7]);
    case 'dt': {
      const [, y, mo, d, h, mi, sec, ns, offset, zone] = value;
      return (
        localDateTimeText(y, mo, d, h, mi, sec, ns) +
        (offset === null ? '' : offsetText(offset)) +
        (zone === null ? '' : `[${zone}]`)
      );
    }
    default:
      throw new CodedError('INTERNAL.UNEXPECTED', `no CSV text for a ${value[0]} value`);
  }
}

/** One CSV cell, always quoted (a quote doubled inside): the importer then never splits or trims it. */
export function quoteCell(text: string): string {
  return '"' + text.replace(/"/g, '""') + '"';
}

export function csvCell(value: GraphValue): string {
  if (value[0] === 'l') return quoteCell(value[1].map(scalarText).join(ARRAY_DELIMITER));
  return quoteCell(scalarText(value));
}

/** What the patch sets on a node or relationship after the import (identified by its source id). */
export interface PatchEntry {
  kind: 'node' | 'relationship';
  id: string;
  /** A relationship's type: the patch finds it through an index on that type. */
  type?: string;
  /** Labels the CSV could not carry (a name with the array delimiter or a control character). */
  labels?: string[];
  props: PropertyList;
}

/** A record split into the part of the CSV it belongs to, its cells, and what is left for the patch. */
export interface CsvRow {
  /** The part: same header for every row of it. */
  partKey: string;
  /** The header line of the part (without the line break). */
  header: string;
  /** The row (without the line break). */
  line: string;
  patch?: PatchEntry;
}

// eslint-disable-next-line no-control-regex -- as above
const PLAIN_LABEL = /^[^;\u0000-\u001f\u007f\u2028\u2029]+$/;

function splitProps(props: PropertyList): { columns: Array<[string, CsvColumnType, GraphValue]>; rest: PropertyList } {
  const columns: Array<[string, CsvColumnType, GraphValue]> = [];
  const rest: PropertyList = [];
  for (const [key, value] of props) {
    const type = PLAIN_NAME.test(key) ? csvTypeOf(value) : undefined;
    if (type) columns.push([key, type, value]);
    else rest.push([key, value]);
  }
  return { columns, rest };
}

/**
 * Bookkeeping of the patch: a patched entity carries its source id in this property until the patch is applied (a patched
 * node also the restore label, so that an index finds it); `finishBulkRestore` removes both.
 */
export const PATCH_ID_COLUMN = '__dcoSourceId:long';

export function nodeRow(node: NodeRecord, restoredLabel: string): CsvRow {
  const { columns, rest } = splitProps(node.props);
  const labels = [...node.labels].sort();
  const plainLabels = labels.filter((label) => PLAIN_LABEL.test(label));
  const otherLabels = labels.filter((label) => !PLAIN_LABEL.test(label));
  const patched = rest.length > 0 || otherLabels.length > 0;
  const typed = columns.map(([key, type]) => `${key}:${type}`);
  const header = [':ID', ':LABEL', ...(patched ? [PATCH_ID_COLUMN] : []), ...typed].join(',');
  const cells = [
    node.id,
    quoteCell([...plainLabels, ...(patched ? [restoredLabel] : [])].join(ARRAY_DELIMITER)),
    ...(patched ? [node.id] : []),
    ...columns.map(([, , value]) => csvCell(value)),
  ];
  return {
    partKey: `n\u0001${plainLabels.join('\u0000')}\u0001${patched ? 'p' : ''}\u0001${typed.join('\u0000')}`,
    header,
    line: cells.join(','),
    ...(patched
      ? {
          patch: {
            kind: 'node' as const,
            id: node.id,
            ...(otherLabels.length > 0 ? { labels: otherLabels } : {}),
            props: rest,
          },
        }
      : {}),
  };
}

export function relationshipRow(rel: RelationshipRecord): CsvRow {
  if (!PLAIN_LABEL.test(rel.type)) {
    throw new CodedError(
      'DB.BULK_UNSUPPORTED',
      `relationship ${rel.id} has the type ${JSON.stringify(rel.type)}, which the import CSV cannot carry (a line break, control character or "${ARRAY_DELIMITER}")`,
    );
  }
  const { columns, rest } = splitProps(rel.props);
  const patched = rest.length > 0;
  const typed = columns.map(([key, type]) => `${key}:${type}`);
  const header = [':START_ID', ':END_ID', ':TYPE', ...(patched ? [PATCH_ID_COLUMN] : []), ...typed].join(',');
  const cells = [
    rel.start,
    rel.end,
    quoteCell(rel.type),
    ...(patched ? [rel.id] : []),
    ...columns.map(([, , value]) => csvCell(value)),
  ];
  return {
    partKey: `r\u0001${rel.type}\u0001${patched ? 'p' : ''}\u0001${typed.join('\u0000')}`,
    header,
    line: cells.join(','),
    ...(patched ? { patch: { kind: 'relationship' as const, id: rel.id, type: rel.type, props: rest } } : {}),
  };
}
