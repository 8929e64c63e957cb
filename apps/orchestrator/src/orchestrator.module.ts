// The orchestrator service: the saga of every run, its policy, the REST API and the dashboard.
import { DynamicModule, Module } from '@nestjs/common';
import { InMemoryMessageBus, KafkaMessageBus, MessageBus } from '@dco/messaging';
import { MESSAGE_BUS, kafkaSecurity } from '@dco/platform';
import { ORCHESTRATOR_CONFIG, OrchestratorConfig } from './orchestrator.config';
import { AsyncApiController } from './bus-contract/asyncapi.controller';
import { DASHBOARD_CONTROLLERS, dashboardProviders } from './dashboard/dashboard.providers';
import { InMemorySagaStore } from './run-saga/in-memory-saga-store.adapter';
import { KafkaSagaStore } from './run-saga/kafka-saga-store.adapter';
import { policyFromConfig } from './run-saga/run-policy.config';
import { RunRegistry } from './run-saga/run-registry';
import { RUN_POLICY, SagaConsumerService } from './run-saga/saga-consumer.service';
import { SAGA_STORE, SagaStore } from './run-saga/saga-store.port';
import { ApiFallbacksInstaller } from './runs-api/api-fallbacks';
import { OperatorTokenGuard } from './runs-api/operator-token.guard';
import { RunCommandsService } from './runs-api/run-commands.service';
import { RunsController } from './runs-api/runs.controller';
import { RunsQuery } from './runs-query/runs-query.service';

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
  });
}

@Module({})
export class OrchestratorModule {
  static register(config: OrchestratorConfig): DynamicModule {
    const policy = policyFromConfig(config);
    return {
      module: OrchestratorModule,
      controllers: [RunsController, AsyncApiController, ...DASHBOARD_CONTROLLERS],
      providers: [
        { provide: ORCHESTRATOR_CONFIG, useValue: config },
        { provide: RUN_POLICY, useValue: policy },
        { provide: SAGA_STORE, useFactory: (bus: MessageBus) => sagaStoreFor(bus, config), inject: [MESSAGE_BUS] },
        RunRegistry,
        SagaConsumerService,
        RunsQuery,
        RunCommandsService,
        OperatorTokenGuard,
        ApiFallbacksInstaller,
        ...dashboardProviders(config),
      ],
      exports: [RunsQuery, RunCommandsService],
    };
  }
}
