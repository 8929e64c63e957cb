// The ECS executor against the moto emulator, as far as moto goes.
// What moto simulates: clusters, task definitions, RunTask (with startedBy, overrides, tags), ListTasks, DescribeTasks.
// What it does not: it runs no container, an ECS task reads STOPPED on the first DescribeTasks (its state manager's
// default "immediate" progression, which this spec leaves alone because the emulator is shared) and every container
// reports exit code 0. So here the spec plays the job's part (it completes the offering when RunTask returns), and the
// non-zero exit, stop-code and timeout paths are covered by ecs-task-dco.executor.spec.ts with a scripted ECS.
import {
  CreateClusterCommand,
  DeleteClusterCommand,
  DeregisterTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { randomUUID } from 'node:crypto';
import { localEmulatorOptions } from '@dco/aws';
import { CodedError } from '@dco/contracts';
import { InMemoryDcoLedger } from '@dco/dco';
import { ReferenceDcoExecutor } from './reference-dco.executor';
import { EcsTaskDcoExecutor, EcsTaskDcoOptions, sdkEcsTaskApi } from './ecs-task-dco.executor';

const client = new ECSClient(localEmulatorOptions());
const suffix = randomUUID().slice(0, 8);
const cluster = `dco-spec-${suffix}`;
const family = `dco-job-spec-${suffix}`;
const DAY = '2026-11-26';
const request = { day: DAY, runId: `dco-${DAY}`, afterRollback: false };
let taskDefinitionArn = '';

beforeAll(async () => {
  await client.send(new CreateClusterCommand({ clusterName: cluster }));
  const registered = await client.send(
    new RegisterTaskDefinitionCommand({
      family,
      requiresCompatibilities: ['EC2'],
      containerDefinitions: [{ name: 'job', image: 'dco-job:1', essential: true, memory: 256, cpu: 128 }],
    }),
  );
  taskDefinitionArn = registered.taskDefinition?.taskDefinitionArn ?? '';
});
afterAll(async () => {
  await client.send(new DeregisterTaskDefinitionCommand({ taskDefinition: taskDefinitionArn })).catch(() => undefined);
  await client.send(new DeleteClusterCommand({ cluster })).catch(() => undefined);
  client.destroy();
});

const options = (overrides: Partial<EcsTaskDcoOptions> = {}): EcsTaskDcoOptions => ({
  cluster,
  taskDefinition: family,
  containerName: 'job',
  launchType: 'FARGATE',
  pollIntervalMs: 50,
  timeoutMs: 10_000,
  ...overrides,
});

async function ledgerWithJob() {
  const ledger = new InMemoryDcoLedger();
  await ledger.upsertAccounts([{ accountId: 'a' }, { accountId: 'b', cap: '100' }]);
  await ledger.addContributions(DAY, [
    { contributionId: 'c1', accountId: 'a', amount: '1' },
    { contributionId: 'c2', accountId: 'b', amount: '1' },
  ]);
  const job = new ReferenceDcoExecutor(
    ledger,
    { clock: { now: () => new Date() }, ids: { next: () => `job-${suffix}` } },
    { dailyAmount: '1000', batchSize: 10 },
  );
  return { ledger, job };
}

describe('EcsTaskDcoExecutor on the moto emulator', () => {
  it('starts the job task with the day in its environment, waits for STOPPED and returns the offering', async () => {
    const { ledger, job } = await ledgerWithJob();
    const api = sdkEcsTaskApi(client);
    const withJob = {
      ...api,
      runTask: async (input: Parameters<typeof api.runTask>[0]) => {
        const output = await api.runTask(input);
        await job.execute(request); // what the container would do; moto runs none
        return output;
      },
    };

    const result = await new EcsTaskDcoExecutor(withJob, ledger, options()).execute(request);
    expect(result).toEqual(
      expect.objectContaining({ day: DAY, offeringId: `job-${suffix}`, allocated: '1000', reused: false }),
    );

    const listed = await client.send(new ListTasksCommand({ cluster, startedBy: `dco-offering-${DAY}` }));
    expect(listed.taskArns).toHaveLength(1);
    const [task] = (await client.send(new DescribeTasksCommand({ cluster, tasks: listed.taskArns }))).tasks ?? [];
    expect(task.lastStatus).toBe('STOPPED');
    expect(task.taskDefinitionArn).toBe(taskDefinitionArn);
    expect(task.overrides?.containerOverrides?.[0]?.environment).toEqual(
      expect.arrayContaining([{ name: 'DCO_DAY', value: DAY }]),
    );

    // A rerun of the completed day answers from the ledger and starts no second task.
    const again = await new EcsTaskDcoExecutor(api, ledger, options()).execute({ ...request, runId: `dco-${DAY}-r1` });
    expect(again).toEqual({ ...result, reused: true });
    expect(
      (await client.send(new ListTasksCommand({ cluster, startedBy: `dco-offering-${DAY}` }))).taskArns,
    ).toHaveLength(1);
  });

  it('fails with DCO.TASK_FAILED when the task definition does not exist', async () => {
    const { ledger } = await ledgerWithJob();
    const error = await new EcsTaskDcoExecutor(
      sdkEcsTaskApi(client),
      ledger,
      options({ taskDefinition: `missing-${suffix}` }),
    )
      .execute({ ...request, day: '2026-11-27' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CodedError);
    expect((error as CodedError).code).toBe('DCO.TASK_FAILED');
    expect((error as CodedError).message).toMatch(/^ECS RunTask failed: /);
  });

  it('fails with DCO.TASK_FAILED when the task exits 0 but the job left no completed offering', async () => {
    const { ledger } = await ledgerWithJob();
    const error = await new EcsTaskDcoExecutor(sdkEcsTaskApi(client), ledger, options())
      .execute({ ...request, day: '2026-11-28' })
      .catch((caught: unknown) => caught);
    expect((error as CodedError).code).toBe('DCO.TASK_FAILED');
    expect((error as CodedError).message).toMatch(/exited 0 but the offering of 2026-11-28 is missing in the ledger/);
  });
});
