// Runs the healer's check every DCO_HEAL_INTERVAL_MS in the active orchestrator (a standby's view of the runs is not
// authoritative, and two healers would act twice), one check at a time.
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Leadership } from '../leadership/leadership';
import { HEALER, HealerHandle } from './heal.tokens';

@Injectable()
export class HealerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Healer');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    @Inject(HEALER) private readonly handle: HealerHandle | null,
    private readonly leadership: Leadership,
  ) {}

  onApplicationBootstrap(): void {
    const handle = this.handle;
    if (!handle) return;
    this.timer = setInterval(() => {
      if (this.running || this.leadership.role !== 'active') return;
      this.running = handle.healer
        .check()
        .then(() => undefined)
        .catch((error: unknown) =>
          this.logger.warn({ msg: 'heal check failed', error: error instanceof Error ? error.message : String(error) }),
        )
        .finally(() => (this.running = undefined));
    }, handle.intervalMs);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
    await this.handle?.close();
  }
}
