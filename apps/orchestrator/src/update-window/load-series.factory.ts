// Chooses the LoadSeries the update window is forecast from: this process's metrics, or a CloudWatch metric (ADR 0027).
import { awsClientOptions } from '@dco/aws';
import {
  DcoMetrics,
  LoadSeries,
  MetricsLoadSeries,
  cloudWatchLoadSeries,
  parseCloudWatchMetric,
} from '@dco/observability';
import { ConfigError } from '@dco/platform';
import { OrchestratorConfig } from '../orchestrator.config';

/** The LoadSource of the forecast policy; null with the tick policy. */
export const LOAD_SOURCE = Symbol('LoadSource');

export interface LoadSource {
  series: LoadSeries;
  /** Takes one sample, for sources this process fills itself. */
  sample?: () => Promise<void>;
  close(): void;
}

export function loadSourceFor(
  config: OrchestratorConfig,
  metrics: DcoMetrics | undefined,
  now: () => Date,
): LoadSource {
  if (config.DCO_LOAD_SOURCE === 'cloudwatch') {
    const metric = config.DCO_LOAD_CLOUDWATCH_METRIC && parseCloudWatchMetric(config.DCO_LOAD_CLOUDWATCH_METRIC);
    if (!metric)
      throw new ConfigError([
        'DCO_LOAD_CLOUDWATCH_METRIC must be set (Namespace:MetricName[:Name=Value,...]) when DCO_LOAD_SOURCE=cloudwatch',
      ]);
    return cloudWatchLoadSeries(awsClientOptions(config), metric);
  }
  if (!metrics) throw new ConfigError(['DCO_LOAD_SOURCE=metrics needs the process metrics (the ObservabilityModule)']);
  const registry = metrics.registry;
  const series = new MetricsLoadSeries(() => registry.getMetricsAsJSON(), now);
  return { series, sample: () => series.sample(), close: () => undefined };
}

/** The source the configured policy needs: none for `tick`. */
export function loadSourceForPolicy(
  config: OrchestratorConfig,
  metrics: DcoMetrics | undefined,
  now: () => Date,
): LoadSource | null {
  return config.DCO_UPDATE_WINDOW === 'forecast' ? loadSourceFor(config, metrics, now) : null;
}
