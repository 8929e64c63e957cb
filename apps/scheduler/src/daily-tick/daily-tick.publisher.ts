// Publishes DailyTick{day} at every scheduled time and, on start, the missed tick under the catch-up policy.
// Several replicas may publish the same day's tick: the saga starts one run per day and ignores the others.
import { Clock, IdGenerator, TickTrigger, createMessage, runIdOf } from '@dco/contracts';
import { MessageBus } from '@dco/messaging';
import { CatchUpPolicy } from '../scheduler.config';
import { DailySchedule } from './daily-schedule';

export interface PublishedTick {
  day: string;
  trigger: TickTrigger;
  scheduledAt: string;
}

/** Timers are re-armed at least this often, so that a suspended host or a changed clock is noticed. */
const MAX_WAIT_MS = 60_000;

export class DailyTickPublisher {
  private timer?: NodeJS.Timeout;
  private nextAt?: Date;
  private stopped = true;
  private running?: Promise<unknown>;
  readonly published: PublishedTick[] = [];

  constructor(
    private readonly schedule: DailySchedule,
    private readonly catchUp: CatchUpPolicy,
    private readonly bus: MessageBus,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly log: (level: 'log' | 'warn' | 'error', text: string) => void = () => undefined,
    private readonly retryDelayMs = 1_000,
  ) {}

  /** Publishes the catch-up tick if the policy asks for it, then arms the timer for the next scheduled time. */
  async start(): Promise<void> {
    this.stopped = false;
    const now = this.clock.now();
    if (this.catchUp === 'last') {
      const last = this.schedule.lastAtOrBefore(now);
      await this.publishWithRetry(last, 'catch-up');
    }
    this.nextAt = this.schedule.nextAfter(now);
    this.log(
      'log',
      `next DailyTick at ${this.nextAt.toISOString()} (${this.schedule.cron} in ${this.schedule.timeZone})`,
    );
    this.arm();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Publishes every tick that is due by now; returns how many. The timer calls it, tests call it with their clock. */
  async poll(): Promise<number> {
    let count = 0;
    while (this.nextAt && !this.stopped && this.clock.now().getTime() >= this.nextAt.getTime()) {
      const due = this.nextAt;
      await this.publishWithRetry(due, 'schedule');
      this.nextAt = this.schedule.nextAfter(due);
      count += 1;
    }
    return count;
  }

  get next(): Date | undefined {
    return this.nextAt;
  }

  private arm(): void {
    if (this.stopped || !this.nextAt) return;
    const wait = Math.min(Math.max(this.nextAt.getTime() - this.clock.now().getTime(), 0), MAX_WAIT_MS);
    this.timer = setTimeout(() => {
      this.running = this.poll()
        .catch((error: unknown) => this.log('error', `tick failed: ${(error as Error).message}`))
        .finally(() => this.arm());
    }, wait);
    this.timer.unref?.();
  }

  /** A tick must not be lost to a broker outage: retry until it is acknowledged or the scheduler stops. */
  private async publishWithRetry(scheduledAt: Date, trigger: TickTrigger): Promise<void> {
    const day = this.schedule.dayOf(scheduledAt);
    const message = createMessage(
      'DailyTick',
      { day, trigger, scheduledAt: scheduledAt.toISOString() },
      { runId: runIdOf(day), producer: 'scheduler' },
      { clock: this.clock, ids: this.ids },
    );
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.bus.publish(message);
        this.published.push({ day, trigger, scheduledAt: scheduledAt.toISOString() });
        this.log('log', `published DailyTick ${day} (${trigger}, scheduled ${scheduledAt.toISOString()})`);
        return;
      } catch (error) {
        if (this.stopped) throw error;
        this.log('warn', `DailyTick ${day} not published (attempt ${attempt}): ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, Math.min(this.retryDelayMs * attempt, 30_000)));
      }
    }
  }
}
