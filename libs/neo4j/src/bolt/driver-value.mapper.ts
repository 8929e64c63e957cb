// Converts between neo4j-driver values (Integer, temporal, Point, Int8Array) and the exact, driver-independent GraphValue.
import { CodedError } from '@dco/contracts';
import neo4j, {
  Date as Neo4jDate,
  DateTime,
  Duration,
  Integer,
  LocalDateTime,
  LocalTime,
  Point,
  Time,
} from 'neo4j-driver';
import { GraphValue, PropertyList } from '../domain/graph-value';
import { decodeFloat, encodeFloat } from '../domain/value-codec';

export type Numberish = number | Integer | bigint;
// Temporal components are small: an Integer's own toNumber is exact for them, and several times cheaper than its decimal text.
export const num = (value: Numberish): number =>
  typeof value === 'number' ? value : neo4j.isInt(value) ? (value as Integer).toNumber() : Number(value);
const str = (value: Numberish): string => value.toString();
/** An int64's exact decimal text; a safe-range Integer goes through a double (Integer.toString divides by 10 repeatedly). */
const intText = (value: Integer): string => (value.inSafeRange() ? String(value.toNumber()) : value.toString());

export function toGraphValue(value: unknown): GraphValue {
  if (typeof value === 'string') return ['s', value];
  if (typeof value === 'boolean') return ['b', value];
  if (typeof value === 'number') return ['f', encodeFloat(value)];
  if (typeof value === 'bigint') return ['i', value.toString()];
  if (neo4j.isInt(value)) return ['i', intText(value as Integer)];
  if (value instanceof Int8Array || value instanceof Uint8Array)
    return ['y', Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64')];
  if (Array.isArray(value)) return ['l', value.map(toGraphValue)];
  if (neo4j.isDate(value as object)) {
    const d = value as Neo4jDate<Numberish>;
    return ['date', num(d.year), num(d.month), num(d.day)];
  }
  if (neo4j.isTime(value as object)) {
    const t = value as Time<Numberish>;
    return ['time', num(t.hour), num(t.minute), num(t.second), num(t.nanosecond), num(t.timeZoneOffsetSeconds)];
  }
  if (neo4j.isLocalTime(value as object)) {
    const t = value as LocalTime<Numberish>;
    return ['ltime', num(t.hour), num(t.minute), num(t.second), num(t.nanosecond)];
  }
  if (neo4j.isDateTime(value as object)) {
    const t = value as DateTime<Numberish>;
    return [
      'dt',
      num(t.year),
      num(t.month),
      num(t.day),
      num(t.hour),
      num(t.minute),
      num(t.second),
      num(t.nanosecond),
      t.timeZoneOffsetSeconds === undefined || t.timeZoneOffsetSeconds === null ? null : num(t.timeZoneOffsetSeconds),
      t.timeZoneId ?? null,
    ];
  }
  if (neo4j.isLocalDateTime(value as object)) {
    const t = value as LocalDateTime<Numberish>;
    return ['ldt', num(t.year), num(t.month), num(t.day), num(t.hour), num(t.minute), num(t.second), num(t.nanosecond)];
  }
  if (neo4j.isDuration(value as object)) {
    const d = value as Duration<Numberish>;
    return ['dur', str(d.months), str(d.days), str(d.seconds), str(d.nanoseconds)];
  }
  if (neo4j.isPoint(value as object)) {
    const p = value as Point<Numberish>;
    return p.z === undefined
      ? ['pt', num(p.srid), encodeFloat(p.x), encodeFloat(p.y)]
      : ['pt', num(p.srid), encodeFloat(p.x), encodeFloat(p.y), encodeFloat(p.z)];
  }
  throw new CodedError(
    'INTERNAL.UNEXPECTED',
    `unsupported Neo4j property value: ${Object.prototype.toString.call(value)}`,
  );
}

export function fromGraphValue(value: GraphValue): unknown {
  switch (value[0]) {
    case 's':
    case 'b':
      return value[1];
    case 'i':
      return neo4j.int(value[1]);
    case 'f':
      return decodeFloat(value[1]);
    case 'y':
      return new Int8Array(Buffer.from(value[1], 'base64'));
    case 'l':
      return value[1].map(fromGraphValue);
    case 'date':
      return new neo4j.types.Date(value[1], value[2], value[3]);
    case 'time':
      return new neo4j.types.Time(value[1], value[2], value[3], value[4], value[5]);
    case 'ltime':
      return new neo4j.types.LocalTime(value[1], value[2], value[3], value[4]);
    case 'dt':
      return new neo4j.types.DateTime(
        value[1],
        value[2],
        value[3],
        value[4],
        value[5],
        value[6],
        value[7],
        value[8] ?? undefined,
        value[9] ?? undefined,
      );
    case 'ldt':
      return new neo4j.types.LocalDateTime(value[1], value[2], value[3], value[4], value[5], value[6], value[7]);
    case 'dur':
      return new neo4j.types.Duration(
        neo4j.int(value[1]),
        neo4j.int(value[2]),
        neo4j.int(value[3]),
        neo4j.int(value[4]),
      );
    case 'pt':
      return value.length === 5
        ? new neo4j.types.Point(value[1], decodeFloat(value[2]), decodeFloat(value[3]), decodeFloat(value[4]))
        : new neo4j.types.Point(value[1], decodeFloat(value[2]), decodeFloat(value[3]));
  }
}

export function toPropertyList(props: Record<string, unknown>): PropertyList {
  return Object.keys(props)
    .sort()
    .map((key) => [key, toGraphValue(props[key])]);
}

export function fromPropertyList(props: PropertyList): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of props) out[key] = fromGraphValue(value);
  return out;
}
