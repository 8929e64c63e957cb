// Which load source the orchestrator forecasts from, and the refusal of a CloudWatch source without its metric.
import { DcoMetrics, MetricsLoadSeries } from '@dco/observability';
import { ConfigError, loadConfig } from '@dco/platform';
import { OrchestratorConfig } from '../orchestrator.config';
import { loadSourceFor } from './load-series.factory';

const now = () => new Date();

describe('loadSourceFor', () => {
  it('Given DCO_LOAD_SOURCE=cloudwatch without DCO_LOAD_CLOUDWATCH_METRIC, When composed, Then CONFIG.INVALID names it', () => {
    const config = loadConfig(OrchestratorConfig, { DCO_UPDATE_WINDOW: 'forecast', DCO_LOAD_SOURCE: 'cloudwatch' });
    expect(() => loadSourceFor(config, undefined, now)).toThrow(ConfigError);
    expect(() => loadSourceFor(config, undefined, now)).toThrow('DCO_LOAD_CLOUDWATCH_METRIC');
  });

  it('Given the metrics source, When composed, Then it samples this process registry', async () => {
    const source = loadSourceFor(loadConfig(OrchestratorConfig, {}), new DcoMetrics({ service: 'orchestrator' }), now);
    expect(source.series).toBeInstanceOf(MetricsLoadSeries);
    await expect(source.sample?.()).resolves.toBeUndefined();
  });

  it('Given a CloudWatch metric, When composed, Then the series reads it (and closes its client)', () => {
    const config = loadConfig(OrchestratorConfig, {
      DCO_LOAD_SOURCE: 'cloudwatch',
      DCO_LOAD_CLOUDWATCH_METRIC: 'AWS/ECS:CPUUtilization:ClusterName=dco,ServiceName=orchestrator',
    });
    const source = loadSourceFor(config, undefined, now);
    expect(source.series.constructor.name).toBe('CloudWatchLoadSeries');
    source.close();
  });
});
