// Creates the alert route: an event bus, a rule matching source dco.autopilot, and an SQS queue as its target (idempotent).
import { CodedError } from '@dco/contracts';
import {
  CreateEventBusCommand,
  DescribeEventBusCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  SQSClient,
  SetQueueAttributesCommand,
} from '@aws-sdk/client-sqs';
import { ALERT_SOURCE } from './alert-publisher.port';

export interface AlertRoutingOptions {
  eventBridge: EventBridgeClient;
  sqs: SQSClient;
  eventBusName: string;
  ruleName: string;
  queueName: string;
}

export interface AlertRouting {
  eventBusArn: string;
  ruleArn: string;
  queueUrl: string;
  queueArn: string;
}

export async function ensureAlertRouting(options: AlertRoutingOptions): Promise<AlertRouting> {
  const { eventBridge, sqs } = options;
  const eventBusArn = await ensureBus(eventBridge, options.eventBusName);
  const queue = await sqs.send(new CreateQueueCommand({ QueueName: options.queueName }));
  if (!queue.QueueUrl)
    throw new CodedError('ALERT.PROVISION_FAILED', `CreateQueue ${options.queueName} returned no QueueUrl`);
  const attributes = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queue.QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  const queueArn = attributes.Attributes?.QueueArn;
  if (!queueArn) throw new CodedError('ALERT.PROVISION_FAILED', `queue ${options.queueName} has no QueueArn`);
  const rule = await eventBridge.send(
    new PutRuleCommand({
      Name: options.ruleName,
      EventBusName: options.eventBusName,
      EventPattern: JSON.stringify({ source: [ALERT_SOURCE] }),
      State: 'ENABLED',
      Description: 'DCO Autopilot alerts to the operators queue',
    }),
  );
  if (!rule.RuleArn) throw new CodedError('ALERT.PROVISION_FAILED', `PutRule ${options.ruleName} returned no RuleArn`);
  // On AWS the queue must allow EventBridge to send to it; the policy names this rule only.
  await sqs.send(
    new SetQueueAttributesCommand({
      QueueUrl: queue.QueueUrl,
      Attributes: {
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'events.amazonaws.com' },
              Action: 'sqs:SendMessage',
              Resource: queueArn,
              Condition: { ArnEquals: { 'aws:SourceArn': rule.RuleArn } },
            },
          ],
        }),
      },
    }),
  );
  const targets = await eventBridge.send(
    new PutTargetsCommand({
      Rule: options.ruleName,
      EventBusName: options.eventBusName,
      Targets: [{ Id: 'dco-alerts-queue', Arn: queueArn }],
    }),
  );
  if ((targets.FailedEntryCount ?? 0) > 0) {
    throw new CodedError(
      'ALERT.PROVISION_FAILED',
      `PutTargets on ${options.ruleName} failed: ${targets.FailedEntries?.map((entry) => entry.ErrorMessage).join('; ')}`,
    );
  }
  return { eventBusArn, ruleArn: rule.RuleArn, queueUrl: queue.QueueUrl, queueArn };
}

async function ensureBus(client: EventBridgeClient, name: string): Promise<string> {
  if (name === 'default') {
    const existing = await client.send(new DescribeEventBusCommand({ Name: name }));
    if (!existing.Arn) throw new CodedError('ALERT.PROVISION_FAILED', 'the default event bus has no ARN');
    return existing.Arn;
  }
  try {
    const existing = await client.send(new DescribeEventBusCommand({ Name: name }));
    if (existing.Arn) return existing.Arn;
  } catch (error) {
    if (!(error instanceof Error) || error.name !== 'ResourceNotFoundException') throw error;
  }
  const created = await client.send(new CreateEventBusCommand({ Name: name }));
  if (!created.EventBusArn) throw new CodedError('ALERT.PROVISION_FAILED', `CreateEventBus ${name} returned no ARN`);
  return created.EventBusArn;
}
