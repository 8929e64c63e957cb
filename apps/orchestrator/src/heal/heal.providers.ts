// The healer on the profile's adapters (ADR 0033): ECS and the pointer through the SDK (the emulator locally), Kafka's
// admin API and dead-letter queues, Bolt and TCP probes, the bus for audit entries and alerts, EventBridge without it.
import { Logger, Provider } from '@nestjs/common';
import { ECSClient } from '@aws-sdk/client-ecs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { Clock, IdGenerator } from '@dco/contracts';
import { SdkEcsServices, awsClientOptions, localEmulatorOptions } from '@dco/aws';
import { KafkaConsumerGroupOffsets, KafkaDeadLetterQueue, KafkaMessageBus, MessageBus } from '@dco/messaging';
import { connectionPointerStoreOf } from '@dco/neo4j';
import { AlertPublisher, DcoMetrics } from '@dco/observability';
import { CLOCK, ID_GENERATOR, MESSAGE_BUS, kafkaSecurity } from '@dco/platform';
import { ALERT_PUBLISHER } from '../dashboard/dashboard-feed.service';
import { OrchestratorConfig } from '../orchestrator.config';
import { RunRegistry } from '../run-saga/run-registry';
import { BoltNeo4jReachability } from './bolt-neo4j-reachability.adapter';
import { HealApprovalService } from './heal-approval.service';
import { HealApprovals } from './heal-approvals';
import { HealController } from './heal.controller';
import { healSettingsOf } from './heal.config';
import { Healer } from './healer.use-case';
import { HealerService } from './healer.service';
import { HEALER, HealerHandle } from './heal.tokens';
import { TcpBrokerReachability } from './tcp-broker-reachability.adapter';

/** The healer of a non-embedded orchestrator with DCO_HEALER=on (the config refuses it embedded), else null. */
export function createHealer(
  config: OrchestratorConfig,
  deps: {
    bus: MessageBus;
    alerts: AlertPublisher;
    runs: RunRegistry;
    approvals: HealApprovals;
    clock: Clock;
    ids: IdGenerator;
    metrics?: DcoMetrics;
  },
): HealerHandle | null {
  if (config.DCO_HEALER !== 'on' || config.DCO_PROFILE === 'embedded') return null;
  const logger = new Logger('Healer');
  const brokers = config.KAFKA_BROKERS ?? '';
  const kafka = {
    brokers: brokers.split(','),
    clientId: 'orchestrator-healer',
    security: kafkaSecurity(config),
    topicPrefix: deps.bus instanceof KafkaMessageBus ? deps.bus.topicPrefix : '',
  };
  const aws = config.DCO_PROFILE === 'aws' ? awsClientOptions(config) : localEmulatorOptions(config);
  const groups = new KafkaConsumerGroupOffsets(kafka);
  const deadLetters = new KafkaDeadLetterQueue({ ...kafka, timeoutMs: 10_000 });
  const ecs = new ECSClient(aws);
  const ssm = new SSMClient(aws);
  const healer = new Healer({
    settings: healSettingsOf(config),
    ecs: new SdkEcsServices(ecs),
    cluster: config.DCO_ECS_CLUSTER,
    groups,
    deadLetters,
    pointer: connectionPointerStoreOf(config, { stateDir: config.DCO_STATE_DIR, ssm: () => ssm }),
    neo4j: new BoltNeo4jReachability(),
    broker: new TcpBrokerReachability(),
    brokers,
    bus: deps.bus,
    alerts: deps.alerts,
    runs: () => deps.runs.all(),
    approvals: deps.approvals,
    clock: deps.clock,
    ids: deps.ids,
    metrics: deps.metrics,
    log: (level, message) => (level === 'warn' ? logger.warn(message) : logger.log(message)),
  });
  return {
    healer,
    intervalMs: config.DCO_HEAL_INTERVAL_MS,
    close: async () => {
      await Promise.allSettled([groups.close(), deadLetters.close()]);
      ecs.destroy();
      ssm.destroy();
    },
  };
}

export const HEAL_CONTROLLERS = [HealController];

export function healProviders(config: OrchestratorConfig): Provider[] {
  return [
    HealApprovals,
    HealApprovalService,
    {
      provide: HEALER,
      useFactory: (
        bus: MessageBus,
        alerts: AlertPublisher,
        runs: RunRegistry,
        approvals: HealApprovals,
        clock: Clock,
        ids: IdGenerator,
        metrics?: DcoMetrics,
      ) => createHealer(config, { bus, alerts, runs, approvals, clock, ids, metrics }),
      inject: [
        MESSAGE_BUS,
        ALERT_PUBLISHER,
        RunRegistry,
        HealApprovals,
        CLOCK,
        ID_GENERATOR,
        { token: DcoMetrics, optional: true },
      ],
    },
    HealerService,
  ];
}
