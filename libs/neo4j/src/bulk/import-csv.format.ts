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

/** `n` (not negative) zero-padded to `width` digits; two-digit fields, most of a temporal's, without `padStart`. */
const pad = (n: number, width: number) =>
  width === 2 && n < 100 ? (n < 10 ? '0' + n : '' + n) : String(n).padStart(width, '0');

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
  return '"' + (text.includes('"') ? text.replace(/"/g, '""') : text) + '"';
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

/**
 * Bookkeeping of the patch: a patched entity carries its source id in this property until the patch is applied (a patched
 * node also the restore label, so that an index finds it); `finishBulkRestore` removes both.
 */
export const PATCH_ID_COLUMN = '__dcoSourceId:long';

/**
 * The typed columns of `props` in one pass: `typed` the header's `,key:type` list, `cells` the row's `,"value"` list, `rest`
 * what only the patch carries. The row builders run once per exported record, so nothing here is built twice.
 */
function columnsOf(props: PropertyList): { typed: string; cells: string; rest: PropertyList | undefined } {
  let typed = '';
  let cells = '';
  let rest: PropertyList | undefined;
  for (const prop of props) {
    const type = plainName(prop[0]) ? csvTypeOf(prop[1]) : undefined;
    if (type) {
      typed += ',' + prop[0] + ':' + type;
      cells += ',' + csvCell(prop[1]);
    } else (rest ??= []).push(prop);
  }
  return { typed, cells, rest };
}

/** Property names seen so far and whether a header carries them (a graph has few names, each tested once). */
const plainNames = new Map<string, boolean>();
const MAX_REMEMBERED_NAMES = 10_000;

function plainName(key: string): boolean {
  let plain = plainNames.get(key);
  if (plain === undefined) {
    plain = PLAIN_NAME.test(key);
    if (plainNames.size < MAX_REMEMBERED_NAMES) plainNames.set(key, plain);
  }
  return plain;
}

// Part keys join their pieces with \u0001, which no plain label, type or column name holds (controls go to the patch); a
// typed column list (`,key:type`...) is unambiguous as it is, since a plain name holds no `,` or `:`.
export function nodeRow(node: NodeRecord, restoredLabel: string): CsvRow {
  const { typed, cells, rest } = columnsOf(node.props);
  const labels = node.labels.length > 1 ? [...node.labels].sort() : node.labels;
  let plainLabels = '';
  let otherLabels: string[] | undefined;
  for (const label of labels) {
    if (!PLAIN_LABEL.test(label)) (otherLabels ??= []).push(label);
    else plainLabels = plainLabels === '' ? label : plainLabels + ARRAY_DELIMITER + label;
  }
  const patched = rest !== undefined || otherLabels !== undefined;
  if (!patched)
    return {
      partKey: 'n\u0001' + plainLabels + '\u0001\u0001' + typed,
      header: ':ID,:LABEL' + typed,
      line: node.id + ',' + quoteCell(plainLabels) + cells,
    };
  const cellLabels = plainLabels === '' ? restoredLabel : plainLabels + ARRAY_DELIMITER + restoredLabel;
  return {
    partKey: 'n\u0001' + plainLabels + '\u0001p\u0001' + typed,
    header: ':ID,:LABEL,' + PATCH_ID_COLUMN + typed,
    line: node.id + ',' + quoteCell(cellLabels) + ',' + node.id + cells,
    patch: {
      kind: 'node',
      id: node.id,
      ...(otherLabels !== undefined ? { labels: otherLabels } : {}),
      props: rest ?? [],
    },
  };
}

export function relationshipRow(rel: RelationshipRecord): CsvRow {
  if (!PLAIN_LABEL.test(rel.type)) {
    throw new CodedError(
      'DB.BULK_UNSUPPORTED',
      `relationship ${rel.id} has the type ${JSON.stringify(rel.type)}, which the import CSV cannot carry (a line break, control character or "${ARRAY_DELIMITER}")`,
    );
  }
  const { typed, cells, rest } = columnsOf(rel.props);
  const ends = rel.start + ',' + rel.end + ',' + quoteCell(rel.type);
  if (rest === undefined)
    return {
      partKey: 'r\u0001' + rel.type + '\u0001\u0001' + typed,
      header: ':START_ID,:END_ID,:TYPE' + typed,
      line: ends + cells,
    };
  return {
    partKey: 'r\u0001' + rel.type + '\u0001p\u0001' + typed,
    header: ':START_ID,:END_ID,:TYPE,' + PATCH_ID_COLUMN + typed,
    line: ends + ',' + rel.id + cells,
    patch: { kind: 'relationship', id: rel.id, type: rel.type, props: rest },
  };
}
