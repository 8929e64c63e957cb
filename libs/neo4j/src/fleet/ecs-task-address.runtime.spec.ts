// Unit specs of the ECS fleet's AWS runtime on a fake ECS API: the Bolt address is the running task's private IP, or a timeout.
import { DescribeTasksCommand, ECSClient, ListTasksCommand, Task } from '@aws-sdk/client-ecs';
import { EcsTaskAddressRuntime } from './ecs-task-address.runtime';

/** ListTasks and DescribeTasks over the tasks each poll (a ListTasks) sees; the last poll repeats. */
class FakeEcs {
  readonly listed: ListTasksCommand['input'][] = [];
  private tasks: Task[] = [];
  constructor(private readonly polls: Task[][]) {}

  async send(command: unknown): Promise<unknown> {
    if (command instanceof ListTasksCommand) {
      this.listed.push(command.input);
      this.tasks = this.polls.length > 1 ? (this.polls.shift() as Task[]) : this.polls[0];
      return { taskArns: this.tasks.map((task) => task.taskArn) };
    }
    if (command instanceof DescribeTasksCommand)
      return { tasks: this.tasks.filter((task) => command.input.tasks?.includes(task.taskArn ?? '')) };
    throw new Error(`the fake ECS does not know ${(command as object).constructor.name}`);
  }
}

const task = (lastStatus: string, ip?: string): Task => ({
  taskArn: `arn:aws:ecs:eu-central-1:123456789012:task/dco-neo4j/${lastStatus}${ip ?? ''}`,
  lastStatus,
  attachments: [
    {
      type: 'ElasticNetworkInterface',
      details: ip ? [{ name: 'privateIPv4Address', value: ip }] : [{ name: 'subnetId', value: 'subnet-1' }],
    },
  ],
});

// The default budget only stops a hang: on a loaded machine the three 10 ms polls of the first spec may take seconds.
const runtimeOn = (ecs: FakeEcs, timeoutMs = 20_000) =>
  new EcsTaskAddressRuntime(ecs as unknown as ECSClient, 'dco-neo4j', { timeoutMs, intervalMs: 10 });

describe('EcsTaskAddressRuntime', () => {
  it("answers with the running task's private IP once it has one, asking for the service's running tasks", async () => {
    const ecs = new FakeEcs([[], [task('PROVISIONING')], [task('PENDING', '10.0.1.7')], [task('RUNNING', '10.0.1.7')]]);
    const started = await runtimeOn(ecs).start({ instanceId: 'neo4j-green-1', tags: {} });
    expect(started).toEqual({ boltUri: 'bolt://10.0.1.7:7687', tags: {} });
    expect(ecs.listed[0]).toEqual({ cluster: 'dco-neo4j', serviceName: 'neo4j-green-1', desiredStatus: 'RUNNING' });
  });

  it('gives up with DB.PROVISION_FAILED when no task runs within the timeout', async () => {
    const error = await runtimeOn(new FakeEcs([[task('RUNNING')]]), 50)
      .start({ instanceId: 'neo4j-green-2', tags: {} })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'DB.PROVISION_FAILED', message: expect.stringContaining('neo4j-green-2') });
  });
});
