// Runs an existing DCO job as an ECS task (RunTask, poll DescribeTasks until STOPPED, exit code 0), then reads its result.
import {
  DescribeTasksCommand,
  DescribeTasksCommandInput,
  DescribeTasksCommandOutput,
  ECSClient,
  ListTasksCommand,
  ListTasksCommandInput,
  ListTasksCommandOutput,
  RunTaskCommand,
  RunTaskCommandInput,
  RunTaskCommandOutput,
  Task,
} from '@aws-sdk/client-ecs';
import { setTimeout as delay } from 'node:timers/promises';
import { CodedError } from '@dco/contracts';
import { assertValidDay, DcoExecutor, DcoLedger, DcoResult, DcoRunRequest } from '@dco/dco';
import { completedResult } from './offering-result';

/** The three ECS calls the executor makes (the SDK client in production, a scripted stand-in in unit specs). */
export interface EcsTaskApi {
  runTask(input: RunTaskCommandInput): Promise<RunTaskCommandOutput>;
  describeTasks(input: DescribeTasksCommandInput): Promise<DescribeTasksCommandOutput>;
  listTasks(input: ListTasksCommandInput): Promise<ListTasksCommandOutput>;
}

export const sdkEcsTaskApi = (client: ECSClient): EcsTaskApi => ({
  runTask: (input) => client.send(new RunTaskCommand(input)),
  describeTasks: (input) => client.send(new DescribeTasksCommand(input)),
  listTasks: (input) => client.send(new ListTasksCommand(input)),
});

export interface EcsTaskDcoOptions {
  cluster: string;
  /** Family, family:revision or ARN of the DCO job's task definition. */
  taskDefinition: string;
  /** The job container that receives DCO_DAY / DCO_RUN_ID in its environment. */
  containerName: string;
  launchType?: 'FARGATE' | 'EC2' | 'EXTERNAL';
  subnets?: string[];
  securityGroups?: string[];
  pollIntervalMs: number;
  timeoutMs: number;
  /** The clock the wait for STOPPED measures its timeout on (the system's by default). */
  now?: () => number;
}

const STARTED_BY_PREFIX = 'dco-offering-';

export class EcsTaskDcoExecutor implements DcoExecutor {
  constructor(
    private readonly ecs: EcsTaskApi,
    private readonly ledger: DcoLedger,
    private readonly options: EcsTaskDcoOptions,
  ) {}

  async execute(request: DcoRunRequest): Promise<DcoResult> {
    assertValidDay(request.day);
    const before = await this.ledger.findOffering(request.day);
    if (before?.status === 'COMPLETED') return completedResult(before, true);

    const taskArn = (await this.runningTaskFor(request.day)) ?? (await this.startTask(request));
    const task = await this.waitUntilStopped(taskArn);
    this.requireSuccess(task);

    const after = await this.ledger.findOffering(request.day);
    if (after?.status !== 'COMPLETED') {
      throw new CodedError(
        'DCO.TASK_FAILED',
        `DCO task ${taskArn} exited 0 but the offering of ${request.day} is ${after ? after.status : 'missing'} in the ledger`,
      );
    }
    return completedResult(after, false);
  }

  /** A redelivered RunDco finds the day's task still running and waits for it instead of starting a second one. */
  private async runningTaskFor(day: string): Promise<string | undefined> {
    const listed = await this.call('ListTasks', () =>
      this.ecs.listTasks({
        cluster: this.options.cluster,
        startedBy: STARTED_BY_PREFIX + day,
        desiredStatus: 'RUNNING',
      }),
    );
    return listed.taskArns?.[0];
  }

  private async startTask(request: DcoRunRequest): Promise<string> {
    const { cluster, taskDefinition, containerName, launchType, subnets, securityGroups } = this.options;
    const output = await this.call('RunTask', () =>
      this.ecs.runTask({
        cluster,
        taskDefinition,
        count: 1,
        startedBy: STARTED_BY_PREFIX + request.day,
        ...(launchType ? { launchType } : {}),
        ...(subnets?.length
          ? { networkConfiguration: { awsvpcConfiguration: { subnets, securityGroups, assignPublicIp: 'DISABLED' } } }
          : {}),
        overrides: {
          containerOverrides: [
            {
              name: containerName,
              environment: [
                { name: 'DCO_DAY', value: request.day },
                { name: 'DCO_RUN_ID', value: request.runId },
                { name: 'DCO_AFTER_ROLLBACK', value: String(request.afterRollback) },
              ],
            },
          ],
        },
        tags: [
          { key: 'dco:day', value: request.day },
          { key: 'dco:run-id', value: request.runId },
        ],
      }),
    );
    const failure = output.failures?.[0];
    const arn = output.tasks?.[0]?.taskArn;
    if (failure || !arn) {
      throw new CodedError(
        'DCO.TASK_FAILED',
        `RunTask of ${taskDefinition} on ${cluster} failed: ${failure?.reason ?? 'no task returned'}`,
        failure?.detail,
      );
    }
    return arn;
  }

  private async waitUntilStopped(taskArn: string): Promise<Task> {
    const now = this.options.now ?? Date.now;
    const deadline = now() + this.options.timeoutMs;
    for (;;) {
      const described = await this.call('DescribeTasks', () =>
        this.ecs.describeTasks({ cluster: this.options.cluster, tasks: [taskArn] }),
      );
      const task = described.tasks?.[0];
      if (!task)
        throw new CodedError(
          'DCO.TASK_FAILED',
          `DescribeTasks does not know task ${taskArn}: ${described.failures?.[0]?.reason ?? 'not found'}`,
        );
      if (task.lastStatus === 'STOPPED') return task;
      if (now() >= deadline) {
        throw new CodedError(
          'DCO.TASK_FAILED',
          `DCO task ${taskArn} still ${task.lastStatus} after ${this.options.timeoutMs} ms`,
        );
      }
      await delay(Math.min(this.options.pollIntervalMs, Math.max(deadline - now(), 0)));
    }
  }

  private requireSuccess(task: Task): void {
    const containers = task.containers ?? [];
    const failed = containers.filter((container) => container.exitCode !== 0);
    const stopCode = task.stopCode;
    if (
      containers.length > 0 &&
      failed.length === 0 &&
      (stopCode === undefined || stopCode === 'EssentialContainerExited')
    )
      return;
    const exits = containers.map(
      (container) =>
        `${container.name ?? '?'}=${container.exitCode ?? 'none'}${container.reason ? ` (${container.reason})` : ''}`,
    );
    throw new CodedError(
      'DCO.TASK_FAILED',
      `DCO task ${task.taskArn} stopped without success: ${stopCode ?? 'no stop code'}${task.stoppedReason ? `, ${task.stoppedReason}` : ''}; exit codes ${exits.join(', ') || 'none'}`,
    );
  }

  private async call<T>(operation: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof CodedError) throw error;
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new CodedError('DCO.TASK_FAILED', `ECS ${operation} failed: ${message}`, undefined, { cause: error });
    }
  }
}
