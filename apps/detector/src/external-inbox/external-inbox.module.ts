// Nest wiring of the external-change inbox: the HTTP controller, the CloudEvents Kafka binding and the bus consumer,
// sharing one report store.
import {
  DynamicModule,
  Inject,
  Injectable,
  MiddlewareConsumer,
  Module,
  NestModule,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { json } from 'express';
import { Clock, IdGenerator } from '@dco/contracts';
import { Kafka } from 'kafkajs';
import { KafkaMessageBus, MessageBus, kafkaLogging, kafkaSecurityConfig } from '@dco/messaging';
import { CLOCK, CommonConfig, ID_GENERATOR, MESSAGE_BUS, PLATFORM_CONFIG, kafkaSecurity } from '@dco/platform';
import { EXTERNAL_CHANGES_INTAKE, ExternalChangesController } from './external-changes.controller';
import { ExternalChangesIntake, MAX_EXTERNAL_REPORT_BYTES } from './external-changes.intake';
import { ExternalCloudEventsConsumer } from './external-cloud-events.consumer';
import { ExternalInboxConsumer } from './external-inbox.consumer';
import { ExternalInboxHandler } from './external-inbox.handler';
import { ExternalReportStore } from './external-report.store';
import { DEFAULT_REPORT_MAX_AGE_MS, ExternalReportVerifier } from './external-report.verifier';
import { parseProducerKeys } from './external-signature';

const EXTERNAL_INBOX_CONSUMER = Symbol('ExternalInboxConsumer');
const EXTERNAL_CLOUD_EVENTS_CONSUMER = Symbol('ExternalCloudEventsConsumer');

@Injectable()
class ExternalInboxLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(EXTERNAL_INBOX_CONSUMER) private readonly consumer: ExternalInboxConsumer,
    @Inject(EXTERNAL_CLOUD_EVENTS_CONSUMER) private readonly cloudEvents: ExternalCloudEventsConsumer | null,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start();
    await this.cloudEvents?.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.cloudEvents?.stop();
    await this.consumer.stop();
  }
}

/** On Kafka, external producers may also write CloudEvents to a topic (the Kafka binding); in memory there is no such way in. */
function cloudEventsConsumer(
  bus: MessageBus,
  config: CommonConfig,
  intake: ExternalChangesIntake,
  group: string,
): ExternalCloudEventsConsumer | null {
  if (!(bus instanceof KafkaMessageBus) || !config.KAFKA_BROKERS) return null;
  const kafka = new Kafka({
    clientId: 'detector-external-cloudevents',
    brokers: config.KAFKA_BROKERS.split(','),
    ...kafkaSecurityConfig(kafkaSecurity(config)),
    ...kafkaLogging(bus.logger, 'error'),
  });
  return new ExternalCloudEventsConsumer(intake, {
    kafka,
    groupId: `${group}.cloudevents`,
    topicPrefix: bus.topicPrefix,
    partitions: config.KAFKA_PARTITIONS,
  });
}

@Module({})
export class ExternalInboxModule implements NestModule {
  /** Structured-mode CloudEvents are JSON under their own media type, which the application's JSON parser skips. */
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(json({ type: 'application/cloudevents+json', limit: '16kb' })).forRoutes(ExternalChangesController);
  }

  static register(
    store: ExternalReportStore,
    config: { DCO_EXTERNAL_KEYS?: string; DCO_EXTERNAL_MAX_AGE_MS?: number },
    group = 'dco.detector.external-inbox',
  ): DynamicModule {
    const keys = parseProducerKeys(config.DCO_EXTERNAL_KEYS);
    const verifier = new ExternalReportVerifier(keys, store);
    return {
      module: ExternalInboxModule,
      controllers: [ExternalChangesController],
      providers: [
        {
          provide: EXTERNAL_CHANGES_INTAKE,
          inject: [MESSAGE_BUS, CLOCK, ID_GENERATOR],
          useFactory: (bus: MessageBus, clock: Clock, ids: IdGenerator) =>
            new ExternalChangesIntake(
              bus,
              verifier,
              { clock, ids },
              {
                maxBytes: MAX_EXTERNAL_REPORT_BYTES,
                maxAgeMs: config.DCO_EXTERNAL_MAX_AGE_MS ?? DEFAULT_REPORT_MAX_AGE_MS,
              },
            ),
        },
        {
          provide: EXTERNAL_INBOX_CONSUMER,
          inject: [MESSAGE_BUS, CLOCK, ID_GENERATOR],
          useFactory: (bus: MessageBus, clock: Clock, ids: IdGenerator) =>
            new ExternalInboxConsumer(bus, store, verifier, new ExternalInboxHandler(store, { clock, ids }), group),
        },
        {
          provide: EXTERNAL_CLOUD_EVENTS_CONSUMER,
          inject: [MESSAGE_BUS, PLATFORM_CONFIG, EXTERNAL_CHANGES_INTAKE],
          useFactory: (bus: MessageBus, config: CommonConfig, intake: ExternalChangesIntake) =>
            cloudEventsConsumer(bus, config, intake, group),
        },
        ExternalInboxLifecycle,
      ],
    };
  }
}
