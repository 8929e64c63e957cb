// Nest module every app imports: the process's metrics registry (injectable as DcoMetrics), GET /metrics, and the HTTP request metrics.
import {
  DynamicModule,
  Global,
  Inject,
  Injectable,
  MiddlewareConsumer,
  Module,
  NestModule,
  OnApplicationShutdown,
} from '@nestjs/common';
import { DcoMetrics } from './metrics/dco-metrics';
import { HttpMetricsMiddleware } from './metrics/http-metrics.middleware';
import { MetricsController } from './metrics/metrics.controller';
import { PrometheusBusObserver } from './metrics/prometheus-bus.observer';

export interface ObservabilityModuleOptions {
  /** The app name, used as the `service` label. */
  service: string;
  /** Process metrics (default true). */
  defaultMetrics?: boolean;
  /** An existing registry holder, e.g. the one the embedded app shares between its modules. */
  metrics?: DcoMetrics;
  /** Runs when the app shuts down, after the workers stopped (flushes spans, logs). */
  onShutdown?: () => Promise<void>;
}

const SHUTDOWN = Symbol('ObservabilityShutdown');

@Injectable()
class ObservabilityLifecycle implements OnApplicationShutdown {
  constructor(@Inject(SHUTDOWN) private readonly shutdown: () => Promise<void>) {}

  async onApplicationShutdown(): Promise<void> {
    await this.shutdown();
  }
}

@Global()
@Module({})
export class ObservabilityModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('{*path}');
  }

  static forRoot(options: ObservabilityModuleOptions): DynamicModule {
    const metrics =
      options.metrics ?? new DcoMetrics({ service: options.service, defaultMetrics: options.defaultMetrics ?? true });
    return {
      module: ObservabilityModule,
      controllers: [MetricsController],
      providers: [
        { provide: DcoMetrics, useValue: metrics },
        {
          provide: PrometheusBusObserver,
          useFactory: (m: DcoMetrics) => new PrometheusBusObserver(m),
          inject: [DcoMetrics],
        },
        { provide: SHUTDOWN, useValue: options.onShutdown ?? (async () => undefined) },
        ObservabilityLifecycle,
      ],
      exports: [DcoMetrics, PrometheusBusObserver],
    };
  }
}
