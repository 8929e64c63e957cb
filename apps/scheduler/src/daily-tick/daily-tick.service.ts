// Runs the DailyTickPublisher inside the scheduler service and reports the next tick on /health.
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Clock, IdGenerator } from '@dco/contracts';
import { MessageBus } from '@dco/messaging';
import { CLOCK, HealthRegistry, ID_GENERATOR, MESSAGE_BUS } from '@dco/platform';
import { SCHEDULER_CONFIG, SchedulerConfig } from '../scheduler.config';
import { DailySchedule } from './daily-schedule';
import { DailyTickPublisher } from './daily-tick.publisher';

export const DAILY_SCHEDULE = Symbol('DailySchedule');

@Injectable()
export class DailyTickService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Scheduler');
  readonly publisher: DailyTickPublisher;

  constructor(
    @Inject(DAILY_SCHEDULE) schedule: DailySchedule,
    @Inject(SCHEDULER_CONFIG) config: SchedulerConfig,
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(CLOCK) clock: Clock,
    @Inject(ID_GENERATOR) ids: IdGenerator,
    private readonly health: HealthRegistry,
  ) {
    this.publisher = new DailyTickPublisher(schedule, config.SCHEDULE_CATCH_UP, bus, clock, ids, (level, text) =>
      this.logger[level](text),
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    this.health.register({
      name: 'scheduler',
      check: () => ({
        ok: this.publisher.next !== undefined,
        detail: { next: this.publisher.next?.toISOString(), published: this.publisher.published.length },
      }),
    });
    await this.bus.ensureTopics(['DailyTick']);
    await this.publisher.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.publisher.stop();
  }
}
