import { RelationshipRecord, RestoredRelationship } from './graph-value';
import { relationshipExamples } from './validation-diff';

const rel = (id: string, start: string, end: string, type = 'KNOWS', since = 2020): RelationshipRecord => ({
  id,
  type,
  start,
  end,
  props: [['since', ['i', String(since)]]],
});
const copy = (targetId: string, end: string | undefined, type = 'KNOWS', since = 2020): RestoredRelationship => ({
  targetId,
  type,
  ...(end === undefined ? {} : { end }),
  props: [['since', ['i', String(since)]]],
});

describe('relationshipExamples (relationships matched by their endpoints, type and properties)', () => {
  const source = [rel('r1', '1', '2'), rel('r2', '1', '2'), rel('r3', '1', '3', 'LIKES'), rel('r4', '2', '1')];
  const restored = () =>
    new Map<string, RestoredRelationship[]>([
      ['1', [copy('t1', '2'), copy('t2', '2'), copy('t3', '3', 'LIKES')]],
      ['2', [copy('t4', '1')]],
    ]);

  it('finds nothing when every relationship has its twin, parallel ones included', () => {
    expect(relationshipExamples(source, restored())).toEqual([]);
  });

  it('names one of two parallel relationships as missing when only one was restored', () => {
    const target = restored();
    target.set('1', [copy('t1', '2'), copy('t3', '3', 'LIKES')]);
    expect(relationshipExamples(source, target)).toEqual([
      { kind: 'relationship', problem: 'missing on target', id: 'r2', label: 'KNOWS' },
    ]);
  });

  it('calls a relationship with the same endpoints and type but other properties changed', () => {
    const target = restored();
    target.set('2', [copy('t4', '1', 'KNOWS', 1999)]);
    expect(relationshipExamples(source, target)).toEqual([
      { kind: 'relationship', problem: 'changed on target', id: 'r4', label: 'KNOWS' },
    ]);
  });

  it('reports a relationship whose type changed as missing, and its copy as extra', () => {
    const target = restored();
    target.set('2', [copy('t4', '1', 'HATES')]);
    expect(relationshipExamples(source, target)).toEqual([
      { kind: 'relationship', problem: 'missing on target', id: 'r4', label: 'KNOWS' },
      { kind: 'relationship', problem: 'extra on target', id: 't4', label: 'HATES' },
    ]);
  });

  it('reports a stray relationship from a restored node, also towards a node the restore did not make', () => {
    const target = restored();
    target.set('3', [copy('t9', '1', 'STRAY')]);
    target.set('2', [copy('t4', '1'), copy('t8', undefined, 'STRAY')]);
    expect(relationshipExamples(source, target)).toEqual([
      { kind: 'relationship', problem: 'extra on target', id: 't8', label: 'STRAY' },
      { kind: 'relationship', problem: 'extra on target', id: 't9', label: 'STRAY' },
    ]);
  });

  it('reports the relationships of a start node missing on the target as missing', () => {
    const target = restored();
    target.delete('2');
    expect(relationshipExamples(source, target)).toEqual([
      { kind: 'relationship', problem: 'missing on target', id: 'r4', label: 'KNOWS' },
    ]);
  });
});
