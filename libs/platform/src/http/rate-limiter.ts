// A fixed-window request counter per key (an actor or a client address): enough to keep one caller from flooding an
// endpoint; it is per process, so N replicas allow N times the limit.
export class RateLimiter {
  private readonly windows = new Map<string, { startedAt: number; count: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one request of `key`; undefined when it may go on, else the seconds until the window ends. */
  take(key: string): number | undefined {
    const now = this.now();
    let window = this.windows.get(key);
    if (!window || now - window.startedAt >= 60_000) {
      if (this.windows.size > 10_000) this.forgetEnded(now);
      window = { startedAt: now, count: 0 };
      this.windows.set(key, window);
    }
    window.count += 1;
    if (window.count <= this.perMinute) return undefined;
    return Math.max(1, Math.ceil((window.startedAt + 60_000 - now) / 1000));
  }

  private forgetEnded(now: number): void {
    for (const [key, window] of this.windows) if (now - window.startedAt >= 60_000) this.windows.delete(key);
  }
}
