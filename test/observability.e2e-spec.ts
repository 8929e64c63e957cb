// Observability across processes on the local stack: one Jaeger trace per run with spans of all six services and no orphans,
// /metrics of each app matching the run, and an induced failure delivering its EventBridge alert to the rule's SQS queue once.
import { DeleteQueueCommand, GetQueueUrlCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { localEmulatorOptions } from '@dco/aws';
import { runTraceIds } from '@dco/observability';
import { dailyUtcCron } from '../apps/scheduler/src';
import { AppProcess, waitFor } from '@dco/testing';
import {
  E2E_AUTHORIZATION,
  E2E_TOKENS,
  SagaE2eEnvironment,
  finished,
  startWorkers,
  waitForRun,
} from './support/saga-e2e.harness';

jest.setTimeout(600_000);

const JAEGER_QUERY = process.env.JAEGER_QUERY_URL ?? 'http://127.0.0.1:16686';
const OTLP = process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? 'http://127.0.0.1:4318/v1/traces';
const SERVICES = ['scheduler', 'orchestrator', 'detector', 'infra-deployer', 'db-migrator', 'dco-runner'];

interface JaegerSpan {
  spanID: string;
  operationName: string;
  processID: string;
  references: Array<{ refType: string; spanID: string }>;
}
interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string }>;
}

/** One sample of a Prometheus text exposition, by metric name and label subset. */
async function metric(app: AppProcess, name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  const response = await fetch(`${app.url}/metrics`, { headers: E2E_AUTHORIZATION });
  if (response.status !== 200) return undefined;
  const text = await response.text();
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? ([-+\d.eE]+|NaN|[+-]Inf)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((pair) => [pair[1], pair[2]]),
    );
    if (Object.entries(labels).every(([key, value]) => present[key] === value)) return Number(match[3]);
  }
  return undefined;
}

const serviceOf = (trace: JaegerTrace, span: JaegerSpan) => trace.processes[span.processID]?.serviceName;
const parentOf = (span: JaegerSpan) => span.references.find((reference) => reference.refType === 'CHILD_OF')?.spanID;

describe('observability (each app its own process, real Kafka, Jaeger and the AWS emulator)', () => {
  let env: SagaE2eEnvironment;

  beforeEach(async () => {
    env = await new SagaE2eEnvironment().open();
  });
  afterEach(async () => {
    await env.close();
  });

  it('traces a daily run as one Jaeger trace across all six services, and each /metrics matches the run', async () => {
    const traced = { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: OTLP };
    // The scheduler's daily time is the minute the test starts in: its catch-up tick is that minute's day even if the
    // services start after midnight, and it ticks no other day during the test (a cron of every minute would start
    // tomorrow's run as well when the test runs across midnight UTC).
    const startedAt = new Date();
    const today = startedAt.toISOString().slice(0, 10);
    const runId = `dco-${today}`;
    // The deadline zone is far west so that today's deadline is still ahead and no update stage is deferred.
    const orchestrator = await env.start('orchestrator', {
      ...traced,
      DCO_TIME_ZONE: 'Etc/GMT+12',
      DCO_DEADLINE: '23:59',
    });
    const workers = await startWorkers(env, {}, traced);
    // The scheduler ticks today's run itself (catch-up of the daily time just passed), so its span starts the trace.
    const scheduler = await env.start('scheduler', {
      ...traced,
      SCHEDULE_CRON: dailyUtcCron(startedAt),
      SCHEDULE_TIME_ZONE: 'UTC',
      SCHEDULE_CATCH_UP: 'last',
    });

    const run = await waitForRun(orchestrator, runId, finished);
    expect(run.status).toBe('Completed');

    // /metrics of every app answers a viewer and no one without a credential; /health answers everyone.
    for (const app of [orchestrator, scheduler, ...Object.values(workers)]) {
      const anonymous = await fetch(`${app.url}/metrics`);
      expect([app.name, anonymous.status, ((await anonymous.json()) as { code?: string }).code]).toEqual([
        app.name,
        401,
        'API.UNAUTHORIZED',
      ]);
      const viewer = await fetch(`${app.url}/metrics`, {
        headers: { authorization: `Bearer ${E2E_TOKENS['e2e-viewer']}` },
      });
      expect([app.name, viewer.status]).toEqual([app.name, 200]);
      expect((await fetch(`${app.url}/health`)).status).toBe(200);
    }

    const { traceId, rootSpanId } = runTraceIds(runId, env.namespace);
    const trace = await waitFor(
      async () => {
        const response = await fetch(`${JAEGER_QUERY}/api/traces/${traceId}`);
        if (!response.ok) return undefined;
        const found = ((await response.json()) as { data?: JaegerTrace[] }).data?.[0];
        if (!found || !found.spans.some((span) => span.spanID === rootSpanId)) return undefined;
        const services = new Set(Object.values(found.processes).map((process) => process.serviceName));
        return SERVICES.every((service) => services.has(service)) ? found : undefined;
      },
      {
        description: `trace ${traceId} with the run root and all six services in Jaeger`,
        timeoutMs: 60_000,
        intervalMs: 500,
      },
    );
    const byId = new Map(trace.spans.map((span) => [span.spanID, span]));
    const root = byId.get(rootSpanId) as JaegerSpan;
    expect(root.operationName).toBe(`run ${runId}`);
    expect(serviceOf(trace, root)).toBe('orchestrator');
    const orphans = trace.spans.filter((span) => span.spanID !== rootSpanId && !byId.has(parentOf(span) ?? ''));
    expect(orphans.map((span) => `${serviceOf(trace, span)}:${span.operationName}`)).toEqual([]);

    // Parent-child links across the Kafka hops: each worker's handling is a child of the orchestrator's publish.
    for (const [command, worker] of [
      ['DetectChanges', 'detector'],
      ['ApplyInfra', 'infra-deployer'],
      ['MigrateDb', 'db-migrator'],
      ['RunDco', 'dco-runner'],
    ]) {
      const processed = trace.spans.find(
        (span) => span.operationName === `${command} process` && serviceOf(trace, span) === worker,
      );
      expect(processed).toBeDefined();
      const parent = byId.get(parentOf(processed as JaegerSpan) ?? '');
      expect(parent && [parent.operationName, serviceOf(trace, parent)]).toEqual([
        `${command} publish`,
        'orchestrator',
      ]);
    }
    const tick = trace.spans.find((span) => span.operationName === 'DailyTick publish');
    expect(tick && [serviceOf(trace, tick), parentOf(tick)]).toEqual(['scheduler', rootSpanId]);

    // Metrics of each process, against what the run did (the orchestrator's own consumer may trail the API by a moment).
    await waitFor(() => metric(orchestrator, 'dco_runs_total', { outcome: 'completed' }), {
      description: 'the orchestrator to count the run',
      timeoutMs: 20_000,
    }).catch(async (error: Error) => {
      const text = await (await fetch(`${orchestrator.url}/metrics`, { headers: E2E_AUTHORIZATION })).text();
      throw new Error(
        `${error.message}\n${text
          .split('\n')
          .filter((line) => line.startsWith('dco_'))
          .join('\n')}`,
      );
    });
    expect(await metric(orchestrator, 'dco_runs_total', { outcome: 'completed', service: 'orchestrator' })).toBe(1);
    for (const stage of ['detect', 'apply-infra', 'migrate-db', 'run-dco']) {
      expect(await metric(orchestrator, 'dco_stage_duration_seconds_count', { stage, outcome: 'ok' })).toBe(1);
    }
    const completed = await env.waitForMessage(runId, 'DcoCompleted');
    if (completed.type !== 'DcoCompleted') throw new Error('unexpected message');
    expect(await metric(orchestrator, 'dco_offering_allocations')).toBe(completed.data.allocationCount);
    expect(await metric(orchestrator, 'dco_offering_allocated_base_units')).toBe(Number(completed.data.allocated));
    expect(await metric(orchestrator, 'dco_migration_progress_ratio', { phase: 'switch' })).toBe(1);
    const handled = (app: AppProcess, type: string) =>
      metric(app, 'dco_messages_handled_total', { type, outcome: 'handled', service: app.name });
    expect(await handled(workers.detector, 'DetectChanges')).toBe(1);
    expect(await handled(workers['infra-deployer'], 'ApplyInfra')).toBe(1);
    expect(await handled(workers['db-migrator'], 'MigrateDb')).toBe(1);
    expect(await handled(workers['dco-runner'], 'RunDco')).toBe(1);
    expect(
      await metric(scheduler, 'dco_messages_published_total', { type: 'DailyTick', service: 'scheduler' }),
    ).toBeGreaterThanOrEqual(1);
    expect(await metric(workers.detector, 'process_cpu_seconds_total', { service: 'detector' })).toBeGreaterThan(0);
  });

  it("delivers the alert of an induced failure to the EventBridge rule's SQS queue exactly once per cause", async () => {
    const sqs = new SQSClient(localEmulatorOptions());
    const queueName = `dco-alerts-${env.id}`;
    const aws = {
      DCO_AWS_ENDPOINT: 'http://127.0.0.1:5055',
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      DCO_AWS_REGION: 'us-east-1',
    };
    try {
      const orchestrator = await env.start('orchestrator', {
        ...aws,
        DCO_ALERT_EVENT_BUS: `dco-alerts-${env.id}`,
        DCO_ALERT_QUEUE: queueName,
      });
      await startWorkers(env, { 'infra-deployer': { DCO_SIMULATE_APPLY_INFRA: 'fail:INFRA.APPLY_FAILED' } });
      const day = `2041-0${1 + (Number.parseInt(env.id.slice(0, 2), 16) % 9)}-1${Number.parseInt(env.id.slice(2, 3), 16) % 9}`;
      const runId = `dco-${day}`;
      await env.tick(day);
      const run = await waitForRun(orchestrator, runId, finished);
      expect(run.status).toBe('CompletedAfterRollback');

      const raised = env
        .distinct(runId, 'AlertRaised')
        .map((message) => (message.type === 'AlertRaised' ? message.data.dedupeKey : ''));
      expect(raised.length).toBeGreaterThan(0);
      const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: queueName }));
      const received: Array<{ source: string; 'detail-type': string; detail: { dedupeKey: string; runId: string } }> =
        [];
      await waitFor(
        async () => {
          const batch = await sqs.send(
            new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
          );
          for (const message of batch.Messages ?? []) received.push(JSON.parse(message.Body ?? '{}'));
          return received.length >= new Set(raised).size;
        },
        {
          description: `the ${raised.length} alert(s) of ${runId} in ${queueName}`,
          timeoutMs: 30_000,
          intervalMs: 100,
        },
      );
      // Drain a little longer: a duplicate would arrive now.
      for (let round = 0; round < 2; round += 1) {
        const batch = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
        );
        for (const message of batch.Messages ?? []) received.push(JSON.parse(message.Body ?? '{}'));
      }
      expect(received.every((event) => event.source === 'dco.autopilot' && event.detail.runId === runId)).toBe(true);
      expect(received.map((event) => event.detail.dedupeKey).sort()).toEqual([...new Set(raised)].sort());
      expect(received.map((event) => event['detail-type'])).toContain('STEP_FAILED');
      expect(await metric(orchestrator, 'dco_alerts_total', { cause: 'STEP_FAILED', delivery: 'published' })).toBe(1);
      expect(await metric(orchestrator, 'dco_rollbacks_total', { step: 'rollback-infra' })).toBe(1);
      expect(await metric(orchestrator, 'dco_runs_total', { outcome: 'completed_after_rollback' })).toBe(1);
    } finally {
      const url = await sqs.send(new GetQueueUrlCommand({ QueueName: queueName })).catch(() => undefined);
      if (url?.QueueUrl) await sqs.send(new DeleteQueueCommand({ QueueUrl: url.QueueUrl })).catch(() => undefined);
      sqs.destroy();
    }
  });
});
