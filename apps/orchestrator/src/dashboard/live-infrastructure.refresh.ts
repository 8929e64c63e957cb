// Keeps the infrastructure panel live: a read on start, on a bounded interval and when a page loads, one read at a time.
import { LiveInfrastructureRead } from './live-infrastructure';

export interface LiveInfrastructureRefreshOptions {
  /** Between two scheduled reads. */
  intervalMs: number;
  /** A page load starts a read only when the last one started longer ago than this (many tabs, one read). */
  minGapMs: number;
  now?: () => number;
  /** A read whose result could not be applied (the service logs it); the next read tries again. */
  onError?: (error: unknown) => void;
}

export class LiveInfrastructureRefresh {
  private inFlight?: Promise<void>;
  private lastStartedAt = Number.NEGATIVE_INFINITY;
  private timer?: NodeJS.Timeout;
  private readonly now: () => number;

  constructor(
    private readonly reader: { read(): Promise<LiveInfrastructureRead> },
    private readonly apply: (read: LiveInfrastructureRead) => void,
    private readonly options: LiveInfrastructureRefreshOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  start(): void {
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }

  /** A page loaded: never waited for (the page gets the current view at once, the read's result as an event). */
  requested(): void {
    if (this.inFlight || this.now() - this.lastStartedAt < this.options.minGapMs) return;
    void this.refresh();
  }

  /** Reads once; a read already running is joined, not doubled. */
  refresh(): Promise<void> {
    this.inFlight ??= (async () => {
      this.lastStartedAt = this.now();
      try {
        this.apply(await this.reader.read());
      } catch (error) {
        this.options.onError?.(error);
      } finally {
        this.inFlight = undefined;
      }
    })();
    return this.inFlight;
  }
}
