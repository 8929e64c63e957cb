// Runs the LoadSeries contract against CloudWatch through the real SDK on the local AWS emulator: PutMetricData, then
// the adapter's GetMetricData.
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { localEmulatorOptions } from '@dco/aws';
import { CloudWatchLoadSeries } from './cloudwatch-load-series.adapter';
import { loadSeriesContract } from './load-series.contract';

const client = new CloudWatchClient(localEmulatorOptions());
afterAll(() => client.destroy());

loadSeriesContract('CloudWatch adapter on the emulator', async () => {
  const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  // A metric name of its own too: the emulator matches GetMetricData queries by name and dimensions, not namespace.
  const metric = {
    namespace: `DCO/LoadSpec/${run}`,
    metricName: `RequestRate-${run}`,
    dimensions: { Service: 'orchestrator' },
  };
  return {
    series: new CloudWatchLoadSeries(client, metric),
    record: async (points) => {
      await client.send(
        new PutMetricDataCommand({
          Namespace: metric.namespace,
          MetricData: points.map((point) => ({
            MetricName: metric.metricName,
            Dimensions: [{ Name: 'Service', Value: 'orchestrator' }],
            Timestamp: new Date(point.at),
            Value: point.value,
          })),
        }),
      );
    },
  };
});
