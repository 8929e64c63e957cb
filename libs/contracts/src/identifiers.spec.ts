// Identifier patterns and pathWithin: the ids that reach a path are refused when they could leave their directory.
import { randomUUID } from 'node:crypto';
import { createMessage } from './factory';
import { PLAN_ID_PATTERN, pathWithin } from './identifiers';
import { parseObject } from './parse';

describe('identifiers', () => {
  it.each(['plan-1', 'dco-2026-11-26-apply-infra-1', 'a.b', 'A_1.tfplan'])('accepts the plan id %s', (id) =>
    expect(PLAN_ID_PATTERN.test(id)).toBe(true),
  );

  it.each(['', '../x', '..', '.hidden', 'a/b', 'a\\b', 'a..b', 'a b', 'x'.repeat(65), 'a\u0000b', 'a\nb'])(
    'refuses the plan id %j',
    (id) => expect(PLAN_ID_PATTERN.test(id)).toBe(false),
  );

  it('refuses an ApplyInfra whose approvedPlanId could leave the plans directory (MSG.VALIDATION_FAILED)', () => {
    const applyInfra = (approvedPlanId: string) =>
      parseObject(
        JSON.parse(
          JSON.stringify(
            createMessage(
              'ApplyInfra',
              { day: '2026-11-26', changes: [], approvedPlanId },
              { runId: 'dco-2026-11-26', producer: 'orchestrator' },
              { clock: { now: () => new Date('2026-11-26T06:00:00Z') }, ids: { next: () => randomUUID() } },
            ),
          ),
        ),
      );
    expect(applyInfra('dco-2026-11-26-0123456789ab').ok).toBe(true);
    expect(applyInfra('../../etc/passwd')).toMatchObject({ ok: false, error: { code: 'MSG.VALIDATION_FAILED' } });
  });

  it('joins parts inside the root', () => {
    expect(pathWithin('/var/dco', 'plans', 'plan-1.json')).toBe('/var/dco/plans/plan-1.json');
  });

  it.each([
    [['..', 'etc', 'passwd']],
    [['plans', '../../etc/passwd']],
    [['/etc/passwd']],
    [['plans', '..', '..']],
    [['.']],
  ])('refuses %j with PATH.OUTSIDE_ROOT', (parts) => {
    expect(() => pathWithin('/var/dco', ...parts)).toThrow(expect.objectContaining({ code: 'PATH.OUTSIDE_ROOT' }));
  });
});
