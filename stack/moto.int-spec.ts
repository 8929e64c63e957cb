// Integration spec: the AWS emulator (moto) serves what the project uses through the real @aws-sdk v3 clients: EC2 AMIs/instances, ECS services, EventBridge -> SQS.
import { randomUUID } from 'node:crypto';
import {
  DescribeImagesCommand,
  EC2Client,
  RegisterImageCommand,
  RunInstancesCommand,
  DescribeInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { stackEndpoints, waitFor } from '@dco/testing';

const { aws } = stackEndpoints();
const clientConfig = { endpoint: aws.endpoint, region: aws.region, credentials: aws.credentials };

describe('moto on the local stack', () => {
  const ec2 = new EC2Client(clientConfig);
  const ecs = new ECSClient(clientConfig);
  const events = new EventBridgeClient(clientConfig);
  const sqs = new SQSClient(clientConfig);

  afterAll(() => {
    for (const client of [ec2, ecs, events, sqs]) client.destroy();
  });

  it('registers an AMI, finds it by name filter, and launches an instance from it (ClientToken is NOT honoured by moto 5.2.5)', async () => {
    const name = `neo4j-5.26.19-${randomUUID()}`;
    const registered = await ec2.send(
      new RegisterImageCommand({
        Name: name,
        Description: 'stack probe',
        Architecture: 'x86_64',
        RootDeviceName: '/dev/xvda',
        VirtualizationType: 'hvm',
      }),
    );
    expect(registered.ImageId).toMatch(/^ami-/);
    const images = await ec2.send(
      new DescribeImagesCommand({ Owners: ['self'], Filters: [{ Name: 'name', Values: [name] }] }),
    );
    expect(images.Images?.map((image) => image.ImageId)).toEqual([registered.ImageId]);

    const clientToken = randomUUID();
    const launch = () =>
      ec2.send(
        new RunInstancesCommand({
          ImageId: registered.ImageId,
          InstanceType: 't3.medium',
          MinCount: 1,
          MaxCount: 1,
          ClientToken: clientToken,
          TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'dco:probe', Value: name }] }],
        }),
      );
    const first = await launch();
    expect(first.Instances?.[0]?.ImageId).toBe(registered.ImageId);
    const tagged = await ec2.send(
      new DescribeInstancesCommand({ Filters: [{ Name: 'tag:dco:probe', Values: [name] }] }),
    );
    expect(
      tagged.Reservations?.flatMap((reservation) => reservation.Instances ?? []).map((instance) => instance.InstanceId),
    ).toEqual([first.Instances?.[0]?.InstanceId]);
    // Real EC2 returns the same reservation for a repeated ClientToken; moto launches a second instance. Adapters that must be
    // idempotent on the emulator look their instance up by tag before launching (docs/adr/0002-local-stack.md).
    const second = await launch();
    expect(second.Instances?.[0]?.InstanceId).not.toBe(first.Instances?.[0]?.InstanceId);
  });

  it('creates an ECS cluster, a task definition and a service that reaches its desired count', async () => {
    const suffix = randomUUID().slice(0, 8);
    const cluster = await ecs.send(new CreateClusterCommand({ clusterName: `dco-${suffix}` }));
    const taskDefinition = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: `dco-runner-${suffix}`,
        containerDefinitions: [
          {
            name: 'dco-runner',
            image: 'dco/dco-runner:1.0.0',
            memory: 256,
            environment: [{ name: 'NEO4J_URI', value: 'bolt://blue:7687' }],
          },
        ],
      }),
    );
    expect(taskDefinition.taskDefinition?.revision).toBe(1);
    await ecs.send(
      new CreateServiceCommand({
        cluster: cluster.cluster?.clusterArn,
        serviceName: 'dco-runner',
        taskDefinition: taskDefinition.taskDefinition?.taskDefinitionArn,
        desiredCount: 2,
      }),
    );
    const described = await ecs.send(
      new DescribeServicesCommand({ cluster: cluster.cluster?.clusterArn, services: ['dco-runner'] }),
    );
    const service = described.services?.[0];
    expect(service?.taskDefinition).toBe(taskDefinition.taskDefinition?.taskDefinitionArn);
    expect(service?.desiredCount).toBe(2);
    expect(service?.deployments?.[0]?.rolloutState).toBe('COMPLETED');
  });

  it('delivers an EventBridge event to an SQS queue through a rule', async () => {
    const suffix = randomUUID().slice(0, 8);
    const queue = await sqs.send(new CreateQueueCommand({ QueueName: `dco-alerts-${suffix}` }));
    const attributes = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queue.QueueUrl, AttributeNames: ['QueueArn'] }),
    );
    const source = `dco.autopilot.${suffix}`;
    await events.send(
      new PutRuleCommand({ Name: `dco-alerts-${suffix}`, EventPattern: JSON.stringify({ source: [source] }) }),
    );
    await events.send(
      new PutTargetsCommand({
        Rule: `dco-alerts-${suffix}`,
        Targets: [{ Id: 'alerts-queue', Arn: attributes.Attributes?.QueueArn }],
      }),
    );
    const put = await events.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: source,
            DetailType: 'RunFailed',
            Detail: JSON.stringify({ runId: 'dco-2026-11-26', code: 'DB.VALIDATION_MISMATCH' }),
          },
        ],
      }),
    );
    expect(put.FailedEntryCount).toBe(0);
    const body = await waitFor(
      async () => {
        const received = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl: queue.QueueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 1 }),
        );
        return received.Messages?.[0]?.Body;
      },
      { timeoutMs: 15000, description: 'the event in the SQS queue' },
    );
    const event = JSON.parse(body) as { source: string; 'detail-type': string; detail: { runId: string } };
    expect(event.source).toBe(source);
    expect(event['detail-type']).toBe('RunFailed');
    expect(event.detail.runId).toBe('dco-2026-11-26');
  });
});
