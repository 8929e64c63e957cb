// Policy, time-zone and day-context helpers: approval reasons, deadlines across DST, run ids of reruns.
import { Change } from '@dco/contracts';
import { dayContextOf, nextRunIdOf } from './day-context';
import { DEFAULT_POLICY, RunPolicy, approvalReasons, dcoDeadlineOf, isInfraChange, validatePolicy } from './run-policy';
import { RunState } from './run-state';
import { dayInZone, zonedTimeToInstant } from './zoned-time';

const change = (over: Partial<Change>): Change => ({
  kind: 'neo4j-ami',
  subject: 'neo4j',
  to: 'x',
  risk: 'low',
  reason: '',
  ...over,
});

describe('approvalReasons', () => {
  it.each<[string, Change, number]>([
    ['a low-risk change', change({ kind: 'terraform-config' }), 0],
    ['a high-risk change', change({ kind: 'app-release', risk: 'high' }), 1],
    ['a Neo4j minor upgrade', change({ from: '5.20.0', to: '5.26.19' }), 0],
    ['a Neo4j major upgrade', change({ from: '4.4.30', to: '5.26.19' }), 1],
    [
      'a Neo4j AMI whose target version is only in the reason',
      change({ from: 'neo4j-4.4.1', to: 'ami-1', reason: 'neo4j-5.26.19 published' }),
      1,
    ],
    ['a Neo4j AMI with no known old version', change({ from: 'ami-0', to: 'ami-1' }), 0],
    // DCO_DRIFT_POLICY: reapply makes drift medium risk (applied unattended), approve makes it high (a person first).
    ['drift under DCO_DRIFT_POLICY=reapply', change({ kind: 'drift', risk: 'medium' }), 0],
    ['drift under DCO_DRIFT_POLICY=approve', change({ kind: 'drift', risk: 'high' }), 1],
  ])('%s', (_name, input, count) => {
    expect(approvalReasons([input], DEFAULT_POLICY)).toHaveLength(count);
  });
});

describe('isInfraChange', () => {
  it("drift is the infra-deployer's: the run plans an apply, which restores the declared state", () => {
    expect(isInfraChange(change({ kind: 'drift' }))).toBe(true);
  });
});

describe('deadlines', () => {
  it('puts the DCO deadline at the wall-clock time of the configured zone', () => {
    expect(
      dcoDeadlineOf('2026-11-26', {
        ...DEFAULT_POLICY,
        dcoDeadline: { time: '09:00', timeZone: 'Europe/Zurich' },
      }).toISOString(),
    ).toBe('2026-11-26T08:00:00.000Z');
    expect(zonedTimeToInstant('2026-07-01', '09:00', 'Europe/Zurich').toISOString()).toBe('2026-07-01T07:00:00.000Z');
    expect(zonedTimeToInstant('2026-03-08', '03:30', 'America/New_York').toISOString()).toBe(
      '2026-03-08T07:30:00.000Z',
    );
  });

  it('reads the day of an instant in a zone', () => {
    expect(dayInZone(new Date('2026-11-26T23:30:00Z'), 'Asia/Tokyo')).toBe('2026-11-27');
  });

  it('names every bad policy field', () => {
    const problems = validatePolicy({
      ...DEFAULT_POLICY,
      dcoDeadline: { time: '25:00', timeZone: 'Mars/Olympus' },
      steps: { ...DEFAULT_POLICY.steps, detect: { expectedMs: 10, timeoutMs: 5 } },
    });
    expect(problems).toEqual([
      expect.stringContaining('dcoDeadline.time'),
      expect.stringContaining('dcoDeadline.timeZone'),
      expect.stringContaining('steps.detect.timeoutMs'),
    ]);
    expect(validatePolicy(DEFAULT_POLICY)).toEqual([]);
  });

  it('names a bad promotion policy and a soak outside 0..6 h (ADR 0032)', () => {
    const bad = (promotion: object) => validatePolicy({ ...DEFAULT_POLICY, promotion } as RunPolicy);
    expect(bad({ policy: 'canary', soakMs: 0 })).toEqual([expect.stringContaining('promotion.policy')]);
    expect(bad({ policy: 'staging-first', soakMs: -1 })).toEqual([expect.stringContaining('promotion.soakMs')]);
    expect(bad({ policy: 'staging-first', soakMs: 1.5 })).toEqual([expect.stringContaining('promotion.soakMs')]);
    expect(bad({ policy: 'staging-first', soakMs: 6 * 3_600_000 + 1 })).toEqual([
      expect.stringContaining('promotion.soakMs'),
    ]);
    expect(bad({ policy: 'staging-first', soakMs: 0 })).toEqual([]);
  });
});

describe('day context', () => {
  const run = (runId: string, status: RunState['status'], resultHash?: string) =>
    ({ runId, day: runId.slice(4, 14), status, resultHash }) as RunState;

  it('knows the completed DCO and the active run of a day', () => {
    const runs = [
      run('dco-2026-11-26', 'Completed', 'a'.repeat(64)),
      run('dco-2026-11-26-r1', 'Detecting'),
      run('dco-2026-11-25', 'Failed'),
    ];
    expect(dayContextOf(runs, '2026-11-26')).toEqual({
      activeRunId: 'dco-2026-11-26-r1',
      completedDco: { runId: 'dco-2026-11-26', resultHash: 'a'.repeat(64) },
      lastRunDay: '2026-11-25',
    });
    expect(dayContextOf(runs, '2026-11-25')).toEqual({});
    expect(dayContextOf(runs, '2026-11-26', 'dco-2026-11-26-r1')).toEqual({
      completedDco: expect.anything(),
      lastRunDay: '2026-11-25',
    });
    // A later day knows the last day that ran and an earlier run still in progress (it waits for it: ADR 0023).
    expect(dayContextOf(runs, '2026-11-30')).toEqual({
      lastRunDay: '2026-11-26',
      unfinishedBefore: 'dco-2026-11-26-r1',
    });
  });

  it('numbers reruns after the highest existing one', () => {
    expect(nextRunIdOf([], '2026-11-26')).toBe('dco-2026-11-26');
    expect(nextRunIdOf(['dco-2026-11-26'], '2026-11-26')).toBe('dco-2026-11-26-r1');
    expect(nextRunIdOf(['dco-2026-11-26', 'dco-2026-11-26-r3', 'dco-2026-11-27'], '2026-11-26')).toBe(
      'dco-2026-11-26-r4',
    );
  });
});
