// Every missed day (ADR 0023): the days a tick runs under each policy and cap, UTC day arithmetic across month, year and
// leap-day boundaries, and which run starts next so that days run one after the other, each once.
import { RunState } from './run-state';
import {
  CatchUpSettings,
  addDays,
  catchUpPlan,
  daysBetween,
  lastRunDayBefore,
  nextCatchUpRun,
  unfinishedRunBefore,
} from './catch-up';

const all: CatchUpSettings = { policy: 'all', maxDays: 7 };

describe('UTC day arithmetic', () => {
  it.each([
    ['2026-11-30', 1, '2026-12-01'],
    ['2026-12-31', 1, '2027-01-01'],
    ['2027-01-01', -1, '2026-12-31'],
    ['2028-02-28', 1, '2028-02-29'],
    ['2027-02-28', 1, '2027-03-01'],
    // Daylight saving changes in Europe (2026-03-29, 2026-10-25) do not shift a calendar day.
    ['2026-03-28', 2, '2026-03-30'],
    ['2026-10-24', 2, '2026-10-26'],
    ['2026-01-01', 365, '2027-01-01'],
  ])('%s + %i days is %s', (day, n, expected) => {
    expect(addDays(day, n)).toBe(expected);
    expect(daysBetween(day, expected)).toBe(n);
  });

  it.each(['2026-02-30', '2026-13-01', '26-11-01', '2026-11-1', ''])('refuses "%s", which is not a day', (day) => {
    expect(() => addDays(day, 1)).toThrow(RangeError);
    expect(() => daysBetween(day, '2026-11-01')).toThrow(RangeError);
  });
});

describe('catchUpPlan', () => {
  it('runs only the day when nothing was missed, or when no day ever ran', () => {
    expect(catchUpPlan({ lastRunDay: '2026-12-04', day: '2026-12-05', late: false, settings: all })).toEqual({
      missed: [],
      run: ['2026-12-05'],
      skipped: [],
      needsApproval: false,
    });
    expect(catchUpPlan({ day: '2026-12-05', late: true, settings: all }).run).toEqual(['2026-12-05']);
  });

  it('with "all", runs three missed days oldest first, then the day', () => {
    expect(catchUpPlan({ lastRunDay: '2026-12-01', day: '2026-12-05', late: true, settings: all })).toEqual({
      missed: ['2026-12-02', '2026-12-03', '2026-12-04'],
      run: ['2026-12-02', '2026-12-03', '2026-12-04', '2026-12-05'],
      skipped: [],
      needsApproval: false,
    });
  });

  it('with "all", crosses a month, a year and a leap day', () => {
    expect(catchUpPlan({ lastRunDay: '2026-12-30', day: '2027-01-02', late: true, settings: all }).run).toEqual([
      '2026-12-31',
      '2027-01-01',
      '2027-01-02',
    ]);
    expect(catchUpPlan({ lastRunDay: '2028-02-27', day: '2028-03-01', late: true, settings: all }).missed).toEqual([
      '2028-02-28',
      '2028-02-29',
    ]);
    expect(catchUpPlan({ lastRunDay: '2027-02-27', day: '2027-03-01', late: true, settings: all }).missed).toEqual([
      '2027-02-28',
    ]);
  });

  it('with "all", asks an operator beyond the cap, not at it', () => {
    const at = catchUpPlan({ lastRunDay: '2026-11-27', day: '2026-12-05', late: true, settings: all });
    expect([at.missed.length, at.needsApproval]).toEqual([7, false]);
    const beyond = catchUpPlan({ lastRunDay: '2026-11-26', day: '2026-12-05', late: true, settings: all });
    expect([beyond.missed.length, beyond.needsApproval, beyond.run.length]).toEqual([8, true, 9]);
    const always = catchUpPlan({
      lastRunDay: '2026-12-03',
      day: '2026-12-05',
      late: false,
      settings: { policy: 'all', maxDays: 0 },
    });
    expect(always.needsApproval).toBe(true);
  });

  it('with "last", runs only the day and names the skipped days', () => {
    expect(
      catchUpPlan({
        lastRunDay: '2026-12-01',
        day: '2026-12-05',
        late: true,
        settings: { policy: 'last', maxDays: 7 },
      }),
    ).toEqual({
      missed: ['2026-12-02', '2026-12-03', '2026-12-04'],
      run: ['2026-12-05'],
      skipped: ['2026-12-02', '2026-12-03', '2026-12-04'],
      needsApproval: false,
    });
  });

  it('with "none", runs no missed day: not a late tick, but a scheduled one', () => {
    const none: CatchUpSettings = { policy: 'none', maxDays: 7 };
    expect(catchUpPlan({ lastRunDay: '2026-12-03', day: '2026-12-05', late: true, settings: none })).toEqual({
      missed: ['2026-12-04'],
      run: [],
      skipped: ['2026-12-04', '2026-12-05'],
      needsApproval: false,
    });
    expect(catchUpPlan({ lastRunDay: '2026-12-03', day: '2026-12-05', late: false, settings: none }).run).toEqual([
      '2026-12-05',
    ]);
  });

  it('misses nothing when the last run is of the same or a later day (a rerun, a clock set back)', () => {
    expect(catchUpPlan({ lastRunDay: '2026-12-05', day: '2026-12-05', late: true, settings: all }).missed).toEqual([]);
    expect(catchUpPlan({ lastRunDay: '2026-12-09', day: '2026-12-05', late: true, settings: all }).run).toEqual([
      '2026-12-05',
    ]);
  });
});

const run = (runId: string, status: RunState['status'], catchUp?: RunState['catchUp']) =>
  ({ runId, day: runId.slice(4, 14), status, ...(catchUp ? { catchUp } : {}) }) as RunState;

describe('the stored runs', () => {
  const runs = [
    run('dco-2026-12-01', 'Completed'),
    run('dco-2026-12-01-r1', 'Failed'),
    run('dco-2026-12-03', 'Queued'),
  ];

  it('name the last day that has a run before a day, of any status', () => {
    expect(lastRunDayBefore(runs, '2026-12-05')).toBe('2026-12-03');
    expect(lastRunDayBefore(runs, '2026-12-03')).toBe('2026-12-01');
    expect(lastRunDayBefore(runs, '2026-12-01')).toBeUndefined();
  });

  it('name an earlier run that has not ended', () => {
    expect(unfinishedRunBefore(runs, '2026-12-05')).toBe('dco-2026-12-03');
    expect(unfinishedRunBefore(runs, '2026-12-03')).toBeUndefined();
  });
});

describe('nextCatchUpRun', () => {
  const queued = run('dco-2026-12-05', 'Queued', { after: '2026-12-01', missed: 3 });

  it('starts the oldest missed day first, then the next, then the queued day itself', () => {
    expect(nextCatchUpRun([run('dco-2026-12-01', 'Completed'), queued])).toEqual({
      day: '2026-12-02',
      runId: 'dco-2026-12-02',
      dequeue: false,
    });
    expect(nextCatchUpRun([run('dco-2026-12-02', 'Completed'), queued])?.day).toBe('2026-12-03');
    expect(
      nextCatchUpRun([
        run('dco-2026-12-02', 'CompletedAfterRollback'),
        run('dco-2026-12-03', 'Failed'),
        run('dco-2026-12-04', 'Completed'),
        queued,
      ]),
    ).toEqual({ day: '2026-12-05', runId: 'dco-2026-12-05', dequeue: true });
  });

  it('starts nothing while any run is in progress: day N+1 starts after day N has ended', () => {
    expect(nextCatchUpRun([run('dco-2026-12-02', 'RunningDco'), queued])).toBeUndefined();
    expect(nextCatchUpRun([run('dco-2026-11-20-r1', 'AwaitingApproval'), queued])).toBeUndefined();
  });

  it('never starts a second run of a day that has one (an operator ran it meanwhile)', () => {
    expect(nextCatchUpRun([run('dco-2026-12-02', 'Completed'), run('dco-2026-12-03-r1', 'Completed'), queued])).toEqual(
      { day: '2026-12-04', runId: 'dco-2026-12-04', dequeue: false },
    );
  });

  it('serves the oldest queued day first and ignores queues that are done', () => {
    const later = run('dco-2026-12-06', 'Queued');
    const missedRan = ['dco-2026-12-02', 'dco-2026-12-03', 'dco-2026-12-04'].map((id) => run(id, 'Completed'));
    expect(nextCatchUpRun([later, ...missedRan, queued])?.runId).toBe('dco-2026-12-05');
    expect(nextCatchUpRun([later, missedRan[0], queued])?.runId).toBe('dco-2026-12-03');
    expect(nextCatchUpRun([later, run('dco-2026-12-05', 'Completed')])).toEqual({
      day: '2026-12-06',
      runId: 'dco-2026-12-06',
      dequeue: true,
    });
    expect(nextCatchUpRun([run('dco-2026-12-05', 'Completed')])).toBeUndefined();
    expect(nextCatchUpRun([])).toBeUndefined();
  });

  it('crosses the year end', () => {
    const newYear = run('dco-2027-01-02', 'Queued', { after: '2026-12-30', missed: 2 });
    expect(nextCatchUpRun([run('dco-2026-12-30', 'Completed'), newYear])?.day).toBe('2026-12-31');
    expect(nextCatchUpRun([run('dco-2026-12-31', 'Completed'), newYear])?.day).toBe('2027-01-01');
  });
});
