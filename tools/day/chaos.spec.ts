// The chaos planner: reproducible victims per seed, spread over every candidate, pauses within bounds; and its stop.
import { AppProcess } from '@dco/testing';
import { Chaos, planKills, seededRandom, Victim } from './chaos';
import { DayServices } from './service-launcher';

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

describe('stopping the chaos', () => {
  /** One detector replica whose first restart waits for `release`; later restarts come back at once. */
  function services() {
    const restarts: string[] = [];
    let release!: () => void;
    const firstBack = new Promise<void>((resolve) => (release = resolve));
    const replica = { name: 'detector', pid: 1 } as unknown as AppProcess;
    const fake = {
      replicas: () => [replica],
      restart: async (app: string, index: number) => {
        restarts.push(`${app}-${index}`);
        if (restarts.length === 1) await firstBack;
        return replica;
      },
    } as unknown as DayServices;
    return { fake, restarts, release: () => release() };
  }

  it('waits for the kill in progress and drops a planned kill queued behind it (the topology spec waited for one more)', async () => {
    const { fake, restarts, release } = services();
    const chaos = Chaos.start(fake, {
      seed: 1,
      apps: ['detector'],
      kills: 3,
      minGapMs: 0,
      maxGapMs: 0,
      isActive: async () => false,
      log: () => undefined,
    });
    // killNext takes the chain first; the loop's first planned kill (after its 0 ms pause, a timer created before this
    // one, so it fires first) then queues behind it.
    const inProgress = chaos.killNext(['detector']);
    await new Promise((resolve) => setTimeout(resolve, 0));
    const stopped = chaos.stop();
    release();
    await inProgress;
    expect((await stopped).map((kill) => kill.app)).toEqual(['detector']);
    expect(restarts).toEqual(['detector-0']);
  });
});

describe('killing the active orchestrator', () => {
  /** A chaos without timed kills: only the explicit ones. */
  const orchestratorChaos = (services: DayServices, isActive: (replica: AppProcess) => Promise<boolean>) =>
    Chaos.start(services, {
      seed: 3,
      apps: ['orchestrator'],
      kills: 0,
      minGapMs: 0,
      maxGapMs: 0,
      isActive,
      log: () => undefined,
    });

  it('waits until a replica says it is active, kills that one and records the takeover (CI once saw none)', async () => {
    const replicas = [
      { name: 'orchestrator-0', pid: 10 },
      { name: 'orchestrator-1', pid: 11 },
    ] as unknown as AppProcess[];
    const restarted: string[] = [];
    const fake = {
      replicas: () => replicas,
      restart: async (app: string, index: number) => {
        restarted.push(`${app}-${index}`);
        return replicas[index];
      },
    } as unknown as DayServices;
    let looks = 0;
    // Nobody is active for the first looks (a lease changing hands); then replica 1 is.
    const chaos = orchestratorChaos(fake, async (replica) => {
      looks += 1;
      return looks > 4 && replica === replicas[1];
    });
    await chaos.killActiveOrchestrator(10_000);
    const kills = await chaos.stop();
    expect(restarted).toEqual(['orchestrator-1']);
    expect(kills).toEqual([expect.objectContaining({ app: 'orchestrator', index: 1, activeOrchestrator: true })]);
  });

  it('fails the kill (reported in failures) when no replica becomes active in time', async () => {
    const replica = { name: 'orchestrator-0', pid: 10 } as unknown as AppProcess;
    const fake = { replicas: () => [replica], restart: async () => replica } as unknown as DayServices;
    const chaos = orchestratorChaos(fake, async () => false);
    await expect(chaos.killActiveOrchestrator(300)).rejects.toMatchObject({ code: 'WAIT.TIMED_OUT' });
    expect(await chaos.stop()).toEqual([]);
    expect(chaos.failures).toHaveLength(1);
  });
});
