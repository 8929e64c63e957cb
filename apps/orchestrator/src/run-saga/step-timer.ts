// The step timer: publishes StepTimedOut for every overdue step, so that timeouts travel through the bus like any outcome.
import { Clock, IdGenerator } from '@dco/contracts';
import { MessageBus } from '@dco/messaging';
import { timeoutFor } from '@dco/saga';
import { RunRegistry } from './run-registry';

export class StepTimer {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  /** When a timeout was last published per run step attempt; republished only if the run is still stuck later. */
  private readonly published = new Map<string, number>();

  constructor(
    private readonly registry: RunRegistry,
    private readonly bus: MessageBus,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly intervalMs: number,
    private readonly log: (line: Record<string, unknown>) => void = () => undefined,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.tick().finally(() => (this.running = undefined));
    }, this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass over all runs; returns how many timeouts it published. */
  async tick(): Promise<number> {
    const now = this.clock.now();
    let count = 0;
    const waiting = new Set<string>();
    for (const state of this.registry.all()) {
      if (state.pending) waiting.add(`${state.runId}:${state.pending.step}:${state.pending.attempt}`);
      const message = timeoutFor(state, now, this.ids);
      if (!message || !state.pending) continue;
      const key = `${state.runId}:${state.pending.step}:${state.pending.attempt}`;
      const last = this.published.get(key);
      // Republish after a while in case the first one was lost with a broker outage; the saga rejects extra ones as stale.
      if (last !== undefined && now.getTime() - last < Math.max(10 * this.intervalMs, 10_000)) continue;
      try {
        await this.bus.publish(message);
        this.published.set(key, now.getTime());
        count += 1;
        // The wait for an update window ends by design at its deadline (ADR 0027): that is not an overdue step.
        const window = state.status === 'AwaitingWindow';
        this.log({
          level: window ? 'info' : 'warn',
          msg: window
            ? `the update window of ${state.runId} opens`
            : `step ${state.pending.step} of ${state.runId} is overdue`,
          runId: state.runId,
          deadline: state.pending.deadline,
        });
      } catch (error) {
        this.log({
          level: 'error',
          msg: `could not publish StepTimedOut: ${(error as Error).message}`,
          runId: state.runId,
        });
      }
    }
    // Forget steps that moved on, so the map stays as small as the set of waiting steps.
    for (const key of this.published.keys()) if (!waiting.has(key)) this.published.delete(key);
    return count;
  }
}
