// The providers and controller the orchestrator module adds for the dashboard, the alert route and the run telemetry.
import { Provider, Type } from '@nestjs/common';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { InMemoryEventBus, SdkEventBus, awsClientOptions } from '@dco/aws';
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
      provide: ALERT_PUBLISHER,
      useFactory: () => createAlertPublisher(config),
    },
    DashboardFeedService,
  ];
}
