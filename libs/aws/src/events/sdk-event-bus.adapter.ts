// EventBridge over the AWS SDK v3 (real AWS, or the moto emulator through its endpoint).
import { CodedError } from '@dco/contracts';
import {
  CreateEventBusCommand,
  DescribeEventBusCommand,
  EventBridgeClient,
  ListRulesCommand,
  PutEventsCommand,
  PutRuleCommand,
} from '@aws-sdk/client-eventbridge';
import { AwsClientOptions } from '../aws-client.config';
import { BusEvent, EventBus, MAX_EVENTS_PER_PUT, PutEventsResult } from './event-bus.port';

export class SdkEventBus implements EventBus {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly defaultBus = 'default',
  ) {}

  static fromOptions(options: AwsClientOptions, defaultBus = 'default'): SdkEventBus {
    return new SdkEventBus(new EventBridgeClient(options), defaultBus);
  }

  async ensureBus(name: string): Promise<void> {
    if (name === 'default') return;
    try {
      await this.client.send(new DescribeEventBusCommand({ Name: name }));
    } catch (error) {
      if (!(error instanceof Error) || error.name !== 'ResourceNotFoundException') throw error;
      await this.client.send(new CreateEventBusCommand({ Name: name }));
    }
  }

  async putRule(rule: { busName: string; name: string; eventPattern: Record<string, unknown> }): Promise<string> {
    const result = await this.client.send(
      new PutRuleCommand({
        Name: rule.name,
        EventBusName: rule.busName,
        EventPattern: JSON.stringify(rule.eventPattern),
        State: 'ENABLED',
      }),
    );
    return result.RuleArn ?? '';
  }

  async listRules(busName: string): Promise<string[]> {
    const names: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.client.send(new ListRulesCommand({ EventBusName: busName, NextToken: nextToken }));
      names.push(...(page.Rules ?? []).map((rule) => rule.Name ?? ''));
      nextToken = page.NextToken;
    } while (nextToken);
    return names.sort();
  }

  async putEvents(events: BusEvent[]): Promise<PutEventsResult> {
    if (events.length > MAX_EVENTS_PER_PUT)
      throw new CodedError('INTERNAL.UNEXPECTED', `PutEvents accepts at most ${MAX_EVENTS_PER_PUT} entries`);
    const output = await this.client.send(
      new PutEventsCommand({
        Entries: events.map((event) => ({
          Source: event.source,
          DetailType: event.detailType,
          Detail: JSON.stringify(event.detail),
          EventBusName: event.busName ?? this.defaultBus,
        })),
      }),
    );
    const result: PutEventsResult = { eventIds: [], failed: [] };
    (output.Entries ?? []).forEach((entry, index) => {
      if (entry.EventId) result.eventIds.push(entry.EventId);
      else result.failed.push({ index, code: entry.ErrorCode ?? 'Unknown', message: entry.ErrorMessage ?? '' });
    });
    return result;
  }
}
