// The ECS executor's decisions against a scripted ECS: success, failed exits, stop codes, timeouts, reuse, resuming a task.
import { DescribeTasksCommandOutput, RunTaskCommandInput, RunTaskCommandOutput, Task } from '@aws-sdk/client-ecs';
import { CodedError } from '@dco/contracts';
import { InMemoryDcoLedger } from '@dco/dco';
import { ReferenceDcoExecutor } from './reference-dco.executor';
import { EcsTaskApi, EcsTaskDcoExecutor, EcsTaskDcoOptions } from './ecs-task-dco.executor';

const DAY = '2026-11-26';
const request = { day: DAY, runId: `dco-${DAY}`, afterRollback: false };
const options: EcsTaskDcoOptions = {
  cluster: 'dco',
  taskDefinition: 'dco-job:3',
  containerName: 'job',
  pollIntervalMs: 1,
  timeoutMs: 2_000,
  // A clock that stands still: however late a loaded machine runs the polls, a task that stops is never "still running
  // at the deadline". The deadline itself is specified on the system clock below.
  now: () => 0,
};
const ARN = 'arn:aws:ecs:us-east-1:123456789012:task/dco/abc';

/** ECS as a script: each DescribeTasks answers the next task state; RunTask runs `job` (what the container would do). */
class ScriptedEcs implements EcsTaskApi {
  runInputs: RunTaskCommandInput[] = [];
  describes = 0;
  constructor(
    private readonly states: Partial<Task>[],
    private readonly job: () => Promise<void> = async () => {},
    private readonly running: string[] = [],
  ) {}
  async runTask(input: RunTaskCommandInput): Promise<RunTaskCommandOutput> {
    this.runInputs.push(input);
    await this.job();
    return { tasks: [{ taskArn: ARN }], failures: [], $metadata: {} };
  }
  async describeTasks(): Promise<DescribeTasksCommandOutput> {
    const state = this.states[Math.min(this.describes, this.states.length - 1)];
    this.describes += 1;
    return { tasks: [{ taskArn: ARN, ...state }], $metadata: {} };
  }
  async listTasks() {
    return { taskArns: this.running, $metadata: {} };
  }
}

const stopped = (exitCode: number | undefined, extra: Partial<Task> = {}): Partial<Task> => ({
  lastStatus: 'STOPPED',
  containers: [{ name: 'job', exitCode }],
  ...extra,
});

async function seededLedger() {
  const ledger = new InMemoryDcoLedger();
  await ledger.upsertAccounts([{ accountId: 'a' }, { accountId: 'b' }]);
  await ledger.addContributions(DAY, [
    { contributionId: 'c1', accountId: 'a', amount: '1' },
    { contributionId: 'c2', accountId: 'b', amount: '3' },
  ]);
  const job = () =>
    new ReferenceDcoExecutor(
      ledger,
      { clock: { now: () => new Date('2026-11-26T09:00:00Z') }, ids: { next: () => 'offering-job' } },
      { dailyAmount: '400', batchSize: 10 },
    )
      .execute(request)
      .then(() => undefined);
  return { ledger, job };
}

async function failure(promise: Promise<unknown>): Promise<CodedError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof CodedError)) throw new Error(`expected a CodedError, got ${String(error)}`);
  return error;
}

describe('EcsTaskDcoExecutor', () => {
  it('runs the job task, waits for STOPPED with exit 0 and returns the offering the job completed', async () => {
    const { ledger, job } = await seededLedger();
    const ecs = new ScriptedEcs(
      [{ lastStatus: 'PROVISIONING' }, { lastStatus: 'RUNNING' }, stopped(0, { stopCode: 'EssentialContainerExited' })],
      job,
    );
    const result = await new EcsTaskDcoExecutor(ecs, ledger, {
      ...options,
      launchType: 'FARGATE',
      subnets: ['subnet-1'],
      securityGroups: ['sg-1'],
    }).execute(request);

    expect(result).toEqual(
      expect.objectContaining({
        day: DAY,
        offeringId: 'offering-job',
        allocated: '400',
        allocationCount: 2,
        reused: false,
      }),
    );
    expect(ecs.describes).toBe(3);
    expect(ecs.runInputs).toEqual([
      expect.objectContaining({
        cluster: 'dco',
        taskDefinition: 'dco-job:3',
        count: 1,
        startedBy: `dco-offering-${DAY}`,
        launchType: 'FARGATE',
        networkConfiguration: {
          awsvpcConfiguration: { subnets: ['subnet-1'], securityGroups: ['sg-1'], assignPublicIp: 'DISABLED' },
        },
        overrides: {
          containerOverrides: [
            {
              name: 'job',
              environment: [
                { name: 'DCO_DAY', value: DAY },
                { name: 'DCO_RUN_ID', value: `dco-${DAY}` },
                { name: 'DCO_AFTER_ROLLBACK', value: 'false' },
              ],
            },
          ],
        },
      }),
    ]);
  });

  it.each<[string, Partial<Task>, RegExp]>([
    [
      'a non-zero exit code',
      stopped(3, { stopCode: 'EssentialContainerExited' }),
      /stopped without success: EssentialContainerExited; exit codes job=3/,
    ],
    [
      'no exit code (never started)',
      stopped(undefined, { stopCode: 'TaskFailedToStart', stoppedReason: 'CannotPullContainerError' }),
      /TaskFailedToStart, CannotPullContainerError; exit codes job=none/,
    ],
    [
      'a user stop with exit 0',
      stopped(0, { stopCode: 'UserInitiated', stoppedReason: 'stopped by operator' }),
      /UserInitiated, stopped by operator/,
    ],
  ])('fails with DCO.TASK_FAILED on %s', async (_label, state, message) => {
    const { ledger, job } = await seededLedger();
    const error = await failure(
      new EcsTaskDcoExecutor(new ScriptedEcs([state], job), ledger, options).execute(request),
    );
    expect(error.code).toBe('DCO.TASK_FAILED');
    expect(error.message).toMatch(message);
  });

  it('fails when the task is still running at the deadline', async () => {
    const { ledger } = await seededLedger();
    const error = await failure(
      new EcsTaskDcoExecutor(new ScriptedEcs([{ lastStatus: 'RUNNING' }]), ledger, {
        ...options,
        timeoutMs: 20,
        now: undefined,
      }).execute(request),
    );
    expect(error.message).toBe(`DCO task ${ARN} still RUNNING after 20 ms`);
  });

  it('fails when the task exits 0 but the offering is not completed', async () => {
    const { ledger } = await seededLedger();
    const error = await failure(
      new EcsTaskDcoExecutor(new ScriptedEcs([stopped(0)]), ledger, options).execute(request),
    );
    expect(error.message).toBe(`DCO task ${ARN} exited 0 but the offering of ${DAY} is missing in the ledger`);
  });

  it('fails when RunTask reports a failure', async () => {
    const { ledger } = await seededLedger();
    const ecs = new ScriptedEcs([stopped(0)]);
    ecs.runTask = async () => ({
      tasks: [],
      failures: [{ reason: 'RESOURCE:MEMORY', detail: 'no capacity' }],
      $metadata: {},
    });
    const error = await failure(new EcsTaskDcoExecutor(ecs, ledger, options).execute(request));
    expect(error.message).toBe('RunTask of dco-job:3 on dco failed: RESOURCE:MEMORY');
    expect(error.detail).toBe('no capacity');
  });

  it('returns a completed day without starting a task', async () => {
    const { ledger, job } = await seededLedger();
    await job();
    const ecs = new ScriptedEcs([stopped(0)]);
    const result = await new EcsTaskDcoExecutor(ecs, ledger, options).execute(request);
    expect(result.reused).toBe(true);
    expect(ecs.runInputs).toEqual([]);
  });

  it("waits for the day's task that is already running instead of starting another", async () => {
    const { ledger, job } = await seededLedger();
    await job();
    const fresh = new InMemoryDcoLedger();
    const ecs = new ScriptedEcs([{ lastStatus: 'RUNNING' }, stopped(0)], async () => {}, [ARN]);
    // The ledger shows the offering only once the running task has finished.
    let reads = 0;
    const ledgerView = Object.assign(Object.create(fresh) as InMemoryDcoLedger, {
      findOffering: async (day: string) => (++reads === 1 ? null : ledger.findOffering(day)),
    });
    const result = await new EcsTaskDcoExecutor(ecs, ledgerView, options).execute(request);
    expect(ecs.runInputs).toEqual([]);
    expect(result).toEqual(expect.objectContaining({ reused: false, offeringId: 'offering-job' }));
  });
});
