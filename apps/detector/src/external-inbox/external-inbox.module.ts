// Nest wiring of the external-change inbox: the HTTP controller and the bus consumer, sharing one report store.
import { DynamicModule, Inject, Injectable, MiddlewareConsumer, Module, NestModule, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { json } from 'express';
import { Clock, IdGenerator } from '@dco/contracts';
import { MessageBus } from '@dco/messaging';
import { CLOCK, ID_GENERATOR, MESSAGE_BUS } from '@dco/platform';
import { EXTERNAL_CHANGES_INTAKE, ExternalChangesController } from './external-changes.controller';
import { ExternalChangesIntake } from './external-changes.intake';
import { ExternalInboxConsumer } from './external-inbox.consumer';
import { ExternalInboxHandler } from './external-inbox.handler';
import { ExternalReportStore } from './external-report.store';
import { ExternalReportVerifier } from './external-report.verifier';
import { parseProducerKeys } from './external-signature';

const EXTERNAL_INBOX_CONSUMER = Symbol('ExternalInboxConsumer');

@Injectable()
class ExternalInboxLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(EXTERNAL_INBOX_CONSUMER) private readonly consumer: ExternalInboxConsumer) {}

  onApplicationBootstrap(): Promise<void> {
    return this.consumer.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.consumer.stop();
  }
}

@Module({})
export class ExternalInboxModule implements NestModule {
  /** Structured-mode CloudEvents are JSON under their own media type, which the application's JSON parser skips. */
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(json({ type: 'application/cloudevents+json', limit: '100kb' })).forRoutes(ExternalChangesController);
  }

  static register(store: ExternalReportStore, env: NodeJS.ProcessEnv = process.env, group = 'dco.detector.external-inbox'): DynamicModule {
    const keys = parseProducerKeys(env.DCO_EXTERNAL_KEYS);
    const verifier = new ExternalReportVerifier(keys, store);
    return {
      module: ExternalInboxModule,
      controllers: [ExternalChangesController],
      providers: [
        {
          provide: EXTERNAL_CHANGES_INTAKE,
          inject: [MESSAGE_BUS, CLOCK, ID_GENERATOR],
          useFactory: (bus: MessageBus, clock: Clock, ids: IdGenerator) => new ExternalChangesIntake(bus, verifier, { clock, ids }),
        },
        {
          provide: EXTERNAL_INBOX_CONSUMER,
          inject: [MESSAGE_BUS, CLOCK, ID_GENERATOR],
          useFactory: (bus: MessageBus, clock: Clock, ids: IdGenerator) =>
            new ExternalInboxConsumer(bus, store, verifier, new ExternalInboxHandler(store, { clock, ids }), group),
        },
        ExternalInboxLifecycle,
      ],
    };
  }
}
