// Metrics: a run's messages become the named series, bus callbacks become handled/DLQ/lag series, GET /metrics serves them.
import { Test } from '@nestjs/testing';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import request from 'supertest';
import { AnyMessage, MessageOf, MessageType, fixtureMessage } from '@dco/contracts';
import { DcoMetrics } from './dco-metrics';
import { PrometheusBusObserver } from './prometheus-bus.observer';
import { RunSpanSink, RunTelemetryProjector } from './run-telemetry.projector';
import { ObservabilityModule } from '../observability.module';
import { RunSpanRecord } from '../tracing/tracing.setup';

const RUN = 'dco-2026-11-26';
const at = (minute: number): string => new Date(Date.UTC(2026, 10, 26, 6, minute)).toISOString();
const message = <T extends MessageType>(type: T, minute: number, overrides: Partial<MessageOf<T>> = {}): AnyMessage =>
  fixtureMessage(type, { runId: RUN, occurredAt: at(minute), ...overrides }) as AnyMessage;

async function value(
  metrics: DcoMetrics,
  name: string,
  labels: Record<string, string> = {},
): Promise<number | undefined> {
  const metric = await metrics.registry.getSingleMetric(name)?.get();
  const sample = metric?.values.find((entry) =>
    Object.entries(labels).every(([key, expected]) => String(entry.labels[key]) === expected),
  );
  return sample?.value;
}

class RecordingSpans implements RunSpanSink {
  readonly records: RunSpanRecord[] = [];
  recordRunSpan(record: RunSpanRecord): void {
    this.records.push(record);
  }
}

describe('RunTelemetryProjector', () => {
  it('measures each stage from its command to its outcome and counts the run once', async () => {
    const metrics = new DcoMetrics({ service: 'orchestrator' });
    const spans = new RecordingSpans();
    const projector = new RunTelemetryProjector(metrics, spans);
    const completed = message('RunCompleted', 30);
    const sequence = [
      message('RunStarted', 0),
      message('DetectChanges', 0),
      message('ChangesDetected', 1),
      message('ApplyInfra', 1),
      message('InfraApplied', 6),
      message('MigrateDb', 6),
      message('DbMigrationProgress', 10),
      message('DbMigrated', 20),
      message('RunDco', 20),
      message('DcoCompleted', 29),
      completed,
      completed,
    ];
    sequence.forEach((entry) => projector.observe(entry));

    expect(await value(metrics, 'dco_stage_duration_seconds', { stage: 'apply-infra', outcome: 'ok', le: '300' })).toBe(
      1,
    );
    expect(await value(metrics, 'dco_stage_duration_seconds', { stage: 'apply-infra', outcome: 'ok', le: '120' })).toBe(
      0,
    );
    const sums = (await metrics.registry.getSingleMetric('dco_stage_duration_seconds')?.get())?.values.filter(
      (entry) => (entry as { metricName?: string }).metricName === 'dco_stage_duration_seconds_sum',
    );
    expect(Object.fromEntries((sums ?? []).map((entry) => [entry.labels.stage, entry.value]))).toEqual({
      detect: 60,
      'apply-infra': 300,
      'migrate-db': 840,
      'run-dco': 540,
      run: 1800,
    });
    expect(await value(metrics, 'dco_runs_total', { outcome: 'completed' })).toBe(1);
    expect(await value(metrics, 'dco_migration_progress_ratio', { phase: 'switch' })).toBe(1);
    expect(await value(metrics, 'dco_offering_allocated_base_units')).toBe(1_000_000);
    expect(await value(metrics, 'dco_offering_allocations')).toBe(3);
    expect(projector.activeStages()).toEqual([]);
    expect(spans.records).toEqual([
      expect.objectContaining({
        runId: RUN,
        startedAt: new Date(at(0)),
        endedAt: new Date(at(30)),
        outcome: 'completed',
        failed: false,
      }),
    ]);
  });

  it('labels failures with their code and counts rollbacks once per event', async () => {
    const metrics = new DcoMetrics({ service: 'orchestrator' });
    const projector = new RunTelemetryProjector(metrics);
    const rolledBack = message('InfraRolledBack', 9);
    [
      message('RunStarted', 0),
      message('ApplyInfra', 1),
      message('InfraApplied', 2),
      message('MigrateDb', 2),
      message('DbMigrationFailed', 5),
      message('RollbackInfra', 5),
      rolledBack,
      rolledBack,
      message('RunCompletedAfterRollback', 12),
    ].forEach((entry) => projector.observe(entry));
    expect(
      await value(metrics, 'dco_stage_duration_seconds', {
        stage: 'migrate-db',
        outcome: 'DB.VALIDATION_MISMATCH',
        le: '+Inf',
      }),
    ).toBe(1);
    expect(await value(metrics, 'dco_rollbacks_total', { step: 'rollback-infra' })).toBe(1);
    expect(await value(metrics, 'dco_runs_total', { outcome: 'completed_after_rollback' })).toBe(1);
  });

  it('keeps a finished migration at 100% when a progress event from another topic arrives after DbMigrated', async () => {
    const metrics = new DcoMetrics({ service: 'orchestrator' });
    const projector = new RunTelemetryProjector(metrics);
    projector.observe(message('MigrateDb', 1));
    projector.observe(message('DbMigrated', 4));
    projector.observe(message('DbMigrationProgress', 3, { data: { phase: 'switch', done: 4, total: 6 } }));
    expect(await value(metrics, 'dco_migration_progress_ratio', { phase: 'switch' })).toBe(1);
  });

  it('reports the stages still running, and a timeout closes one', () => {
    const projector = new RunTelemetryProjector(new DcoMetrics({ service: 'orchestrator' }));
    projector.observe(message('RunStarted', 0));
    projector.observe(message('MigrateDb', 1));
    expect(
      projector
        .activeStages()
        .map((stage) => stage.stage)
        .sort(),
    ).toEqual(['migrate-db', 'run']);
    projector.observe(message('StepTimedOut', 31));
    expect(projector.activeStages().map((stage) => stage.stage)).toEqual(['run']);
  });
});

describe('PrometheusBusObserver', () => {
  it('counts handled and dead-lettered messages and records lag', async () => {
    const metrics = new DcoMetrics({ service: 'detector' });
    const observer = new PrometheusBusObserver(metrics);
    observer.onConsumed({
      type: 'DetectChanges',
      group: 'detector',
      topic: 'DetectChanges',
      durationMs: 12,
      duplicate: false,
    });
    observer.onConsumed({
      type: 'DetectChanges',
      group: 'detector',
      topic: 'DetectChanges',
      durationMs: 30,
      duplicate: false,
    });
    observer.onConsumed({
      type: 'DetectChanges',
      group: 'detector',
      topic: 'DetectChanges',
      durationMs: 1,
      duplicate: true,
    });
    observer.onDeadLettered({
      group: 'detector',
      topic: 'ExternalChangeReported',
      code: 'MSG.BAD_SIGNATURE',
      reason: 'bad hmac',
    });
    observer.onRetry({
      group: 'detector',
      topic: 'DetectChanges',
      type: 'DetectChanges',
      attempt: 1,
      delayMs: 100,
      error: 'x',
    });
    observer.onPublished({ topic: 'ChangesDetected', type: 'ChangesDetected', bytes: 300 });
    observer.onLag({ group: 'detector', topic: 'DetectChanges', partition: 2, lag: 5 });
    expect(
      await value(metrics, 'dco_messages_handled_total', {
        type: 'DetectChanges',
        group: 'detector',
        outcome: 'handled',
      }),
    ).toBe(2);
    expect(
      await value(metrics, 'dco_messages_handled_total', {
        type: 'DetectChanges',
        group: 'detector',
        outcome: 'duplicate',
      }),
    ).toBe(1);
    expect(await value(metrics, 'dco_message_retries_total', { type: 'DetectChanges', group: 'detector' })).toBe(1);
    expect(await value(metrics, 'dco_messages_published_total', { type: 'ChangesDetected' })).toBe(1);
    expect(
      await value(metrics, 'dco_dlq_messages_total', { topic: 'ExternalChangeReported', code: 'MSG.BAD_SIGNATURE' }),
    ).toBe(1);
    expect(await value(metrics, 'dco_consumer_lag', { topic: 'DetectChanges', partition: '2' })).toBe(5);
  });
});

describe('ObservabilityModule', () => {
  it('serves GET /metrics in the Prometheus text format with the service label', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [ObservabilityModule.forRoot({ service: 'dco-runner', defaultMetrics: false })],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    try {
      app.get(DcoMetrics).runs.inc({ outcome: 'completed' });
      const response = await request(app.getHttpServer()).get('/metrics').expect(200);
      expect(response.headers['content-type']).toContain('text/plain');
      expect(response.text).toContain('dco_runs_total{outcome="completed",service="dco-runner"} 1');
      expect(response.text).toContain('# TYPE dco_stage_duration_seconds histogram');
    } finally {
      await app.close();
    }
  });

  it('counts and times the HTTP requests the service answers, by status code, but not the scrapes of /metrics', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [ObservabilityModule.forRoot({ service: 'orchestrator', defaultMetrics: false })],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    try {
      const metrics = app.get(DcoMetrics);
      await request(app.getHttpServer()).get('/metrics').expect(200);
      await request(app.getHttpServer()).get('/nowhere').expect(404);
      await request(app.getHttpServer()).get('/nowhere').expect(404);
      expect(await value(metrics, 'http_requests_total', { method: 'GET', code: '404' })).toBe(2);
      expect(await value(metrics, 'http_requests_total', { code: '200' })).toBeUndefined();
      expect(await value(metrics, 'http_request_duration_seconds', { method: 'GET', le: '+Inf' })).toBe(2);
    } finally {
      await app.close();
    }
  });

  it("serves an exposition that a port of Prometheus's own text-format parser reads, every family typed", async () => {
    const metrics = new DcoMetrics({ service: 'detector', defaultMetrics: true });
    const moduleRef = await Test.createTestingModule({
      imports: [ObservabilityModule.forRoot({ service: 'detector', metrics })],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    try {
      const observer = new PrometheusBusObserver(metrics);
      observer.onConsumed({
        type: 'DetectChanges',
        group: 'detector',
        topic: 'DetectChanges',
        durationMs: 12,
        duplicate: false,
      });
      observer.onDeadLettered({
        group: 'detector',
        topic: 'ExternalChangeReported',
        code: 'MSG.BAD_SIGNATURE',
        reason: 'a "quoted"\nreason',
      });
      metrics.runs.inc({ outcome: 'completed' });
      const families = parsePrometheusTextFormat((await request(app.getHttpServer()).get('/metrics').expect(200)).text);
      const byName = new Map(families.map((family) => [family.name, family]));
      expect(byName.get('dco_runs_total')).toMatchObject({
        type: 'COUNTER',
        metrics: [{ labels: { outcome: 'completed', service: 'detector' }, value: '1' }],
      });
      expect(byName.get('dco_stage_duration_seconds')?.type).toBe('HISTOGRAM');
      expect(byName.get('process_cpu_user_seconds_total')?.type).toBe('COUNTER');
      expect(families.filter((family) => family.type === 'UNTYPED').map((family) => family.name)).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
