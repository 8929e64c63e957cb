// Temporal property values read as their fields, computed by the server, for the bulk range reads (ADR 0018 addendum).
// The driver gets a date as its epoch day and a date-time as epoch seconds and rebuilds the calendar fields itself:
// with Integer arithmetic, and through Intl for a zoned date-time, which made it most of the export's client time. The
// server has the fields at hand. A value comes back as a list, its GraphValue tag first and then integers (a zoned
// date-time ends with its zone, a string); lists of temporal values as lists of those. Neither can be a stored
// property (a stored list is never of mixed types, nor of lists), so the client tells them apart from stored lists.
// Durations stay as the driver reads them: four integers, nothing to rebuild.
import neo4j from 'neo4j-driver';
import { num, Numberish } from '../bolt/driver-value.mapper';
import { GraphValue } from '../domain/graph-value';

const FIELDS = {
  dt: ['year', 'month', 'day', 'hour', 'minute', 'second', 'nanosecond', 'offsetSeconds', 'timezone'],
  date: ['year', 'month', 'day'],
  ldt: ['year', 'month', 'day', 'hour', 'minute', 'second', 'nanosecond'],
  time: ['hour', 'minute', 'second', 'nanosecond', 'offsetSeconds'],
  ltime: ['hour', 'minute', 'second', 'nanosecond'],
} as const;
type Tag = keyof typeof FIELDS;

const TYPES: Record<Tag, string> = {
  dt: 'ZONED DATETIME',
  date: 'DATE',
  ldt: 'LOCAL DATETIME',
  time: 'ZONED TIME',
  ltime: 'LOCAL TIME',
};
const TAGS = Object.keys(FIELDS) as Tag[];

const fieldsOf = (tag: Tag, value: string) =>
  `['${tag}', ${FIELDS[tag].map((field) => `${value}.${field}`).join(', ')}]`;

/**
 * A Cypher expression giving the property value `value` with its temporal parts as fields (needs type predicates,
 * Neo4j 5.9+). Strings, numbers and booleans are tested first, and lists of them, so that they cost one test.
 */
export function temporalFields(value: string): string {
  const scalars = ['STRING', 'INTEGER', 'FLOAT', 'BOOLEAN'];
  return [
    'CASE',
    `WHEN ${scalars.map((type) => `${value} IS :: ${type}`).join(' OR ')} THEN ${value}`,
    ...TAGS.map((tag) => `WHEN ${value} IS :: ${TYPES[tag]} THEN ${fieldsOf(tag, value)}`),
    `WHEN ${scalars.map((type) => `${value} IS :: LIST<${type} NOT NULL>`).join(' OR ')} THEN ${value}`,
    ...TAGS.map(
      (tag) => `WHEN ${value} IS :: LIST<${TYPES[tag]} NOT NULL> THEN [item IN ${value} | ${fieldsOf(tag, 'item')}]`,
    ),
    `ELSE ${value} END`,
  ].join(' ');
}

/** An offset-based zone reads as 'Z' or '+01:00': a date-time with an offset only, which the driver gives no zone id. */
const zoneIdOf = (zone: string): string | null => (zone === 'Z' || zone[0] === '+' || zone[0] === '-' ? null : zone);

/** The GraphValue of what `temporalFields` made of a temporal value (or a list of them); undefined for any other value. */
export function fromTemporalFields(value: unknown): GraphValue | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const [tag, first] = value as unknown[];
  if (Array.isArray(tag)) return ['l', value.map((item) => fromTemporalFields(item) as GraphValue)];
  if (typeof tag !== 'string' || !(tag in FIELDS) || !neo4j.isInt(first)) return undefined;
  // Built field by field: a slice, a map and a spread per value cost more than the rest of the value's mapping.
  const f = value as Numberish[];
  switch (tag as Tag) {
    case 'dt':
      return [
        'dt',
        num(f[1]),
        num(f[2]),
        num(f[3]),
        num(f[4]),
        num(f[5]),
        num(f[6]),
        num(f[7]),
        num(f[8]),
        zoneIdOf(f[9] as unknown as string),
      ];
    case 'date':
      return ['date', num(f[1]), num(f[2]), num(f[3])];
    case 'ldt':
      return ['ldt', num(f[1]), num(f[2]), num(f[3]), num(f[4]), num(f[5]), num(f[6]), num(f[7])];
    case 'time':
      return ['time', num(f[1]), num(f[2]), num(f[3]), num(f[4]), num(f[5])];
    case 'ltime':
      return ['ltime', num(f[1]), num(f[2]), num(f[3]), num(f[4])];
  }
}
