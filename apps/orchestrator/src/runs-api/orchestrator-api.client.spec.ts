// A client generated from the orchestrator's OpenAPI document (openapi-typescript types + openapi-fetch) drives a run's
// approve, reject and resume against an orchestrator listening on a real port: the document is one clients can use.
import { INestApplication, Module } from '@nestjs/common';
import createClient from 'openapi-fetch';
import { AnyMessage, DataOf, FailureCode, MessageType, createMessage, systemClock } from '@dco/contracts';
import { InMemoryMessageBus } from '@dco/messaging';
import { PlatformModule, loadConfig, sha256Hex, uuidGenerator } from '@dco/platform';
import { Test } from '@nestjs/testing';
import { OrchestratorConfig } from '../orchestrator.config';
import { OrchestratorModule } from '../orchestrator.module';
import type { paths } from './orchestrator-api.types';

/** An admin: the spec's days are years ahead, which only an admin may start. */
const TOKEN = 'admin-token-0123456789';
jest.setTimeout(30_000);

describe('the generated orchestrator API client', () => {
  let app: INestApplication;
  let bus: InMemoryMessageBus;
  let client: ReturnType<typeof createClient<paths>>;

  /** The worker's reply to the last command of that type, as the stage service would publish it. */
  const reply = async <T extends MessageType>(
    command: string,
    type: T,
    data: DataOf<T>,
    producer: AnyMessage['producer'],
  ) => {
    const cause = JSON.parse(String(bus.broker.records(command).at(-1)?.value)) as AnyMessage;
    await bus.publish(
      createMessage(
        type,
        data,
        { runId: cause.runId, producer, causedBy: cause },
        { clock: systemClock, ids: uuidGenerator },
      ) as AnyMessage,
    );
    await bus.broker.idle();
  };
  const startRun = async (day: string) => {
    const { data, response } = await client.POST('/api/runs', { body: { day } });
    expect(response.status).toBe(202);
    await bus.broker.idle();
    return data?.runId as string;
  };
  const statusOf = async (runId: string) =>
    (await client.GET('/api/runs/{runId}', { params: { path: { runId } } })).data?.status;
  const risky = (day: string): DataOf<'ChangesDetected'> => ({
    day,
    changes: [{ kind: 'app-release', subject: 'api', to: 'v2', risk: 'high', reason: 'schema change' }],
    sources: [],
  });

  beforeEach(async () => {
    bus = new InMemoryMessageBus();
    const config = loadConfig(OrchestratorConfig, {
      DCO_PROFILE: 'embedded',
      DCO_API_CREDENTIALS: `root:admin:${sha256Hex(TOKEN)}`,
    });
    @Module({
      imports: [PlatformModule.forRoot({ service: 'orchestrator', config, bus }), OrchestratorModule.register(config)],
    })
    class TestRoot {}
    app = (await Test.createTestingModule({ imports: [TestRoot] }).compile()).createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    client = createClient<paths>({ baseUrl: await app.getUrl(), headers: { authorization: `Bearer ${TOKEN}` } });
  });

  afterEach(() => app.close());

  it('reads the coded refusal of a request without a credential', async () => {
    const anonymous = createClient<paths>({ baseUrl: await app.getUrl() });
    const { error, response } = await anonymous.GET('/api/runs');
    expect(response.status).toBe(401);
    expect(error).toMatchObject({ code: 'API.UNAUTHORIZED' });
  });

  it('approves a run waiting for approval', async () => {
    const runId = await startRun('2099-06-01');
    await reply('DetectChanges', 'ChangesDetected', risky('2099-06-01'), 'detector');
    expect(await statusOf(runId)).toBe('AwaitingApproval');
    const { data, response } = await client.POST('/api/runs/{runId}/approve', {
      params: { path: { runId } },
      body: { reason: 'reviewed' },
    });
    expect(response.status).toBe(202);
    expect(data).toMatchObject({ runId, decision: 'granted', by: 'root' });
    await bus.broker.idle();
    expect(await statusOf(runId)).toBe('ApplyingInfra');
  });

  it('rejects a run waiting for approval, and reads the coded refusal of a second decision', async () => {
    const runId = await startRun('2099-06-02');
    await reply('DetectChanges', 'ChangesDetected', risky('2099-06-02'), 'detector');
    const decision = { params: { path: { runId } }, body: { reason: 'freeze' } };
    expect((await client.POST('/api/runs/{runId}/reject', decision)).data).toMatchObject({
      runId,
      decision: 'rejected',
    });
    await bus.broker.idle();
    expect(await statusOf(runId)).toBe('RunningDco');
    const again = await client.POST('/api/runs/{runId}/reject', decision);
    expect(again.response.status).toBe(409);
    expect(again.error).toMatchObject({ code: 'RUN.NOT_AWAITING_APPROVAL' });
  });

  it('resumes a run parked in Failed by a failed compensation', async () => {
    const runId = await startRun('2099-06-03');
    const failure = (code: FailureCode) => ({ failure: { code, message: `${code} in the spec` } });
    await reply(
      'DetectChanges',
      'ChangesDetected',
      {
        day: '2099-06-03',
        changes: [
          { kind: 'terraform-config', subject: 'infra/', from: 'a', to: 'b', risk: 'low', reason: 'config changed' },
        ],
        sources: [],
      },
      'detector',
    );
    await reply('ApplyInfra', 'InfraApplyFailed', failure('INFRA.APPLY_FAILED'), 'infra-deployer');
    await reply('RollbackInfra', 'InfraRollbackFailed', failure('INFRA.ROLLBACK_FAILED'), 'infra-deployer');
    expect(await statusOf(runId)).toBe('Failed');
    const { data } = await client.POST('/api/runs/{runId}/resume', {
      params: { path: { runId } },
      body: { reason: 'lock released' },
    });
    expect(data).toEqual({ runId, step: 'rollback-infra', eventId: expect.any(String), by: 'root' });
    await bus.broker.idle();
    expect(await statusOf(runId)).toBe('RollingBackInfra');
  });
});
