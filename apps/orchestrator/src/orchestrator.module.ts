// The orchestrator service: the saga of every run, its policy, the REST API and the dashboard.
import { DynamicModule, Logger, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { hostname } from 'node:os';
import { InMemoryMessageBus, KafkaMessageBus, MessageBus } from '@dco/messaging';
import { Clock } from '@dco/contracts';
import { DcoMetrics } from '@dco/observability';
import { CLOCK, MESSAGE_BUS, kafkaSecurity } from '@dco/platform';
import { ORCHESTRATOR_CONFIG, OrchestratorConfig } from './orchestrator.config';
import { AsyncApiController } from './bus-contract/asyncapi.controller';
import { AUDIT_LOG, AuditLog } from './audit-query/audit-log.port';
import { AuditController } from './audit-query/audit.controller';
import { AuditQuery } from './audit-query/audit-query.service';
import { InMemoryAuditLog } from './audit-query/in-memory-audit-log.adapter';
import { KafkaAuditLog } from './audit-query/kafka-audit-log.adapter';
import { DASHBOARD_CONTROLLERS, dashboardProviders } from './dashboard/dashboard.providers';
import { HEAL_CONTROLLERS, healProviders } from './heal/heal.providers';
import { DRILL_LOG, DRILL_READER_GROUP, DRILL_TOPIC } from './dashboard/dashboard-feed.service';
import { ActiveOnlyGuard } from './leadership/active-only.guard';
import { Leadership } from './leadership/leadership';
import {
  KafkaOrchestratorLease,
  LEASE_GROUP,
  ORCHESTRATOR_LEASE,
  OrchestratorLease,
  SoleLease,
} from './leadership/orchestrator-lease';
import { InMemorySagaStore } from './run-saga/in-memory-saga-store.adapter';
import { KafkaSagaStore } from './run-saga/kafka-saga-store.adapter';
import { policyFromConfig } from './run-saga/run-policy.config';
import { RunRegistry } from './run-saga/run-registry';
import { RUN_POLICY, SagaConsumerService } from './run-saga/saga-consumer.service';
import { ORCHESTRATOR_LEASE_TOPIC, SAGA_STORE, SagaStore } from './run-saga/saga-store.port';
import { ApiFallbacksInstaller } from './runs-api/api-fallbacks';
import { RunCommandsService } from './runs-api/run-commands.service';
import { RunsController } from './runs-api/runs.controller';
import { RunsQuery } from './runs-query/runs-query.service';
import { LoadForecastService } from './update-window/load-forecast.service';
import { LOAD_SOURCE, loadSourceForPolicy } from './update-window/load-series.factory';

/** The saga store that matches the bus: snapshots live where the bus writes them atomically with the commands. */
function sagaStoreFor(bus: MessageBus, config: OrchestratorConfig): SagaStore {
  if (bus instanceof InMemoryMessageBus) return new InMemorySagaStore(bus);
  return new KafkaSagaStore({
    brokers: (config.KAFKA_BROKERS ?? '').split(','),
    clientId: 'orchestrator',
    security: kafkaSecurity(config),
    namespace: config.DCO_NAMESPACE,
    topicPrefix: bus instanceof KafkaMessageBus ? bus.topicPrefix : '',
    partitions: config.KAFKA_PARTITIONS,
    loadTimeoutMs: config.SAGA_STATE_LOAD_TIMEOUT_MS,
    logger: bus instanceof KafkaMessageBus ? bus.logger : undefined,
  });
}

/** The audit trail's reader on the bus's own topic (ADR 0028); the same reader for the retained DR drill figures. */
function auditLogFor(
  bus: MessageBus,
  config: OrchestratorConfig,
  retained?: { topic: string; readerGroup: string },
): AuditLog {
  if (bus instanceof InMemoryMessageBus) return new InMemoryAuditLog(bus, retained?.topic);
  return new KafkaAuditLog({
    ...retained,
    brokers: (config.KAFKA_BROKERS ?? '').split(','),
    clientId: 'orchestrator',
    security: kafkaSecurity(config),
    namespace: config.DCO_NAMESPACE,
    topicPrefix: bus instanceof KafkaMessageBus ? bus.topicPrefix : '',
    timeoutMs: config.SAGA_STATE_LOAD_TIMEOUT_MS,
  });
}

/** The lease that elects the active orchestrator: through Kafka where the bus is Kafka, always held in memory. */
function leaseFor(bus: MessageBus, config: OrchestratorConfig): OrchestratorLease {
  const name = config.DCO_INSTANCE_ID ?? hostname();
  if (!(bus instanceof KafkaMessageBus)) return new SoleLease(name);
  const logger = new Logger('Lease');
  return new KafkaOrchestratorLease({
    brokers: (config.KAFKA_BROKERS ?? '').split(','),
    name,
    topic: `${bus.topicPrefix}${ORCHESTRATOR_LEASE_TOPIC}`,
    groupId: `${config.DCO_NAMESPACE}.${LEASE_GROUP}`,
    sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
    security: kafkaSecurity(config),
    logger: bus.logger,
    log: (level, message) => (level === 'warn' ? logger.warn(message) : logger.log(message)),
  });
}

@Module({})
export class OrchestratorModule {
  static register(config: OrchestratorConfig): DynamicModule {
    const policy = policyFromConfig(config);
    return {
      module: OrchestratorModule,
      controllers: [RunsController, AuditController, AsyncApiController, ...DASHBOARD_CONTROLLERS, ...HEAL_CONTROLLERS],
      providers: [
        { provide: ORCHESTRATOR_CONFIG, useValue: config },
        { provide: RUN_POLICY, useValue: policy },
        { provide: SAGA_STORE, useFactory: (bus: MessageBus) => sagaStoreFor(bus, config), inject: [MESSAGE_BUS] },
        { provide: ORCHESTRATOR_LEASE, useFactory: (bus: MessageBus) => leaseFor(bus, config), inject: [MESSAGE_BUS] },
        Leadership,
        { provide: APP_GUARD, useClass: ActiveOnlyGuard },
        RunRegistry,
        {
          provide: LOAD_SOURCE,
          // DcoMetrics comes from every app's ObservabilityModule; specs that compose the orchestrator alone lack it.
          useFactory: (clock: Clock, metrics?: DcoMetrics) => loadSourceForPolicy(config, metrics, () => clock.now()),
          inject: [CLOCK, { token: DcoMetrics, optional: true }],
        },
        LoadForecastService,
        SagaConsumerService,
        RunsQuery,
        { provide: AUDIT_LOG, useFactory: (bus: MessageBus) => auditLogFor(bus, config), inject: [MESSAGE_BUS] },
        {
          provide: DRILL_LOG,
          useFactory: (bus: MessageBus) =>
            auditLogFor(bus, config, { topic: DRILL_TOPIC, readerGroup: DRILL_READER_GROUP }),
          inject: [MESSAGE_BUS],
        },
        AuditQuery,
        RunCommandsService,
        ApiFallbacksInstaller,
        ...dashboardProviders(config),
        ...healProviders(config),
      ],
      exports: [RunsQuery, RunCommandsService],
    };
  }
}
