// Runs `dco drill` when DR_DRILL_CRON fires (off the DCO window, checked at boot) and shows the last drill on /health.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Clock } from '@dco/contracts';
import { CLOCK, HealthRegistry } from '@dco/platform';
import { SCHEDULER_CONFIG, SchedulerConfig } from '../scheduler.config';
import { DrillSchedule } from './drill-schedule';

export const DRILL_SCHEDULE = Symbol('DrillSchedule');

@Injectable()
export class DrillScheduleService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('DrDrill');
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;
  next?: Date;

  constructor(
    @Inject(DRILL_SCHEDULE) private readonly schedule: DrillSchedule,
    @Inject(SCHEDULER_CONFIG) private readonly config: SchedulerConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly health: HealthRegistry,
  ) {}

  onApplicationBootstrap(): void {
    this.health.register({
      name: 'dr-drill',
      check: () => ({ ok: true, detail: { next: this.next?.toISOString(), last: this.lastFigures() } }),
    });
    this.arm();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** The metrics and verdict of the last drill's figures file, if any. */
  lastFigures(): { at: string; metrics: Record<string, number>; met: boolean } | undefined {
    if (!existsSync(this.config.DR_DRILL_OUT)) return undefined;
    try {
      const report = JSON.parse(readFileSync(this.config.DR_DRILL_OUT, 'utf8')) as {
        at: string;
        metrics: Record<string, number>;
        target: { met: boolean };
      };
      return { at: report.at, metrics: report.metrics, met: report.target.met };
    } catch {
      return undefined; // a file being written; the next check reads it whole
    }
  }

  private arm(): void {
    const now = this.clock.now();
    this.next = this.schedule.nextAfter(now);
    // setTimeout holds at most ~24.8 days; a later firing is re-armed on the way.
    const delay = Math.min(this.next.getTime() - now.getTime(), 2 ** 31 - 1);
    this.timer = setTimeout(() => void this.fire(), delay);
  }

  private async fire(): Promise<void> {
    if (this.next && this.clock.now() < this.next) return this.arm();
    this.running = this.drill();
    const status = await this.running;
    this.running = undefined;
    // The CLI printed the figures and raised the alert of a missed objective; 4 is DR.RUN_ACTIVE (a run was going on).
    if (status === 0) this.logger.log('scheduled DR drill met its objectives');
    else if (status === 4) this.logger.warn('scheduled DR drill refused: a run is active (DR.RUN_ACTIVE)');
    else
      this.logger.error(
        `scheduled DR drill failed with exit status ${status}; see its alert and ${this.config.DR_DRILL_OUT}`,
      );
    this.arm();
  }

  private drill(): Promise<number> {
    const kinds = this.config.DR_DRILL_KINDS.split(',');
    this.logger.log(`scheduled DR drill: ${kinds.join(', ')}`);
    const child = spawn(this.config.DR_DRILL_COMMAND, ['drill', ...kinds, '--out', this.config.DR_DRILL_OUT], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    return new Promise((resolve) => {
      child.on('error', (error) => {
        this.logger.error(`could not start ${this.config.DR_DRILL_COMMAND}: ${error.message}`);
        resolve(127);
      });
      child.on('exit', (code) => resolve(code ?? 1));
    });
  }
}
