// The Prometheus series every app exposes on /metrics, in one registry per process labelled with the service name.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const STAGE_DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

export interface DcoMetricsOptions {
  service: string;
  /** Process metrics (CPU, memory, event loop lag, GC); on in apps, off in unit specs for speed. */
  defaultMetrics?: boolean;
}

export class DcoMetrics {
  readonly registry = new Registry();
  readonly stageDuration: Histogram<'stage' | 'outcome'>;
  readonly runs: Counter<'outcome'>;
  readonly rollbacks: Counter<'step'>;
  readonly dlqMessages: Counter<'topic' | 'code'>;
  readonly messagesHandled: Counter<'type' | 'group' | 'outcome'>;
  readonly handleDuration: Histogram<'type' | 'group'>;
  readonly consumerLag: Gauge<'topic' | 'partition'>;
  readonly migrationProgress: Gauge<'phase'>;
  readonly offeringAllocatedBaseUnits: Gauge<string>;
  readonly offeringAllocations: Gauge<string>;
  readonly alerts: Counter<'cause' | 'severity' | 'delivery'>;
  readonly healDecisions: Counter<'fault' | 'decision'>;
  readonly messagesPublished: Counter<'type'>;
  readonly retries: Counter<'type' | 'group'>;
  readonly httpRequests: Counter<'method' | 'code'>;
  readonly httpRequestDuration: Histogram<'method'>;

  constructor(options: DcoMetricsOptions) {
    this.registry.setDefaultLabels({ service: options.service });
    const registers = [this.registry];
    this.stageDuration = new Histogram({
      name: 'dco_stage_duration_seconds',
      help: 'Duration of a run stage from its command to its outcome event.',
      labelNames: ['stage', 'outcome'],
      buckets: STAGE_DURATION_BUCKETS,
      registers,
    });
    this.runs = new Counter({
      name: 'dco_runs_total',
      help: 'Runs that reached a final state, by outcome.',
      labelNames: ['outcome'],
      registers,
    });
    this.rollbacks = new Counter({
      name: 'dco_rollbacks_total',
      help: 'Compensations completed, by step rolled back.',
      labelNames: ['step'],
      registers,
    });
    this.dlqMessages = new Counter({
      name: 'dco_dlq_messages_total',
      help: 'Messages dead-lettered, by original topic and reason code.',
      labelNames: ['topic', 'code'],
      registers,
    });
    this.messagesHandled = new Counter({
      name: 'dco_messages_handled_total',
      help: 'Messages consumed and committed by a consumer group, by type and outcome (handled, duplicate).',
      labelNames: ['type', 'group', 'outcome'],
      registers,
    });
    this.handleDuration = new Histogram({
      name: 'dco_message_handle_duration_seconds',
      help: 'Time a handler took per message.',
      labelNames: ['type', 'group'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120],
      registers,
    });
    this.consumerLag = new Gauge({
      name: 'dco_consumer_lag',
      help: 'Messages behind the partition end, as last seen by this consumer.',
      labelNames: ['topic', 'partition'],
      registers,
    });
    this.migrationProgress = new Gauge({
      name: 'dco_migration_progress_ratio',
      help: 'Progress of the current blue-green migration phase (0..1).',
      labelNames: ['phase'],
      registers,
    });
    this.offeringAllocatedBaseUnits = new Gauge({
      name: 'dco_offering_allocated_base_units',
      help: 'Base units allocated by the latest offering.',
      registers,
    });
    this.offeringAllocations = new Gauge({
      name: 'dco_offering_allocations',
      help: 'Allocations made by the latest offering.',
      registers,
    });
    this.alerts = new Counter({
      name: 'dco_alerts_total',
      help: 'Alerts seen by the publisher, by cause, severity and delivery (published, deduplicated, failed).',
      labelNames: ['cause', 'severity', 'delivery'],
      registers,
    });
    this.healDecisions = new Counter({
      name: 'dco_heal_decisions_total',
      help: "The healer's decisions on a fault it saw (ADR 0033): acted, action-failed, alerted, refused.",
      labelNames: ['fault', 'decision'],
      registers,
    });
    this.messagesPublished = new Counter({
      name: 'dco_messages_published_total',
      help: 'Messages published, by type.',
      labelNames: ['type'],
      registers,
    });
    this.retries = new Counter({
      name: 'dco_message_retries_total',
      help: 'Handler attempts that failed and were retried.',
      labelNames: ['type', 'group'],
      registers,
    });
    // What a rollout's health comparison reads (ADR 0025): requests by status code, and their latency.
    this.httpRequests = new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests answered (scrapes of /metrics and event streams excluded), by method and status code.',
      labelNames: ['method', 'code'],
      registers,
    });
    this.httpRequestDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time from an HTTP request to the end of its answer (scrapes of /metrics and event streams excluded).',
      labelNames: ['method'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 0.75, 1, 2.5, 5, 10],
      registers,
    });
    if (options.defaultMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** The exposition text for GET /metrics. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
