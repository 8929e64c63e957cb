// The ECS fleet's runtime in AWS: ECS starts the task itself; its Bolt address is the running task's private IP (awsvpc ENI).
import { DescribeTasksCommand, ECSClient, ListTasksCommand, Task } from '@aws-sdk/client-ecs';
import { CodedError } from '@dco/contracts';
import { waitFor } from '@dco/probes';
import { LaunchedHost, Neo4jHostRuntime } from './neo4j-host.runtime';

/** The private IPv4 address of a task's awsvpc network interface, once it has one. */
export function privateIpOfTask(task: Task): string | undefined {
  return task.attachments
    ?.find((attachment) => attachment.type === 'ElasticNetworkInterface')
    ?.details?.find((detail) => detail.name === 'privateIPv4Address')?.value;
}

export class EcsTaskAddressRuntime implements Neo4jHostRuntime {
  constructor(
    private readonly ecs: ECSClient,
    private readonly cluster: string,
    private readonly options: { timeoutMs: number; intervalMs?: number },
  ) {}

  userData(): string {
    return '';
  }

  /** Waits for the service's task to run; a task that never does is DB.PROVISION_FAILED (the fleet then deletes the service). */
  async start(host: LaunchedHost): Promise<{ boltUri: string; tags: Record<string, string> }> {
    const ip = await waitFor(() => this.runningTaskIp(host.instanceId), {
      timeoutMs: this.options.timeoutMs,
      intervalMs: this.options.intervalMs ?? 5_000,
      description: `a running task of ECS service ${host.instanceId}`,
    }).catch(() => {
      throw new CodedError(
        'DB.PROVISION_FAILED',
        `ECS service ${host.instanceId} on ${this.cluster} has no running task with a private IP after ${this.options.timeoutMs} ms`,
      );
    });
    return { boltUri: `bolt://${ip}:7687`, tags: {} };
  }

  /** Deleting the service stops its task. */
  async stop(): Promise<void> {}

  private async runningTaskIp(serviceName: string): Promise<string | undefined> {
    const listed = await this.ecs.send(
      new ListTasksCommand({ cluster: this.cluster, serviceName, desiredStatus: 'RUNNING' }),
    );
    if (!listed.taskArns?.length) return undefined;
    const described = await this.ecs.send(new DescribeTasksCommand({ cluster: this.cluster, tasks: listed.taskArns }));
    return (described.tasks ?? [])
      .filter((task) => task.lastStatus === 'RUNNING')
      .map(privateIpOfTask)
      .find((ip) => ip !== undefined);
  }
}
