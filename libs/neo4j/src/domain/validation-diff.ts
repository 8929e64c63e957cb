// Compares two graph digests (and ledger checks) into a readable verdict: which label or type differs, by how much, examples.
import { GraphDigest } from './graph-checksum';
import { groupBy } from './group-by';
import { RelationshipRecord, RestoredRelationship } from './graph-value';
import { canonicalProps } from './value-codec';

export interface CountDifference {
  kind: 'label' | 'type';
  name: string;
  source: number;
  target: number;
}

export interface EntityExample {
  kind: 'node' | 'relationship';
  problem: 'missing on target' | 'changed on target' | 'extra on target';
  /** Source id for missing/changed entities, the target's own id for extras. */
  id: string;
  label?: string;
}

export interface LedgerViolation {
  day: string;
  allocated: string;
  sumOfAllocations: string;
}

export interface ValidationVerdict {
  equal: boolean;
  countDifferences: CountDifference[];
  nodeContentDiffers: boolean;
  relationshipContentDiffers: boolean;
  examples: EntityExample[];
  ledgerViolations: LedgerViolation[];
}

function countDifferences(
  kind: 'label' | 'type',
  source: Record<string, number>,
  target: Record<string, number>,
): CountDifference[] {
  const names = [...new Set([...Object.keys(source), ...Object.keys(target)])].sort();
  return names
    .map((name) => ({ kind, name, source: source[name] ?? 0, target: target[name] ?? 0 }))
    .filter((d) => d.source !== d.target);
}

export function compareDigests(
  source: GraphDigest,
  target: GraphDigest,
  examples: EntityExample[] = [],
  ledgerViolations: LedgerViolation[] = [],
): ValidationVerdict {
  const differences = [
    ...countDifferences('label', source.labelCounts, target.labelCounts),
    ...countDifferences('type', source.typeCounts, target.typeCounts),
  ];
  if (source.nodes !== target.nodes)
    differences.unshift({ kind: 'label', name: '(all nodes)', source: source.nodes, target: target.nodes });
  if (source.relationships !== target.relationships) {
    differences.unshift({
      kind: 'type',
      name: '(all relationships)',
      source: source.relationships,
      target: target.relationships,
    });
  }
  const nodeContentDiffers = source.nodeSum !== target.nodeSum;
  const relationshipContentDiffers = source.relationshipSum !== target.relationshipSum;
  return {
    equal:
      differences.length === 0 && !nodeContentDiffers && !relationshipContentDiffers && ledgerViolations.length === 0,
    countDifferences: differences,
    nodeContentDiffers,
    relationshipContentDiffers,
    examples,
    ledgerViolations,
  };
}

/** A few lines an operator can act on, e.g. "label Account: source 10, target 9 (1 missing)". */
export function summarizeVerdict(verdict: ValidationVerdict, maxExamples = 5): string {
  if (verdict.equal) return 'source and target are equal';
  const lines: string[] = [];
  for (const d of verdict.countDifferences) {
    const delta = d.target - d.source;
    const what = delta < 0 ? `${-delta} missing` : `${delta} extra`;
    lines.push(`${d.kind} ${d.name}: source ${d.source}, target ${d.target} (${what} on target)`);
  }
  if (verdict.nodeContentDiffers) lines.push('node content checksum differs');
  if (verdict.relationshipContentDiffers) lines.push('relationship content checksum differs');
  for (const example of verdict.examples.slice(0, maxExamples)) {
    lines.push(`  e.g. ${example.kind} ${example.id}${example.label ? ` (${example.label})` : ''}: ${example.problem}`);
  }
  if (verdict.examples.length > maxExamples) lines.push(`  ... and ${verdict.examples.length - maxExamples} more`);
  for (const v of verdict.ledgerViolations.slice(0, maxExamples)) {
    lines.push(`ledger: Offering ${v.day} allocated ${v.allocated} but its allocations sum to ${v.sumOfAllocations}`);
  }
  if (verdict.ledgerViolations.length > maxExamples)
    lines.push(`ledger: ... and ${verdict.ledgerViolations.length - maxExamples} more offerings`);
  return lines.join('\n');
}

/**
 * Examples of relationship differences for the source relationships leaving some start nodes and the target relationships
 * leaving the same nodes' copies (keyed by start source id). Relationships are matched as multisets per start node by
 * end node, type and properties: a source one without a twin is "changed" when a leftover target one has its end and type,
 * else "missing"; a target one left over after that is "extra".
 */
export function relationshipExamples(
  source: readonly RelationshipRecord[],
  target: ReadonlyMap<string, readonly RestoredRelationship[]>,
): EntityExample[] {
  const examples: EntityExample[] = [];
  const sourceByStart = groupBy(source, (rel) => rel.start);
  for (const start of new Set([...sourceByStart.keys(), ...target.keys()])) {
    // Target relationships of this start node not matched yet, by end and type, then by content.
    const left = new Map(
      [...groupBy(target.get(start) ?? [], (copy) => endAndType(copy.end, copy.type))].map(([ends, copies]) => [
        ends,
        groupBy(copies, (copy) => contentKey(copy.props)),
      ]),
    );
    const unmatched: RelationshipRecord[] = [];
    for (const rel of sourceByStart.get(start) ?? []) {
      const twins = left.get(endAndType(rel.end, rel.type))?.get(contentKey(rel.props));
      if (twins?.length) twins.pop();
      else unmatched.push(rel);
    }
    for (const rel of unmatched) {
      const sameEnds = [...(left.get(endAndType(rel.end, rel.type))?.values() ?? [])].find(
        (copies) => copies.length > 0,
      );
      if (sameEnds) sameEnds.pop();
      examples.push({
        kind: 'relationship',
        problem: sameEnds ? 'changed on target' : 'missing on target',
        id: rel.id,
        label: rel.type,
      });
    }
    for (const byContent of left.values()) {
      for (const copies of byContent.values()) {
        for (const copy of copies)
          examples.push({ kind: 'relationship', problem: 'extra on target', id: copy.targetId, label: copy.type });
      }
    }
  }
  return examples;
}

const endAndType = (end: string | undefined, type: string): string => `${end ?? ''}\u0000${type}`;
const contentKey = (props: RelationshipRecord['props']): string => JSON.stringify(canonicalProps(props));

/** Pure ledger check: an Offering's allocated amount must equal the sum of its Allocation amounts (decimal strings). */
export function ledgerViolation(day: string, allocated: string, amounts: string[]): LedgerViolation | undefined {
  const parse = (s: string): bigint | undefined => (/^-?\d+$/.test(s) ? BigInt(s) : undefined);
  const sum = amounts.reduce<bigint | undefined>((acc, a) => {
    const n = parse(a);
    return acc === undefined || n === undefined ? undefined : acc + n;
  }, 0n);
  const expected = parse(allocated);
  if (sum !== undefined && expected !== undefined && sum === expected) return undefined;
  return { day, allocated, sumOfAllocations: sum === undefined ? 'not a number' : sum.toString() };
}
