// The topology spec's fault injector: kill -9 of random replicas (the active orchestrator first) while days run, each
// replica started again in place (same port and instance id, so it fences its predecessor), at seeded random moments.
// Seeded: a failing run names its seed, and the same seed replays the same victims in the same order.
import { AppProcess, waitFor } from '@dco/testing';
import { AppName } from './day-workspace';
import { DayServices } from './service-launcher';

/** mulberry32: small, fast and good enough to pick victims reproducibly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface Victim {
  app: AppName;
  index: number;
}

/** A seeded pick among the candidates. */
export function pick<T>(random: () => number, candidates: T[]): T | undefined {
  return candidates[Math.floor(random() * candidates.length)];
}

/** A seeded pause within [minGapMs, maxGapMs]. */
export function gapOf(random: () => number, gap: { minGapMs: number; maxGapMs: number }): number {
  return Math.round(gap.minGapMs + random() * (gap.maxGapMs - gap.minGapMs));
}

/** The n victims of a seed among `candidates`, and the pause before each: what the chaos loop does with that seed. */
export function planKills(
  seed: number,
  candidates: Victim[],
  n: number,
  gap: { minGapMs: number; maxGapMs: number },
): Array<Victim & { afterMs: number }> {
  if (candidates.length === 0) return [];
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => {
    const afterMs = gapOf(random, gap);
    return { ...(pick(random, candidates) as Victim), afterMs };
  });
}

/** Starts of a killed replica before the chaos gives up on it (back-off 1, 2, 4, 8, 10... s between them). */
const RESTART_ATTEMPTS = 8;

export interface KillRecord extends Victim {
  at: string;
  pid?: number;
  /** Whether the victim was the active orchestrator when it was killed. */
  activeOrchestrator: boolean;
  /** Seconds from the kill until the replica answered /health again. */
  back_s: number;
}

export interface ChaosOptions {
  seed: number;
  /** Apps whose replicas may be killed (the scheduler's catch-up would re-tick; it is not in the day's path). */
  apps: AppName[];
  kills: number;
  minGapMs: number;
  maxGapMs: number;
  /** Whether an orchestrator replica is the active one (its /health role); the first kill takes the active. */
  isActive(replica: AppProcess): Promise<boolean>;
  log(line: string): void;
}

export class Chaos {
  readonly kills: KillRecord[] = [];
  /** Kills whose replica did not come back healthy. */
  readonly failures: string[] = [];
  private stopped = false;
  private wake?: () => void;
  /** Kills one at a time: the loop's and killNext()'s. */
  private chain: Promise<void> = Promise.resolve();
  private readonly random: () => number;
  private readonly done: Promise<void>;

  private constructor(
    private readonly services: DayServices,
    private readonly options: ChaosOptions,
  ) {
    this.random = seededRandom(options.seed);
    this.done = this.loop().catch((error: Error) => options.log(`chaos stopped on an error: ${error.message}`));
  }

  static start(services: DayServices, options: ChaosOptions): Chaos {
    return new Chaos(services, options);
  }

  /** Stops after the kill in progress (its replica is up again) and returns every kill made. */
  async stop(): Promise<KillRecord[]> {
    this.stopped = true;
    this.wake?.();
    await this.done;
    await this.chain;
    return this.kills;
  }

  /** One kill now, of a seeded pick among the replicas of `apps` (a day's own path), after any kill in progress. */
  killNext(apps: AppName[] = this.options.apps): Promise<void> {
    return this.enqueue(() => {
      return pick(this.random, this.candidates(apps));
    });
  }

  /**
   * One kill now of the active orchestrator, after any kill in progress: waits (up to `timeoutMs`) until a replica says
   * it is active, so that a takeover happens whatever the seed and the timing (a lone replica without roles is active).
   */
  killActiveOrchestrator(timeoutMs: number): Promise<void> {
    return this.enqueue(
      () =>
        waitFor(() => this.activeOrchestrator(), {
          description: 'an orchestrator replica to say it is active',
          timeoutMs,
          intervalMs: 500,
        }),
      true,
    );
  }

  private candidates(apps: AppName[]): Victim[] {
    return apps.flatMap((app) => this.services.replicas(app).map((_, index) => ({ app, index })));
  }

  private async loop(): Promise<void> {
    for (let position = 0; position < this.options.kills; position += 1) {
      await this.pause(gapOf(this.random, this.options));
      if (this.stopped) return;
      const planned = pick(this.random, this.candidates(this.options.apps));
      // A kill that failed (its replica never came back) is logged by enqueue and reported by the spec's checks. A planned
      // kill still queued behind another when stop() comes is dropped: stop() waits for the kill in progress only.
      await this.enqueue(async () => {
        if (this.stopped) return undefined;
        return position === 0 ? ((await this.activeOrchestrator()) ?? planned) : planned;
      }).catch(() => undefined);
    }
  }

  private enqueue(
    choose: () => Victim | undefined | Promise<Victim | undefined>,
    knownActive?: boolean,
  ): Promise<void> {
    const next = this.chain.then(async () => {
      const victim = await choose();
      if (victim) await this.kill(victim, knownActive);
    });
    this.chain = next.catch((error: Error) => {
      this.failures.push(error.message);
      this.options.log(`CHAOS kill failed: ${error.message}`);
    });
    return next;
  }

  private async activeOrchestrator(): Promise<Victim | undefined> {
    const replicas = this.services.replicas('orchestrator');
    for (const [index, replica] of replicas.entries())
      if (await this.options.isActive(replica).catch(() => false)) return { app: 'orchestrator', index };
    return undefined;
  }

  /** `knownActive`: the victim was just found active, so a second look (which may race a lease renewal) is not needed. */
  private async kill(victim: Victim, knownActive?: boolean): Promise<void> {
    const replica = this.services.replicas(victim.app)[victim.index];
    const activeOrchestrator =
      victim.app === 'orchestrator' && (knownActive ?? (await this.options.isActive(replica).catch(() => false)));
    const pid = replica.pid;
    const started = Date.now();
    this.options.log(
      `CHAOS kill -9 ${replica.name} (pid ${pid})${activeOrchestrator ? ', the active orchestrator' : ''}`,
    );
    // Kubernetes restarts a crashed pod until it stays up; so does the chaos (a replica may start while the broker is down).
    await this.services.restart(victim.app, victim.index, RESTART_ATTEMPTS);
    const back_s = Math.round((Date.now() - started) / 100) / 10;
    this.kills.push({ ...victim, at: new Date(started).toISOString(), pid, activeOrchestrator, back_s });
    this.options.log(`CHAOS ${replica.name} healthy again after ${back_s} s (pid ${replica.pid})`);
  }

  /** A pause between kills that stop() cuts short (fault pacing, not a test waiting on time). */
  private pause(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
