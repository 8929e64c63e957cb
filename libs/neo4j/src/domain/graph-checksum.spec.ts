// Unit specs of the pure graph codec, checksum and diff summary.
import { checksumOf, DigestAccumulator, emptyDigest, entityHash, GraphDigester, nodeHash } from './graph-checksum';
import { NodeContent, RelationshipContent } from './graph-value';
import { compareDigests, ledgerViolation, summarizeVerdict } from './validation-diff';
import { canonicalNode, decodeFloat, encodeFloat, graphValueProblem, withoutRestoreBookkeeping } from './value-codec';

const alice: NodeContent = {
  labels: ['Person', 'Admin'],
  props: [
    ['name', ['s', 'Alice 𝄞']],
    ['age', ['i', '9223372036854775807']],
  ],
};
const bob: NodeContent = { labels: ['Person'], props: [['name', ['s', 'Bob']]] };
const knows: RelationshipContent = { type: 'KNOWS', props: [['since', ['date', 2020, 1, 2]]], start: alice, end: bob };

function digestOf(nodes: NodeContent[], rels: RelationshipContent[]) {
  const acc = new DigestAccumulator();
  nodes.forEach((n) => acc.addNode(n));
  rels.forEach((r) => acc.addRelationship(r));
  return acc.result();
}

describe('value codec', () => {
  it('encodes the floats JSON cannot carry and decodes them back exactly', () => {
    for (const value of [NaN, Infinity, -Infinity, -0, 0, 1.5, Number.MIN_VALUE, -Number.MAX_VALUE]) {
      const decoded = decodeFloat(JSON.parse(JSON.stringify(encodeFloat(value))));
      expect(Object.is(decoded, value)).toBe(true);
    }
  });

  it('gives the same canonical text whatever the label and property order', () => {
    const shuffled: NodeContent = { labels: ['Admin', 'Person'], props: [...alice.props].reverse() };
    expect(canonicalNode(shuffled)).toBe(canonicalNode(alice));
  });

  it('counts the migrator reserved label and property, and leaves them out only for a restore in progress', () => {
    const restored: NodeContent = {
      labels: [...alice.labels, '__dcoRestored'],
      props: [...alice.props, ['__dcoSourceId', ['i', '7']]],
    };
    expect(canonicalNode(restored)).not.toBe(canonicalNode(alice));
    expect(canonicalNode(withoutRestoreBookkeeping(restored))).toBe(canonicalNode(alice));
    // Only the restore's own names: any other reserved name left on a target is a difference.
    const other: NodeContent = { labels: [...alice.labels, '__dcoParked'], props: alice.props };
    expect(canonicalNode(withoutRestoreBookkeeping(other))).not.toBe(canonicalNode(alice));
  });

  it.each([
    [['i', '9223372036854775808'], 'bad int64'],
    [['i', 1], 'bad int64'],
    [['f', null], 'bad float'],
    [
      [
        'l',
        [
          ['s', 'a'],
          ['i', '1'],
        ],
      ],
      'list is not homogeneous',
    ],
    [['l', [['l', []]]], 'list item: nested list'],
    [['dt', 2020, 1, 1, 0, 0, 0, 0, null, null], 'bad date-time'],
    [['zz', 1], 'unknown value tag "zz"'],
    [['y', 'not base64!'], 'bad bytes'],
  ])('rejects malformed value %j', (value, problem) => {
    expect(graphValueProblem(value)).toBe(problem);
  });

  it('accepts int64 extremes and every temporal and spatial shape', () => {
    for (const value of [
      ['i', '-9223372036854775808'],
      ['dt', 2020, 1, 1, 0, 0, 0, 5, null, 'Europe/Paris'],
      ['dt', 2020, 1, 1, 0, 0, 0, 5, 3600, null],
      ['dur', '14', '-3', '9223372036854775807', '999999999'],
      ['pt', 4979, 1.5, 'NaN', '-0'],
      ['l', []],
    ]) {
      expect(graphValueProblem(value)).toBeUndefined();
    }
  });
});

describe('graph checksum', () => {
  it('hashes an entity as the first 128 bits of sha256 over its canonical text (stable across releases)', () => {
    expect(entityHash('abc')).toBe('ba7816bf8f01cfea414140de5dae2223');
    // Values computed by the released code (createHash): a digest stored by one release is compared by the next.
    expect(nodeHash({ labels: ['Account'], props: [['id', ['i', '7']]] })).toBe('be552aa4bfdbfb034d488cb0c631925d');
    expect(checksumOf({ ...emptyDigest(), nodes: 1, relationships: 2, nodeSum: 5n, relationshipSum: 7n })).toBe(
      'db5badae61a071eb7492eb989cf5f8babae8202c02688e7ce4f0dfc15cb2a4d9',
    );
  });

  it('is independent of read order', () => {
    expect(checksumOf(digestOf([alice, bob], [knows]))).toBe(checksumOf(digestOf([bob, alice], [knows])));
  });

  it('changes when one property value changes', () => {
    const changed: NodeContent = { ...bob, props: [['name', ['s', 'Bob ']]] };
    expect(checksumOf(digestOf([alice, changed], [knows]))).not.toBe(checksumOf(digestOf([alice, bob], [knows])));
  });

  it('does not cancel out duplicated entities (sum, not xor)', () => {
    expect(checksumOf(digestOf([alice, bob, bob, bob], []))).not.toBe(checksumOf(digestOf([alice, bob], [])));
  });

  it('distinguishes an int from a float of the same value and a reversed relationship', () => {
    const asInt: NodeContent = { labels: ['X'], props: [['v', ['i', '1']]] };
    const asFloat: NodeContent = { labels: ['X'], props: [['v', ['f', 1]]] };
    expect(checksumOf(digestOf([asInt], []))).not.toBe(checksumOf(digestOf([asFloat], [])));
    const reversed: RelationshipContent = { ...knows, start: bob, end: alice };
    expect(checksumOf(digestOf([alice, bob], [reversed]))).not.toBe(checksumOf(digestOf([alice, bob], [knows])));
  });
});

describe('graph digester (node hashes by id, relationships by endpoint hashes)', () => {
  const digestRecords = (ids: [string, string], opts: { reversed?: boolean; capacity?: number } = {}) => {
    const digester = new GraphDigester(opts.capacity ?? 100);
    const [a, b] = ids;
    // Nodes read in any order; relationships name their endpoints by server-local id.
    digester.addNode({ id: b, ...bob });
    digester.addNode({ id: a, ...alice });
    digester.addRelationship({
      id: '7',
      type: knows.type,
      start: opts.reversed ? b : a,
      end: opts.reversed ? a : b,
      props: knows.props,
    });
    return digester.result();
  };

  it('equals the content digest and does not depend on server-local ids', () => {
    const expected = checksumOf(digestOf([alice, bob], [knows]));
    expect(checksumOf(digestRecords(['0', '1']))).toBe(expected);
    expect(checksumOf(digestRecords(['42', '3']))).toBe(expected);
  });

  it('changes when a relationship is reversed or an endpoint was never read', () => {
    const expected = checksumOf(digestRecords(['0', '1']));
    expect(checksumOf(digestRecords(['0', '1'], { reversed: true }))).not.toBe(expected);
    expect(checksumOf(digestRecords(['0', '99'], { capacity: 50 }))).not.toBe(expected);
  });

  it('counts only what a filter keeps, relationships by their endpoints', () => {
    const digester = new GraphDigester(3, { node: (n) => n.labels.includes('Admin'), relationship: (s, e) => s || e });
    digester.addNode({ id: '0', ...alice });
    digester.addNode({ id: '1', ...bob });
    digester.addRelationship({ id: '0', type: 'KNOWS', start: '0', end: '1', props: knows.props });
    digester.addRelationship({ id: '1', type: 'SELF', start: '1', end: '1', props: [] });
    const digest = digester.result();
    expect(digest).toMatchObject({ nodes: 1, relationships: 1, typeCounts: { KNOWS: 1 } });
    expect(digest.relationshipSum).toBe(digestOf([], [knows]).relationshipSum);
  });

  it('adds hashes modulo 2^128 without losing the carry', () => {
    const acc = new DigestAccumulator();
    acc.addNode(alice, 'ff'.repeat(16));
    acc.addNode(alice, '00000000000000000000000000000002');
    expect(acc.result().nodeSum).toBe(1n);
  });
});

describe('validation diff', () => {
  it('names the label, the count and examples of a missing node', () => {
    const verdict = compareDigests(digestOf([alice, bob], [knows]), digestOf([alice], [knows]), [
      { kind: 'node', problem: 'missing on target', id: '42', label: 'Person' },
    ]);
    expect(verdict.equal).toBe(false);
    const summary = summarizeVerdict(verdict);
    expect(summary).toContain('label Person: source 2, target 1 (1 missing on target)');
    expect(summary).toContain('node 42 (Person): missing on target');
  });

  it('reports a changed property as a content difference with equal counts', () => {
    const changed: NodeContent = { ...bob, props: [['name', ['s', 'Robert']]] };
    const verdict = compareDigests(digestOf([alice, bob], []), digestOf([alice, changed], []));
    expect(verdict).toMatchObject({
      equal: false,
      countDifferences: [],
      nodeContentDiffers: true,
      relationshipContentDiffers: false,
    });
  });

  it('is equal for equal graphs', () => {
    expect(compareDigests(digestOf([alice, bob], [knows]), digestOf([bob, alice], [knows])).equal).toBe(true);
  });

  it('checks ledger sums with big integers', () => {
    expect(ledgerViolation('2026-01-01', '100000000000000000001', ['100000000000000000000', '1'])).toBeUndefined();
    expect(ledgerViolation('2026-01-01', '10', ['3', '6'])).toEqual({
      day: '2026-01-01',
      allocated: '10',
      sumOfAllocations: '9',
    });
    expect(ledgerViolation('2026-01-01', '10', ['x'])?.sumOfAllocations).toBe('not a number');
  });
});
