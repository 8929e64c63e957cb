// Canonical encoding of graph values and records: floats, sorting and validation of untrusted (backup file) input.
import { EncodedFloat, NodeContent, PropertyList, RESTORED_LABEL, SOURCE_ID_PROPERTY } from './graph-value';

export function encodeFloat(value: number): EncodedFloat {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  if (Object.is(value, -0)) return '-0';
  return value;
}

export function decodeFloat(value: EncodedFloat): number {
  switch (value) {
    case 'NaN':
      return NaN;
    case 'Infinity':
      return Infinity;
    case '-Infinity':
      return -Infinity;
    case '-0':
      return -0;
    default:
      return value;
  }
}

/**
 * Sorts properties by key (code-point order). Every name counts, the migrator's reserved ones too: a finished restore must
 * leave exactly the source's graph, so bookkeeping left on a target is a difference (the source never has any: export
 * refuses reserved names).
 */
export function canonicalProps(props: PropertyList): PropertyList {
  // Readers hand over properties sorted already: the list itself then, not a sorted copy (once per digested entity).
  for (let i = 1; i < props.length; i++)
    if (!(props[i - 1][0] < props[i][0])) return [...props].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return props;
}

export function canonicalLabels(labels: string[]): string[] {
  return labels.length < 2 ? labels : [...labels].sort();
}

/**
 * A node of a restore still in progress as the source had it: without the restore's label and source id. Only the
 * migrator's validation before `finishRestore` reads nodes through this; any other reserved name still counts.
 */
export function withoutRestoreBookkeeping(node: NodeContent): NodeContent {
  return {
    labels: node.labels.filter((label) => label !== RESTORED_LABEL),
    props: node.props.filter(([key]) => key !== SOURCE_ID_PROPERTY),
  };
}

/** The canonical text of a node's content; equal content gives equal text whatever the server or read order. */
export function canonicalNode(node: NodeContent): string {
  return JSON.stringify(['N', canonicalLabels(node.labels), canonicalProps(node.props)]);
}

const INT64 = /^-?(0|[1-9]\d{0,18})$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function isInt64(value: unknown): value is string {
  if (typeof value !== 'string' || !INT64.test(value)) return false;
  const n = BigInt(value);
  return n >= INT64_MIN && n <= INT64_MAX;
}

const isFloat = (value: unknown): value is EncodedFloat =>
  (typeof value === 'number' && Number.isFinite(value) && !Object.is(value, -0)) ||
  value === 'NaN' ||
  value === 'Infinity' ||
  value === '-Infinity' ||
  value === '-0';

const isSmallInt = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value);
const isOptionalInt = (value: unknown): boolean => value === null || isSmallInt(value);

/** Checks that untrusted JSON is a well-formed GraphValue; returns a reason when it is not. */
export function graphValueProblem(value: unknown, depth = 0): string | undefined {
  if (!Array.isArray(value) || typeof value[0] !== 'string') return 'not a tagged value';
  const [tag, ...rest] = value as [string, ...unknown[]];
  const ints = (n: number) => rest.length === n && rest.every(isSmallInt);
  switch (tag) {
    case 's':
      return rest.length === 1 && typeof rest[0] === 'string' ? undefined : 'bad string';
    case 'i':
      return rest.length === 1 && isInt64(rest[0]) ? undefined : 'bad int64';
    case 'f':
      return rest.length === 1 && isFloat(rest[0]) ? undefined : 'bad float';
    case 'b':
      return rest.length === 1 && typeof rest[0] === 'boolean' ? undefined : 'bad boolean';
    case 'y':
      return rest.length === 1 && typeof rest[0] === 'string' && BASE64.test(rest[0]) ? undefined : 'bad bytes';
    case 'l': {
      if (depth > 0) return 'nested list';
      if (rest.length !== 1 || !Array.isArray(rest[0])) return 'bad list';
      const items = rest[0] as unknown[];
      for (const item of items) {
        const problem = graphValueProblem(item, depth + 1);
        if (problem) return `list item: ${problem}`;
      }
      const tags = new Set(items.map((item) => (item as unknown[])[0]));
      return tags.size <= 1 ? undefined : 'list is not homogeneous';
    }
    case 'date':
      return ints(3) ? undefined : 'bad date';
    case 'time':
      return ints(5) ? undefined : 'bad time';
    case 'ltime':
      return ints(4) ? undefined : 'bad local time';
    case 'dt':
      return rest.length === 9 &&
        rest.slice(0, 7).every(isSmallInt) &&
        isOptionalInt(rest[7]) &&
        (rest[8] === null || typeof rest[8] === 'string') &&
        (rest[7] !== null || rest[8] !== null)
        ? undefined
        : 'bad date-time';
    case 'ldt':
      return ints(7) ? undefined : 'bad local date-time';
    case 'dur':
      return rest.length === 4 && rest.every(isInt64) ? undefined : 'bad duration';
    case 'pt':
      return (rest.length === 3 || rest.length === 4) && isSmallInt(rest[0]) && rest.slice(1).every(isFloat)
        ? undefined
        : 'bad point';
    default:
      return `unknown value tag ${JSON.stringify(tag)}`;
  }
}

/** Checks a property list read from an untrusted source. */
export function propertyListProblem(value: unknown): string | undefined {
  if (!Array.isArray(value)) return 'properties are not a list';
  for (const entry of value) {
    if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== 'string') return 'bad property entry';
    const problem = graphValueProblem(entry[1]);
    if (problem) return `property ${entry[0]}: ${problem}`;
  }
  return undefined;
}
