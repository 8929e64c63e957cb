// The client generated from the orchestrator's OpenAPI document (openapi-typescript types, openapi-fetch) against an
// orchestrator process on the real Kafka: approve, reject and resume a run, the workers' answers published by the spec.
import createClient from 'openapi-fetch';
import type { paths } from '../apps/orchestrator/src/runs-api/orchestrator-api.types';
import { DataOf, FailureCode, MessageType } from '@dco/contracts';
import { AppProcess, waitFor } from '@dco/testing';
import { E2E_TOKENS, SagaE2eEnvironment, futureDay, waitForRun } from './support/saga-e2e.harness';

jest.setTimeout(300_000);

describe('the generated orchestrator API client against the orchestrator process', () => {
  let env: SagaE2eEnvironment;
  let orchestrator: AppProcess;

  // One orchestrator for the suite: a retried test must not start a second one in the same consumer group.
  beforeAll(async () => {
    env = await new SagaE2eEnvironment().open();
    orchestrator = await env.start('orchestrator');
  });
  afterAll(() => env.close());

  it('approves, rejects and resumes runs through the typed client', async () => {
    // Operators decide; the runs are of days ahead, which only an admin may start (the spec ticks them instead).
    const as = (name: keyof typeof E2E_TOKENS) =>
      createClient<paths>({ baseUrl: orchestrator.url, headers: { authorization: `Bearer ${E2E_TOKENS[name]}` } });
    const client = as('alice');
    /** The worker's answer to the run's command, as the stage service would publish it. */
    const answer = async <T extends MessageType>(runId: string, command: MessageType, type: T, data: DataOf<T>) =>
      env.publish(type, data, runId, await env.waitForMessage(runId, command));
    const failure = (code: FailureCode) => ({ failure: { code, message: `${code} in the spec` } });
    const days = new Set<string>();
    while (days.size < 3) days.add(futureDay());
    const [approved, rejected, resumed] = [...days].map((day) => ({ day, runId: `dco-${day}` }));

    for (const run of [approved, rejected]) {
      await env.tick(run.day);
      await answer(run.runId, 'DetectChanges', 'ChangesDetected', {
        day: run.day,
        changes: [{ kind: 'app-release', subject: 'api', to: 'v2', risk: 'high', reason: 'schema change' }],
        sources: [],
      });
      await waitForRun(orchestrator, run.runId, (view) => view.status === 'AwaitingApproval');
    }
    const approval = await client.POST('/api/runs/{runId}/approve', {
      params: { path: { runId: approved.runId } },
      body: { reason: 'reviewed' },
    });
    expect(approval.data).toMatchObject({ runId: approved.runId, decision: 'granted', by: 'alice' });
    await env.waitForMessage(approved.runId, 'ApplyInfra');
    const viewerTry = await as('e2e-viewer').POST('/api/runs/{runId}/reject', {
      params: { path: { runId: rejected.runId } },
      body: { reason: 'a viewer may not decide' },
    });
    expect([viewerTry.response.status, viewerTry.error?.code]).toEqual([403, 'API.FORBIDDEN']);
    const rejection = await as('bob').POST('/api/runs/{runId}/reject', {
      params: { path: { runId: rejected.runId } },
      body: { reason: 'freeze' },
    });
    expect(rejection.data).toMatchObject({ runId: rejected.runId, decision: 'rejected', by: 'bob' });
    await env.waitForMessage(rejected.runId, 'RunDco');

    await env.tick(resumed.day);
    await answer(resumed.runId, 'DetectChanges', 'ChangesDetected', {
      day: resumed.day,
      changes: [
        { kind: 'terraform-config', subject: 'infra/', from: 'a', to: 'b', risk: 'low', reason: 'config changed' },
      ],
      sources: [],
    });
    await answer(resumed.runId, 'ApplyInfra', 'InfraApplyFailed', failure('INFRA.APPLY_FAILED'));
    await answer(resumed.runId, 'RollbackInfra', 'InfraRollbackFailed', failure('INFRA.ROLLBACK_FAILED'));
    await waitForRun(orchestrator, resumed.runId, (view) => view.status === 'Failed');
    const resume = await client.POST('/api/runs/{runId}/resume', {
      params: { path: { runId: resumed.runId } },
      body: { reason: 'lock released' },
    });
    expect(resume.data).toMatchObject({ runId: resumed.runId, step: 'rollback-infra', by: 'alice' });
    await waitForRun(orchestrator, resumed.runId, (view) => view.status === 'RollingBackInfra');
    // The run's view can change before the spec's tap has read the command the same transaction wrote.
    await waitFor(() => env.distinct(resumed.runId, 'RollbackInfra').length >= 2, {
      description: 'the resumed compensation command',
      timeoutMs: 60_000,
    });
    expect(env.distinct(resumed.runId, 'RollbackInfra')).toHaveLength(2);

    const refused = await client.POST('/api/runs/{runId}/resume', {
      params: { path: { runId: approved.runId } },
      body: { reason: 'again' },
    });
    expect(refused.response.status).toBe(409);
    expect(refused.error).toMatchObject({ code: 'RUN.NOT_FAILED' });
  });
});
