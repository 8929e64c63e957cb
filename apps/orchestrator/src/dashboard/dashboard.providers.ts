// The providers and controller the orchestrator module adds for the dashboard, the alert route and the run telemetry.
import { Provider, Type } from '@nestjs/common';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SSMClient } from '@aws-sdk/client-ssm';
import { SQSClient } from '@aws-sdk/client-sqs';
import { Clock } from '@dco/contracts';
import {
  InMemoryEventBus,
  SdkEc2Inventory,
  SdkEcsServices,
  SdkEventBus,
  awsClientOptions,
  embeddedCloud,
  localEmulatorOptions,
} from '@dco/aws';
import { connectionPointerStoreOf, embeddedConnectionPointer, fleetTagsFromEnv } from '@dco/neo4j';
import { CLOCK } from '@dco/platform';
import {
  AlertPublisher,
  DeduplicatingAlertPublisher,
  EventBridgeAlertPublisher,
  ensureAlertRouting,
} from '@dco/observability';
import { OrchestratorConfig } from '../orchestrator.config';
import { RunsQuery } from '../runs-query/runs-query.service';
import { DashboardBoard } from './dashboard.board';
import { DASHBOARD_CONFIG, DashboardConfig } from './dashboard.config';
import { DashboardController } from './dashboard.controller';
import { ALERT_PUBLISHER, DashboardFeedService } from './dashboard-feed.service';
import { DASHBOARD_SOURCE } from './dashboard.port';
import { LIVE_INFRASTRUCTURE_READER } from './dashboard.tokens';
import { LiveInfrastructureReader } from './live-infrastructure.reader';

/**
 * The infrastructure panel's reader on the profile's ports: the embedded cloud's fakes and the process's pointer when
 * embedded, else the SDK (the emulator for local, the credential chain for aws) and the pointer the services share.
 */
export function createLiveInfrastructureReader(config: OrchestratorConfig, clock: Clock): LiveInfrastructureReader {
  const common = {
    cluster: config.DCO_ECS_CLUSTER,
    fleetTags: fleetTagsFromEnv(config),
    timeoutMs: config.DCO_DASHBOARD_INFRA_TIMEOUT_MS,
    clock,
  };
  if (config.DCO_PROFILE === 'embedded') {
    const cloud = embeddedCloud();
    return new LiveInfrastructureReader({
      ...common,
      ec2: cloud.ec2,
      ecs: cloud.ecs,
      pointer: embeddedConnectionPointer(),
    });
  }
  // One attempt per call, bounded by the socket's timeout: the panel's timeout, not the SDK's retries, decides.
  const options = {
    ...(config.DCO_PROFILE === 'aws' ? awsClientOptions(config) : localEmulatorOptions(config)),
    maxAttempts: 1,
    requestHandler: {
      connectionTimeout: config.DCO_DASHBOARD_INFRA_TIMEOUT_MS,
      requestTimeout: config.DCO_DASHBOARD_INFRA_TIMEOUT_MS,
    },
  };
  return new LiveInfrastructureReader({
    ...common,
    ec2: new SdkEc2Inventory(new EC2Client(options)),
    ecs: new SdkEcsServices(new ECSClient(options)),
    pointer: connectionPointerStoreOf(config, {
      stateDir: config.DCO_STATE_DIR,
      ssm: () => new SSMClient(options),
    }),
  });
}

export const DASHBOARD_CONTROLLERS: Type[] = [DashboardController];

/** The alert publisher of the profile: EventBridge on AWS or the emulator, an in-memory event bus when embedded. */
export async function createAlertPublisher(config: OrchestratorConfig): Promise<AlertPublisher> {
  let publisher: AlertPublisher;
  if (config.DCO_PROFILE === 'embedded') {
    const events = new InMemoryEventBus();
    await events.ensureBus(config.DCO_ALERT_EVENT_BUS);
    publisher = new EventBridgeAlertPublisher(events, config.DCO_ALERT_EVENT_BUS);
  } else {
    const options = awsClientOptions(config);
    const eventBridge = new EventBridgeClient(options);
    if (config.DCO_ALERT_QUEUE) {
      await ensureAlertRouting({
        eventBridge,
        sqs: new SQSClient(options),
        eventBusName: config.DCO_ALERT_EVENT_BUS,
        ruleName: `${config.DCO_ALERT_EVENT_BUS}-to-${config.DCO_ALERT_QUEUE}`.slice(0, 64),
        queueName: config.DCO_ALERT_QUEUE,
      });
    } else {
      await new SdkEventBus(eventBridge).ensureBus(config.DCO_ALERT_EVENT_BUS);
    }
    publisher = new EventBridgeAlertPublisher(new SdkEventBus(eventBridge), config.DCO_ALERT_EVENT_BUS);
  }
  return new DeduplicatingAlertPublisher(publisher, { windowMs: config.DCO_ALERT_DEDUPE_WINDOW_MS });
}

export function dashboardProviders(config: OrchestratorConfig): Provider[] {
  return [
    { provide: DASHBOARD_CONFIG, useValue: config },
    {
      provide: DASHBOARD_SOURCE,
      useFactory: (runs: RunsQuery, config: DashboardConfig) =>
        new DashboardBoard(runs, { jaegerUiBase: config.JAEGER_UI_URL }),
      inject: [RunsQuery, DASHBOARD_CONFIG],
    },
    {
      provide: LIVE_INFRASTRUCTURE_READER,
      useFactory: (clock: Clock) => createLiveInfrastructureReader(config, clock),
      inject: [CLOCK],
    },
    {
      provide: ALERT_PUBLISHER,
      useFactory: () => createAlertPublisher(config),
    },
    DashboardFeedService,
  ];
}
