// The module every service process imports once: config, bus, clock, ids, /health, /api/openapi.json, the API's credentials
// guard and sessions, and an orderly shutdown.
import {
  DynamicModule,
  Global,
  Inject,
  Injectable,
  Module,
  OnApplicationShutdown,
  BeforeApplicationShutdown,
} from '@nestjs/common';
import { systemClock } from '@dco/contracts';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { MessageBus } from '@dco/messaging';
import { CommonConfig } from './config';
import { HealthController, HealthRegistry } from './health';
import { uuidGenerator } from './ids';
import { OpenApiPublisher } from './openapi/openapi.publisher';
import { CLOCK, ID_GENERATOR, MESSAGE_BUS, PLATFORM_CONFIG, SERVICE_NAME } from './tokens';
import { WorkerRuntime } from './command-worker';
import { ApiAuthGuard } from './http/api-auth.guard';
import { ApiAuthenticator } from './http/api-authenticator';
import { SessionController } from './http/session.controller';

export interface PlatformOptions {
  service: string;
  config: CommonConfig;
  /** The bus this process talks over: Kafka in the local/aws profiles, the shared in-memory bus when embedded. */
  bus: MessageBus;
  /** False when the bus is shared with other modules of one process and closed by its owner. */
  ownsBus?: boolean;
}

@Injectable()
class BusLifecycle implements BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    private readonly health: HealthRegistry,
    @Inject('PLATFORM_OWNS_BUS') private readonly ownsBus: boolean,
  ) {}

  beforeApplicationShutdown(): void {
    this.health.markDraining();
  }

  /** Runs after every worker stopped in beforeApplicationShutdown, so in-flight messages are committed first. */
  async onApplicationShutdown(): Promise<void> {
    if (this.ownsBus) await this.bus.close();
  }
}

@Global()
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    return {
      module: PlatformModule,
      imports: [DiscoveryModule],
      controllers: [HealthController, SessionController],
      providers: [
        { provide: SERVICE_NAME, useValue: options.service },
        { provide: PLATFORM_CONFIG, useValue: options.config },
        { provide: MESSAGE_BUS, useValue: options.bus },
        { provide: CLOCK, useValue: systemClock },
        { provide: ID_GENERATOR, useValue: uuidGenerator },
        { provide: 'PLATFORM_OWNS_BUS', useValue: options.ownsBus ?? true },
        HealthRegistry,
        WorkerRuntime,
        BusLifecycle,
        OpenApiPublisher,
        { provide: ApiAuthenticator, useValue: new ApiAuthenticator(options.config) },
        { provide: APP_GUARD, useClass: ApiAuthGuard },
      ],
      exports: [
        ApiAuthenticator,
        SERVICE_NAME,
        PLATFORM_CONFIG,
        MESSAGE_BUS,
        CLOCK,
        ID_GENERATOR,
        HealthRegistry,
        WorkerRuntime,
      ],
    };
  }
}
