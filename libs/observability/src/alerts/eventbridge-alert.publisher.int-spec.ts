// EventBridge alerts on the local AWS emulator: the rule routes dco.autopilot events to the SQS queue, each cause exactly once.
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DeleteQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { SdkEventBus, localEmulatorOptions } from '@dco/aws';
import { ReceivedAlert, alertFixture, describeAlertPublisherContract } from './alert-publisher.contract';
import { DeduplicatingAlertPublisher } from './deduplicating-alert.publisher';
import { EventBridgeAlertPublisher } from './eventbridge-alert.publisher';
import { AlertRouting, ensureAlertRouting } from './eventbridge-alert.provisioning';

const options = localEmulatorOptions();
const eventBridge = new EventBridgeClient(options);
const sqs = new SQSClient(options);
const suffix = `${process.pid}-${Date.now()}`;
const busName = `dco-alerts-${suffix}`;
const routes: AlertRouting[] = [];

afterAll(async () => {
  for (const route of routes) await sqs.send(new DeleteQueueCommand({ QueueUrl: route.queueUrl }));
  eventBridge.destroy();
  sqs.destroy();
});

async function route(name: string): Promise<AlertRouting> {
  const routing = await ensureAlertRouting({
    eventBridge,
    sqs,
    eventBusName: busName,
    ruleName: `dco-alerts-${name}-${suffix}`,
    queueName: `dco-alerts-${name}-${suffix}`,
  });
  routes.push(routing);
  return routing;
}

/** Drains the queue until `count` events arrived or the deadline passed (moto delivers synchronously; AWS within seconds). */
async function drain(
  queueUrl: string,
  received: ReceivedAlert[],
  count: number,
  deadlineMs: number,
): Promise<ReceivedAlert[]> {
  const until = Date.now() + deadlineMs;
  do {
    const batch = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    for (const message of batch.Messages ?? []) {
      const event = JSON.parse(message.Body ?? '{}') as {
        source: string;
        'detail-type': string;
        detail: Record<string, string>;
      };
      received.push({ source: event.source, detailType: event['detail-type'], detail: event.detail });
    }
  } while (received.length < count && Date.now() < until);
  return received;
}

describeAlertPublisherContract('EventBridge on the AWS emulator, delivered to SQS', async () => {
  const routing = await route('contract');
  const received: ReceivedAlert[] = [];
  return {
    publisher: new EventBridgeAlertPublisher(new SdkEventBus(eventBridge), busName),
    received: (count, deadlineMs) => drain(routing.queueUrl, received, count, deadlineMs),
  };
});

describe('alert routing on the AWS emulator', () => {
  it('is idempotent to provision twice', async () => {
    const first = await route('twice');
    const second = await ensureAlertRouting({
      eventBridge,
      sqs,
      eventBusName: busName,
      ruleName: `dco-alerts-twice-${suffix}`,
      queueName: `dco-alerts-twice-${suffix}`,
    });
    expect(second).toEqual(first);
  });

  it('delivers a cause raised three times exactly once to the queue', async () => {
    const routing = await route('once');
    const publisher = new DeduplicatingAlertPublisher(
      new EventBridgeAlertPublisher(new SdkEventBus(eventBridge), busName),
      { windowMs: 3_600_000 },
    );
    const key = `dco-2026-11-26:migrate-db:failed:${suffix}`;
    const statuses = [];
    for (let index = 0; index < 3; index += 1) statuses.push((await publisher.publish(alertFixture(key))).status);
    expect(statuses).toEqual(['published', 'duplicate', 'duplicate']);
    const received = await drain(routing.queueUrl, [], 2, 3_000);
    expect(received.map((entry) => entry.detail.dedupeKey)).toEqual([key]);
  });
});
