// The chaos planner: reproducible victims per seed, spread over every candidate, pauses within bounds.
import { planKills, seededRandom } from './chaos';
import { Victim } from './chaos';

const candidates: Victim[] = [
  { app: 'orchestrator', index: 0 },
  { app: 'orchestrator', index: 1 },
  { app: 'detector', index: 0 },
  { app: 'dco-runner', index: 1 },
];
const gap = { minGapMs: 1_000, maxGapMs: 4_000 };

describe('chaos planning', () => {
  it('replays the same victims and pauses for the same seed, and others for another seed', () => {
    expect(planKills(42, candidates, 20, gap)).toEqual(planKills(42, candidates, 20, gap));
    expect(planKills(43, candidates, 20, gap)).not.toEqual(planKills(42, candidates, 20, gap));
  });

  it('reaches every candidate over enough kills and keeps each pause within its bounds', () => {
    const plan = planKills(7, candidates, 200, gap);
    expect(new Set(plan.map((kill) => `${kill.app}/${kill.index}`)).size).toBe(candidates.length);
    expect(plan.every((kill) => kill.afterMs >= gap.minGapMs && kill.afterMs <= gap.maxGapMs)).toBe(true);
  });

  it('plans nothing without candidates', () => {
    expect(planKills(1, [], 5, gap)).toEqual([]);
  });

  it('draws numbers in [0, 1)', () => {
    const random = seededRandom(99);
    const draws = Array.from({ length: 1_000 }, random);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
  });
});
