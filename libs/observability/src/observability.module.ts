// Nest module every app imports: the process's metrics registry (injectable as DcoMetrics) and GET /metrics.
import { DynamicModule, Global, Module } from '@nestjs/common';
import { DcoMetrics } from './metrics/dco-metrics';
import { MetricsController } from './metrics/metrics.controller';
import { PrometheusBusObserver } from './metrics/prometheus-bus.observer';

export interface ObservabilityModuleOptions {
  /** The app name, used as the `service` label. */
  service: string;
  /** Process metrics (default true). */
  defaultMetrics?: boolean;
  /** An existing registry holder, e.g. the one the embedded app shares between its modules. */
  metrics?: DcoMetrics;
}

@Global()
@Module({})
export class ObservabilityModule {
  static forRoot(options: ObservabilityModuleOptions): DynamicModule {
    const metrics = options.metrics ?? new DcoMetrics({ service: options.service, defaultMetrics: options.defaultMetrics ?? true });
    return {
      module: ObservabilityModule,
      controllers: [MetricsController],
      providers: [
        { provide: DcoMetrics, useValue: metrics },
        { provide: PrometheusBusObserver, useFactory: (m: DcoMetrics) => new PrometheusBusObserver(m), inject: [DcoMetrics] },
      ],
      exports: [DcoMetrics, PrometheusBusObserver],
    };
  }
}
