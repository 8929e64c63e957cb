// Keeps the load forecast the saga chooses update windows from (ADR 0027): samples the load source every minute and
// forecasts the next day every quarter hour, so that the saga's decision reads it synchronously.
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Clock } from '@dco/contracts';
import { CLOCK } from '@dco/platform';
import { DEFAULT_FORECAST_OPTIONS, LoadForecast, WEEK_HOURS, forecastLoad } from '@dco/saga';
import { ORCHESTRATOR_CONFIG, OrchestratorConfig } from '../orchestrator.config';
import { LOAD_SOURCE, LoadSource } from './load-series.factory';

const HOUR_MS = 3_600_000;
const SAMPLE_EVERY_MS = 60_000;
const FORECAST_EVERY_MS = 15 * 60_000;
/** Ten weeks: the first starts the weekly season, the others refine it. */
const HISTORY_MS = 10 * WEEK_HOURS * HOUR_MS;
const HORIZON_HOURS = 36;

@Injectable()
export class LoadForecastService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('UpdateWindow');
  private forecast?: LoadForecast;
  private timers: NodeJS.Timeout[] = [];

  constructor(
    /** None with the tick policy: nobody reads a forecast, so nothing is sampled or read. */
    @Inject(LOAD_SOURCE) private readonly source: LoadSource | null,
    @Inject(ORCHESTRATOR_CONFIG) private readonly config: OrchestratorConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The latest forecast; undefined while there is too little load history (then the saga applies at once). */
  current(): LoadForecast | undefined {
    return this.forecast;
  }

  onApplicationBootstrap(): void {
    const source = this.source;
    if (!source) return;
    if (source.sample) {
      const sample = source.sample;
      this.every(SAMPLE_EVERY_MS, () => sample());
    }
    void this.refresh();
    this.every(FORECAST_EVERY_MS, () => this.refresh());
  }

  beforeApplicationShutdown(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    this.source?.close();
  }

  /** Reads the history and forecasts from now; a failed read keeps the previous forecast and is logged. */
  async refresh(): Promise<void> {
    const source = this.source;
    if (!source) return;
    const now = this.clock.now();
    const history = await source.series.read(new Date(now.getTime() - HISTORY_MS), now, HOUR_MS);
    const holidays = this.config.DCO_LOAD_HOLIDAYS?.split(',') ?? [];
    this.forecast = forecastLoad(history, now.getTime(), HORIZON_HOURS, { ...DEFAULT_FORECAST_OPTIONS, holidays });
  }

  private every(ms: number, task: () => Promise<void>): void {
    const timer = setInterval(() => {
      task().catch((error: unknown) =>
        this.logger.warn({
          msg: 'load forecast step failed',
          error: error instanceof Error ? error.message : String(error),
        }),
      );
    }, ms);
    timer.unref();
    this.timers.push(timer);
  }
}
