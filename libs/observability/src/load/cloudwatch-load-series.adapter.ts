// The aws profile's LoadSeries: one CloudWatch metric (e.g. the ECS services' CPUUtilization) read with GetMetricData.
import { CloudWatchClient, CloudWatchClientConfig, Dimension, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import type { LoadPoint } from '@dco/saga';
import { LoadSeries } from './load-series.port';

export interface CloudWatchMetricRef {
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
}

/** `Namespace:MetricName[:Name=Value,...]`, e.g. `AWS/ECS:CPUUtilization:ClusterName=dco-autopilot`. */
export const CLOUDWATCH_METRIC_PATTERN =
  /^[A-Za-z0-9/._#:-]{1,255}?:[A-Za-z0-9._-]{1,255}(:[A-Za-z0-9._-]{1,255}=[^,=:]{1,1024}(,[A-Za-z0-9._-]{1,255}=[^,=:]{1,1024})*)?$/;

/** Parses DCO_LOAD_CLOUDWATCH_METRIC; undefined when it does not have the documented form. */
export function parseCloudWatchMetric(text: string): CloudWatchMetricRef | undefined {
  const match = /^(.+?):([A-Za-z0-9._-]+)(?::(.+))?$/.exec(text);
  if (!match || !CLOUDWATCH_METRIC_PATTERN.test(text)) return undefined;
  const dimensions: Record<string, string> = {};
  for (const pair of match[3]?.split(',') ?? []) {
    const [name, value] = pair.split('=');
    dimensions[name] = value;
  }
  return { namespace: match[1], metricName: match[2], dimensions };
}

export class CloudWatchLoadSeries implements LoadSeries {
  constructor(
    private readonly client: CloudWatchClient,
    private readonly metric: CloudWatchMetricRef,
  ) {}

  async read(from: Date, to: Date, periodMs: number): Promise<LoadPoint[]> {
    const dimensions: Dimension[] = Object.entries(this.metric.dimensions).map(([Name, Value]) => ({ Name, Value }));
    const points: LoadPoint[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.client.send(
        new GetMetricDataCommand({
          StartTime: from,
          EndTime: to,
          ScanBy: 'TimestampAscending',
          NextToken: nextToken,
          MetricDataQueries: [
            {
              Id: 'load',
              ReturnData: true,
              MetricStat: {
                Metric: {
                  Namespace: this.metric.namespace,
                  MetricName: this.metric.metricName,
                  Dimensions: dimensions,
                },
                // CloudWatch periods are whole seconds (multiples of 60 above a minute).
                Period: Math.max(1, Math.round(periodMs / 1000)),
                Stat: 'Average',
              },
            },
          ],
        }),
      );
      const result = page.MetricDataResults?.find((entry) => entry.Id === 'load');
      const timestamps = result?.Timestamps ?? [];
      const values = result?.Values ?? [];
      timestamps.forEach((at, i) => points.push({ at: at.getTime(), value: values[i] }));
      nextToken = page.NextToken;
    } while (nextToken);
    return points.filter((point) => point.at >= from.getTime() && point.at < to.getTime()).sort((a, b) => a.at - b.at);
  }
}

/** The adapter on a client of its own (closed with `close`), for composition roots that do not build SDK clients. */
export function cloudWatchLoadSeries(
  options: CloudWatchClientConfig,
  metric: CloudWatchMetricRef,
): { series: CloudWatchLoadSeries; close: () => void } {
  const client = new CloudWatchClient(options);
  return { series: new CloudWatchLoadSeries(client, metric), close: () => client.destroy() };
}
