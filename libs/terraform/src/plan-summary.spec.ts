// Plan summaries and the approval policy: destroys and a replaced Neo4j instance need a person.
import { approvalReasons, describePlan, summarizePlan } from './plan-summary';

const plan = (changes: [string, string[]][]) => ({
  format_version: '1.2',
  resource_changes: changes.map(([address, actions]) => ({ address, type: 'terraform_data', change: { actions } })),
});

describe('plan summary', () => {
  it('counts adds, in-place changes, destroys and replacements', () => {
    const summary = summarizePlan(
      'p',
      plan([
        ['a', ['create']],
        ['b', ['update']],
        ['c', ['delete']],
        ['d', ['create', 'delete']],
        ['e', ['no-op']],
      ]),
    );
    expect(summary).toEqual({ planId: 'p', adds: 1, changes: 1, destroys: 1, replaced: ['d'] });
    expect(describePlan(summary)).toBe('1 to add, 1 to change, 1 to destroy, 1 to replace');
  });

  it('asks approval for a destroy or a replaced Neo4j instance only', () => {
    expect(
      approvalReasons(summarizePlan('p', plan([['terraform_data.task_definition["x"]', ['delete', 'create']]]))),
    ).toEqual([]);
    expect(
      approvalReasons(summarizePlan('p', plan([['terraform_data.neo4j_instance', ['delete', 'create']]]))),
    ).toEqual(['the plan replaces terraform_data.neo4j_instance']);
    expect(approvalReasons(summarizePlan('p', plan([['terraform_data.bus', ['delete']]])))).toEqual([
      'the plan destroys 1 resource(s)',
    ]);
  });
});
