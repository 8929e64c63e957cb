// DR drills' pure part: RTO and RPO from an observation, the objectives verdict, the refusal rule and the result's keys.
import { activeRuns, DrillObservation, drillFigures, drillMetrics, judge, measure } from './drill.model';

const observation = (over: Partial<DrillObservation> = {}): DrillObservation => ({
  kind: 'orchestrator-loss',
  lossAtMs: 10_000,
  servingAtMs: 13_500,
  acknowledged: ['a', 'b', 'c'],
  covered: ['a', 'b', 'c'],
  recovered: ['a', 'b', 'c'],
  baselineMs: 700,
  parameters: {},
  ...over,
});

describe('measure', () => {
  it('takes RTO from the loss to the probe finding the system serving, in seconds', () => {
    expect(measure(observation()).rtoS).toBe(3.5);
    expect(measure(observation()).baselineS).toBe(0.7);
  });

  it('counts acknowledged writes missing after recovery as the RPO, each id once', () => {
    const m = measure(observation({ acknowledged: ['a', 'b', 'b', 'c', 'd'], recovered: ['a', 'c', 'x'] }));
    expect(m.rpoWritesLost).toBe(2);
    expect(m.acknowledgedWrites).toBe(4);
  });

  it('counts separately the lost writes the recovery source had to hold', () => {
    const m = measure(
      observation({
        kind: 'neo4j-loss',
        acknowledged: ['1', '2', '3', '4'],
        covered: ['1', '2'],
        recovered: ['1', '2'],
      }),
    );
    expect(m).toMatchObject({ rpoWritesLost: 2, coveredWritesLost: 0 });
    expect(measure(observation({ covered: ['a', 'b'], recovered: ['b'] })).coveredWritesLost).toBe(1);
  });

  it('refuses a probe that saw the system serving before the loss', () => {
    expect(() => measure(observation({ servingAtMs: 9_000 }))).toThrow(RangeError);
  });
});

describe('judge', () => {
  it('meets the objectives within the RTO and without a lost write', () => {
    expect(judge(measure(observation()), { rtoS: 60, rpo: 'zero' })).toEqual({ met: true, misses: [] });
  });

  it('misses when the RTO exceeds the objective', () => {
    const verdict = judge(measure(observation({ servingAtMs: 75_000 })), { rtoS: 60, rpo: 'zero' });
    expect(verdict.met).toBe(false);
    expect(verdict.misses).toEqual(['orchestrator-loss: RTO 65 s exceeds the objective of 60 s']);
  });

  it('misses when a write is lost where none may be', () => {
    const verdict = judge(measure(observation({ recovered: ['a', 'b'] })), { rtoS: 60, rpo: 'zero' });
    expect(verdict.misses).toEqual([
      'orchestrator-loss: 1 acknowledged writes lost where none may be',
      'orchestrator-loss: 1 writes acknowledged before the recovery point were lost',
    ]);
  });

  it('accepts writes after the recovery point lost when only covered writes must survive, never a covered one', () => {
    const afterBackup = observation({ kind: 'neo4j-loss', covered: ['a'], recovered: ['a'] });
    expect(judge(measure(afterBackup), { rtoS: 300, rpo: 'covered' }).met).toBe(true);
    const coveredLost = observation({ kind: 'neo4j-loss', covered: ['a', 'b'], recovered: ['a'] });
    expect(judge(measure(coveredLost), { rtoS: 300, rpo: 'covered' }).misses).toEqual([
      'neo4j-loss: 1 writes acknowledged before the recovery point were lost',
    ]);
  });
});

describe('activeRuns (the refusal)', () => {
  it('names every run that has not ended, and none when all ended', () => {
    expect(
      activeRuns([
        { runId: 'dco-2026-12-01', status: 'Completed' },
        { runId: 'dco-2026-12-02', status: 'RunningDco' },
        { runId: 'dco-2026-12-03', status: 'Queued' },
        { runId: 'dco-2026-12-04', status: 'Failed' },
        { runId: 'dco-2026-12-05', status: 'CompletedAfterRollback' },
      ]),
    ).toEqual(['dco-2026-12-02 (RunningDco)', 'dco-2026-12-03 (Queued)']);
    expect(activeRuns([{ runId: 'dco-2026-12-01', status: 'Completed' }])).toEqual([]);
  });
});

describe('drillMetrics', () => {
  it('reports the worst RTO, the sum of lost writes and one pair per kind', () => {
    const metrics = drillMetrics([
      measure(observation()),
      measure(observation({ kind: 'neo4j-loss', servingAtMs: 40_000, covered: ['a'], recovered: ['a'] })),
    ]);
    expect(metrics).toMatchObject({
      rto_s: 30,
      rpo_writes_lost: 2,
      'orchestrator-loss_rto_s': 3.5,
      'orchestrator-loss_rpo_writes_lost': 0,
      'neo4j-loss_rto_s': 30,
      'neo4j-loss_rpo_writes_lost': 2,
    });
    expect(drillMetrics([])).toEqual({});
  });
});

describe('drillFigures', () => {
  it('carries the measurement, its objectives and the verdict as the DrDrillCompleted data the dashboard shows', () => {
    const measurement = measure(observation({ servingAtMs: 80_000, recovered: ['a'] }));
    const objective = { rtoS: 60, rpo: 'zero' as const };
    const verdict = judge(measurement, objective);
    expect(drillFigures(measurement, objective, verdict, new Date('2026-12-06T18:04:09.000Z'))).toEqual({
      kind: 'orchestrator-loss',
      completedAt: '2026-12-06T18:04:09.000Z',
      rtoS: 70,
      rtoObjectiveS: 60,
      rpoWritesLost: 2,
      coveredWritesLost: 2,
      acknowledgedWrites: 3,
      rpoObjective: 'zero',
      met: false,
      misses: verdict.misses,
    });
    expect(verdict.misses).toHaveLength(3);
  });
});
