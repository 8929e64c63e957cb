// The runs REST API over HTTP (in-memory bus): validation, codes, named credentials and their roles, and what each call
// publishes.
import { INestApplication, Module } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AnyMessage, FIXTURE_DATA, createMessage, systemClock } from '@dco/contracts';
import { InMemoryMessageBus } from '@dco/messaging';
import { CLOCK, PlatformModule, loadConfig, sha256Hex, uuidGenerator } from '@dco/platform';
import { OrchestratorConfig } from '../orchestrator.config';
import { OrchestratorModule } from '../orchestrator.module';
import { RunRegistry } from '../run-saga/run-registry';

const TOKEN = 'operator-token-0123456789';
const ADMIN = 'admin-token-0123456789';
const VIEWER = 'viewer-token-0123456789';
const ROTATED = 'operator-token-rotated-0123';
const CREDENTIALS = [
  `alice:operator:${sha256Hex(TOKEN)}`,
  `alice:operator:${sha256Hex(ROTATED)}`,
  `root:admin:${sha256Hex(ADMIN)}`,
  `val:viewer:${sha256Hex(VIEWER)}`,
].join(',');
// A future day, so that the DCO deadline leaves room for the update stages.
const DAY = '2099-06-01';

// Each test boots a Nest application; on a loaded shared machine that can take several seconds.
jest.setTimeout(30_000);

describe('runs API', () => {
  let app: INestApplication;
  let bus: InMemoryMessageBus;
  let registry: RunRegistry;
  /** The orchestrator's clock reads this instant when a test pins it, else the system time. */
  let pinnedNow: Date | undefined;
  /** Requests with a credential (the admin's by default: DAY is years ahead, which an operator may not start). */
  const api = (token: string | null = ADMIN) => {
    const auth = (call: request.Test): request.Test => (token ? call.set('authorization', `Bearer ${token}`) : call);
    return {
      get: (path: string): request.Test => auth(request(app.getHttpServer()).get(path)),
      post: (path: string): request.Test => auth(request(app.getHttpServer()).post(path)),
    };
  };

  const published = (type: string): AnyMessage[] =>
    bus.broker.records(type).map((r) => JSON.parse(String(r.value)) as AnyMessage);
  const publish = async (message: AnyMessage) => {
    await bus.publish(message);
    await bus.broker.idle();
  };
  const answerLast = async (command: string, type: 'ChangesDetected', data: object) => {
    const cause = published(command).at(-1) as AnyMessage;
    await publish(
      createMessage(
        type,
        data as never,
        { runId: cause.runId, producer: 'detector', causedBy: cause },
        { clock: systemClock, ids: uuidGenerator },
      ),
    );
  };

  beforeEach(async () => {
    pinnedNow = undefined;
    bus = new InMemoryMessageBus();
    const config = loadConfig(OrchestratorConfig, {
      DCO_PROFILE: 'embedded',
      DCO_API_CREDENTIALS: CREDENTIALS,
      DCO_API_RATE_LIMIT_DECISIONS: '20',
    });
    @Module({
      imports: [PlatformModule.forRoot({ service: 'orchestrator', config, bus }), OrchestratorModule.register(config)],
    })
    class TestRoot {}
    const moduleRef = await Test.createTestingModule({ imports: [TestRoot] })
      .overrideProvider(CLOCK)
      .useValue({ now: () => (pinnedNow ? new Date(pinnedNow) : new Date()) })
      .compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    registry = app.get(RunRegistry);
  });

  afterEach(async () => {
    await app.close();
  });

  it('starts the day run, then a rerun, and lists both newest first', async () => {
    const first = await api().post('/api/runs').send({ day: DAY }).expect(202);
    expect(first.body).toMatchObject({ runId: `dco-${DAY}`, day: DAY, rerun: false });
    await bus.broker.idle();
    // The first run is still active: a rerun would race it.
    const busy = await api().post('/api/runs').send({ day: DAY }).expect(409);
    expect(busy.body.code).toBe('RUN.ALREADY_ACTIVE');

    await answerLast('DetectChanges', 'ChangesDetected', { day: DAY, changes: [], sources: [] });
    const dco = published('RunDco').at(-1) as AnyMessage;
    await publish(
      createMessage(
        'DcoCompleted',
        { ...FIXTURE_DATA.DcoCompleted, day: DAY },
        { runId: dco.runId, producer: 'dco-runner', causedBy: dco },
        { clock: systemClock, ids: uuidGenerator },
      ),
    );
    expect(registry.get(`dco-${DAY}`)?.status).toBe('Completed');

    const rerun = await api().post('/api/runs').send({ day: DAY }).expect(202);
    expect(rerun.body).toMatchObject({ runId: `dco-${DAY}-r1`, rerun: true, requestedBy: 'root' });
    await bus.broker.idle();
    expect(published('RunRequested').map((m) => m.runId)).toEqual([`dco-${DAY}`, `dco-${DAY}-r1`]);

    const list = await api().get('/api/runs').expect(200);
    expect(list.body.map((run: { runId: string }) => run.runId)).toEqual([`dco-${DAY}-r1`, `dco-${DAY}`]);
    const one = await api().get(`/api/runs/dco-${DAY}`).expect(200);
    expect(one.body.steps.map((s: { step: string; outcome: string }) => `${s.step}:${s.outcome}`)).toEqual([
      'detect:succeeded',
      'run-dco:succeeded',
    ]);
    expect(one.body.resultHash).toBe(FIXTURE_DATA.DcoCompleted.resultHash);
  });

  it.each([
    ['a bad day', { day: '2026-02-30x' }, 'day: day must be a day as YYYY-MM-DD'],
    ['an unknown field', { day: DAY, force: true }, 'force'],
    ['a requester in the body (the actor is the credential)', { requestedBy: 'mallory' }, 'requestedBy'],
  ])('refuses %s with API.VALIDATION_FAILED and publishes nothing', async (_name, body, text) => {
    const response = await api().post('/api/runs').send(body).expect(400);
    expect(response.body.code).toBe('API.VALIDATION_FAILED');
    expect(response.body.message).toContain(text);
    expect(published('RunRequested')).toHaveLength(0);
  });

  it('answers malformed JSON and unknown runs with codes', async () => {
    const malformed = await api().post('/api/runs').set('content-type', 'application/json').send('{"day":').expect(400);
    expect(malformed.body.code).toBe('API.VALIDATION_FAILED');
    expect((await api().get('/api/runs/dco-2026-01-01').expect(404)).body.code).toBe('RUN.NOT_FOUND');
    expect((await api().get('/api/runs/not-a-run').expect(400)).body.code).toBe('API.VALIDATION_FAILED');
    expect((await api().get('/api/runs?limit=0').expect(400)).body.code).toBe('API.VALIDATION_FAILED');
  });

  describe('approvals', () => {
    const awaitApproval = async () => {
      await api().post('/api/runs').send({ day: DAY }).expect(202);
      await bus.broker.idle();
      await answerLast('DetectChanges', 'ChangesDetected', {
        day: DAY,
        changes: [{ kind: 'app-release', subject: 'api', to: 'v2', risk: 'high', reason: 'schema change' }],
        sources: [],
      });
      expect(registry.get(`dco-${DAY}`)?.status).toBe('AwaitingApproval');
    };
    const decide = (action: 'approve' | 'reject', token?: string, body: object = { reason: 'reviewed' }) => {
      return api(token ?? null)
        .post(`/api/runs/dco-${DAY}/${action}`)
        .send(body);
    };

    it.each([
      ['no token', undefined, 401, 'API.UNAUTHORIZED'],
      ['a wrong token', 'operator-token-9999999999', 401, 'API.UNAUTHORIZED'],
      ['a viewer token', VIEWER, 403, 'API.FORBIDDEN'],
    ])('refuses %s', async (_name, token, status, code) => {
      await awaitApproval();
      const response = await decide('approve', token).expect(status);
      expect(response.body.code).toBe(code);
      expect(published('ApprovalGranted')).toHaveLength(0);
    });

    it("approves with the credential's name and the reason, and the run goes on", async () => {
      await awaitApproval();
      const accepted = await decide('approve', TOKEN).expect(202);
      expect(accepted.body).toMatchObject({ decision: 'granted', by: 'alice' });
      await bus.broker.idle();
      const run = registry.get(`dco-${DAY}`);
      expect(run?.status).toBe('ApplyingInfra');
      expect(run?.approvals[0].decision).toMatchObject({ granted: true, by: 'alice', reason: 'reviewed' });
      // The audit trail (ADR 0028) names the credential, not anything the body said, and a viewer may read it.
      const audit = await api(VIEWER).get(`/api/audit?day=${DAY}`).expect(200);
      expect(audit.body).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ kind: 'change-detected', actor: 'detector', reason: 'schema change' }),
          expect.objectContaining({ kind: 'approval-granted', actor: 'alice', reason: 'reviewed' }),
          expect.objectContaining({
            kind: 'transition',
            actor: 'alice',
            from: 'AwaitingApproval',
            to: 'ApplyingInfra',
          }),
        ]),
      );
    });

    it('accepts the old and the new token of a credential during a rotation', async () => {
      await awaitApproval();
      await decide('approve', ROTATED).expect(202);
      await bus.broker.idle();
      expect(registry.get(`dco-${DAY}`)?.approvals[0].decision).toMatchObject({ by: 'alice' });
    });

    it('refuses a body that names who decides (by), publishing nothing', async () => {
      await awaitApproval();
      const response = await decide('approve', TOKEN, { by: 'mallory', reason: 'x' }).expect(400);
      expect(response.body).toEqual({ code: 'API.VALIDATION_FAILED', message: expect.stringContaining('by') });
      expect(published('ApprovalGranted')).toHaveLength(0);
    });

    it('limits the decisions of one actor per minute (API.RATE_LIMITED with Retry-After)', async () => {
      await awaitApproval();
      // DCO_API_RATE_LIMIT_DECISIONS=20 here; each call counts, answered or not.
      for (let i = 0; i < 20; i += 1) await decide('approve', TOKEN, { reason: '' }).expect(400);
      const limited = await decide('approve', TOKEN).expect(429);
      expect(limited.body.code).toBe('API.RATE_LIMITED');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      // Another actor is counted on its own.
      await decide('approve', ADMIN).expect(202);
    });

    it('rejects, and the run skips its updates', async () => {
      await awaitApproval();
      await decide('reject', TOKEN, { reason: 'freeze' }).expect(202);
      await bus.broker.idle();
      expect(registry.get(`dco-${DAY}`)?.status).toBe('RunningDco');
    });

    it('refuses a decision for a run that does not wait, or does not exist, or lacks a reason', async () => {
      await api().post('/api/runs').send({ day: DAY }).expect(202);
      await bus.broker.idle();
      expect((await decide('approve', TOKEN).expect(409)).body.code).toBe('RUN.NOT_AWAITING_APPROVAL');
      const missing = await api(TOKEN).post('/api/runs/dco-2026-01-01/reject').send({ reason: 'b' }).expect(404);
      expect(missing.body.code).toBe('RUN.NOT_FOUND');
      const noReason = await decide('approve', TOKEN, {}).expect(400);
      expect(noReason.body).toEqual({ code: 'API.VALIDATION_FAILED', message: expect.stringContaining('reason') });
    });
  });

  describe('resume', () => {
    const RUN = `dco-${DAY}`;
    const reply = async (
      command: string,
      type: 'ChangesDetected' | 'InfraApplyFailed' | 'InfraRollbackFailed' | 'InfraRolledBack' | 'DcoFailed',
      data: object,
      producer = 'infra-deployer',
    ) => {
      const cause = published(command).at(-1) as AnyMessage;
      await publish(
        createMessage(
          type,
          data as never,
          { runId: cause.runId, producer: producer as never, causedBy: cause },
          { clock: systemClock, ids: uuidGenerator },
        ) as AnyMessage,
      );
    };
    const failure = (code: string) => ({ failure: { code, message: `${code} in the spec` } });
    /** A run whose infra apply failed and whose infra rollback failed too: parked in Failed with rollback-infra left. */
    const parkRun = async () => {
      await api().post('/api/runs').send({ day: DAY }).expect(202);
      await bus.broker.idle();
      await reply(
        'DetectChanges',
        'ChangesDetected',
        {
          day: DAY,
          changes: [
            { kind: 'terraform-config', subject: 'infra/', from: 'a', to: 'b', risk: 'low', reason: 'config changed' },
          ],
          sources: [],
        },
        'detector',
      );
      await reply('ApplyInfra', 'InfraApplyFailed', failure('INFRA.APPLY_FAILED'));
      await reply('RollbackInfra', 'InfraRollbackFailed', failure('INFRA.ROLLBACK_FAILED'));
      expect(registry.get(RUN)).toMatchObject({ status: 'Failed', compensations: ['rollback-infra'] });
    };
    const resume = (
      runId: string,
      token: string | null = TOKEN,
      body: object = { reason: 'state lock released by hand' },
    ) => api(token).post(`/api/runs/${runId}/resume`).send(body);

    it('re-issues the failed compensation as a fresh command, records who and why, and the run goes on to the DCO', async () => {
      await parkRun();
      const response = await resume(RUN).expect(202);
      expect(response.body).toEqual({ runId: RUN, step: 'rollback-infra', eventId: expect.any(String), by: 'alice' });
      await bus.broker.idle();
      const rollbacks = published('RollbackInfra');
      expect(rollbacks).toHaveLength(2);
      expect(rollbacks[1].eventId).not.toBe(rollbacks[0].eventId);
      expect(rollbacks[1]).toMatchObject({ runId: RUN, causationId: response.body.eventId });
      const one = (await api().get(`/api/runs/${RUN}`).expect(200)).body;
      expect(one).toMatchObject({
        status: 'RollingBackInfra',
        pendingCompensations: [],
        resumes: [
          {
            step: 'rollback-infra',
            by: 'alice',
            reason: 'state lock released by hand',
            failure: { code: 'INFRA.ROLLBACK_FAILED' },
          },
        ],
      });
      await reply('RollbackInfra', 'InfraRolledBack', FIXTURE_DATA.InfraRolledBack);
      expect(published('RunDco').at(-1)?.data).toMatchObject({ afterRollback: true });
      expect(registry.get(RUN)?.status).toBe('RunningDco');
    });

    it('refuses a missing token, a bad run id, an unknown run, a run that is not Failed and a missing reason, publishing nothing', async () => {
      await api().post('/api/runs').send({ day: DAY }).expect(202);
      await bus.broker.idle();
      expect((await resume(RUN, null).expect(401)).body.code).toBe('API.UNAUTHORIZED');
      expect((await resume('dco-tomorrow').expect(400)).body.code).toBe('API.VALIDATION_FAILED');
      expect((await resume('dco-2026-01-01').expect(404)).body.code).toBe('RUN.NOT_FOUND');
      expect((await resume(RUN).expect(409)).body).toEqual({
        code: 'RUN.NOT_FAILED',
        message: `${RUN} is Detecting; only a Failed run can be resumed`,
      });
      const noReason = await resume(RUN, TOKEN, {}).expect(400);
      expect(noReason.body).toEqual({ code: 'API.VALIDATION_FAILED', message: expect.stringContaining('reason') });
      expect((await resume(RUN, TOKEN, { reason: '' }).expect(400)).body.code).toBe('API.VALIDATION_FAILED');
      expect((await resume(RUN, TOKEN, { by: 'carol', reason: 'x' }).expect(400)).body.code).toBe(
        'API.VALIDATION_FAILED',
      );
      expect(published('RunResumeRequested')).toHaveLength(0);
    });

    it('refuses a run whose DCO failed with nothing left to roll back: that needs a rerun', async () => {
      await api().post('/api/runs').send({ day: DAY }).expect(202);
      await bus.broker.idle();
      await reply('DetectChanges', 'ChangesDetected', { day: DAY, changes: [], sources: [] }, 'detector');
      await reply('RunDco', 'DcoFailed', failure('DCO.EXECUTION_FAILED'), 'dco-runner');
      expect(registry.get(RUN)?.status).toBe('Failed');
      expect((await resume(RUN).expect(409)).body.code).toBe('RUN.NOTHING_TO_RESUME');
      expect(published('RunResumeRequested')).toHaveLength(0);
    });
  });

  describe('credentials', () => {
    /**
     * Pins the orchestrator's clock to the last millisecond of a UTC day and answers that day: the service's "today" and
     * the spec's are one reading, which a midnight passing while the test runs cannot split.
     */
    const pinToday = (): string => {
      pinnedNow = new Date('2026-11-26T23:59:59.999Z');
      return '2026-11-26';
    };
    const dayAfter = (day: string, days: number) =>
      new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

    it('answers /health without a credential and every read only with one (viewer and up)', async () => {
      await api(null).get('/health').expect(200);
      expect((await api(null).get('/api/runs').expect(401)).body.code).toBe('API.UNAUTHORIZED');
      expect((await api('not-a-token-at-all').get('/api/runs').expect(401)).body.code).toBe('API.UNAUTHORIZED');
      await api(VIEWER).get('/api/runs').expect(200);
      expect((await api(null).get('/api/events').expect(401)).body.code).toBe('API.UNAUTHORIZED');
      expect((await api(null).get(`/api/audit?day=${DAY}`).expect(401)).body.code).toBe('API.UNAUTHORIZED');
      expect((await api(VIEWER).get(`/api/audit?day=${DAY}`).expect(200)).body).toEqual([]);
    });

    it.each([
      ['no day', '/api/audit', 'day must be a day'],
      ['a malformed day', '/api/audit?day=2026-13-01', 'day must be a day'],
      ['a malformed run id', `/api/audit?day=${DAY}&runId=../etc`, 'runId must look like'],
      ['an unknown parameter', `/api/audit?day=${DAY}&limit=5`, 'limit'],
    ])('refuses an audit read with %s (API.VALIDATION_FAILED)', async (_name, path, message) => {
      const response = await api(VIEWER).get(path).expect(400);
      expect(response.body).toEqual({ code: 'API.VALIDATION_FAILED', message: expect.stringContaining(message) });
    });

    it("records an operator's approval to heal during the DCO under the credential's name; a viewer may only list them", async () => {
      const approval = { fault: 'ecs-unhealthy', target: 'dco-runner', reason: 'the runner lost its tasks' };
      const forbidden = await api(VIEWER).post('/api/heal/approvals').send(approval).expect(403);
      expect(forbidden.body.code).toBe('API.FORBIDDEN');
      expect((await api(null).get('/api/heal/approvals').expect(401)).body.code).toBe('API.UNAUTHORIZED');
      const granted = await api(TOKEN).post('/api/heal/approvals').send(approval).expect(202);
      expect(granted.body).toEqual({ ...approval, actor: 'alice', at: expect.any(String) });
      expect((await api(VIEWER).get('/api/heal/approvals').expect(200)).body).toEqual([granted.body]);
      expect(published('AuditRecorded').at(-1)).toMatchObject({
        data: { kind: 'heal-approved', actor: 'alice', cause: 'ecs-unhealthy', reason: 'the runner lost its tasks' },
      });
    });

    it.each([
      ['an unknown fault', { fault: 'disk-full', target: 'x', reason: 'r' }, 'fault must be one of'],
      ['a target with a space', { fault: 'ecs-unhealthy', target: 'dco runner', reason: 'r' }, 'target must be'],
      ['no reason', { fault: 'ecs-unhealthy', target: 'dco-runner' }, 'reason must'],
      ['an actor in the body', { fault: 'ecs-unhealthy', target: 'dco-runner', reason: 'r', actor: 'bob' }, 'actor'],
    ])('refuses a heal approval with %s (API.VALIDATION_FAILED)', async (_name, body, message) => {
      const response = await api(TOKEN).post('/api/heal/approvals').send(body).expect(400);
      expect(response.body).toEqual({ code: 'API.VALIDATION_FAILED', message: expect.stringContaining(message) });
    });

    it('lets a viewer read but not start a run (API.FORBIDDEN)', async () => {
      const response = await api(VIEWER).post('/api/runs').send({ day: pinToday() }).expect(403);
      expect(response.body).toEqual({ code: 'API.FORBIDDEN', message: expect.stringContaining('needs operator') });
      expect(published('RunRequested')).toHaveLength(0);
    });

    it('lets an operator start a run of today or tomorrow only; another day needs an admin', async () => {
      // The orchestrator's time zone is UTC here.
      const today = pinToday();
      await api(TOKEN).post('/api/runs').send({ day: today }).expect(202);
      await api(TOKEN)
        .post('/api/runs')
        .send({ day: dayAfter(today, 1) })
        .expect(202);
      for (const day of [dayAfter(today, 2), dayAfter(today, -1)]) {
        const refused = await api(TOKEN).post('/api/runs').send({ day }).expect(403);
        expect(refused.body.code).toBe('API.FORBIDDEN');
      }
      expect(published('RunRequested').map((m) => (m.data as { requestedBy: string }).requestedBy)).toEqual([
        'alice',
        'alice',
      ]);
      await api(ADMIN)
        .post('/api/runs')
        .send({ day: dayAfter(today, 2) })
        .expect(202);
    });

    it('exchanges a token for an HttpOnly SameSite=Strict session cookie that authenticates reads and decisions', async () => {
      expect((await api(null).post('/api/session').send({ token: 'wrong-wrong' }).expect(401)).body.code).toBe(
        'API.UNAUTHORIZED',
      );
      expect((await api(null).post('/api/session').send({}).expect(400)).body.code).toBe('API.VALIDATION_FAILED');
      const signIn = await api(null).post('/api/session').send({ token: TOKEN }).expect(200);
      expect(signIn.body).toEqual({ name: 'alice', role: 'operator' });
      const cookie = String(signIn.headers['set-cookie']);
      expect(cookie).toMatch(/^dco_session=[\w-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/);
      const session = cookie.split(';')[0];
      await request(app.getHttpServer()).get('/api/runs').set('cookie', session).expect(200);
      expect((await request(app.getHttpServer()).get('/api/session').set('cookie', session).expect(200)).body).toEqual({
        name: 'alice',
        role: 'operator',
      });
      await request(app.getHttpServer()).delete('/api/session').set('cookie', session).expect(204);
      const gone = await request(app.getHttpServer()).get('/api/runs').set('cookie', session).expect(401);
      expect(gone.body.code).toBe('API.UNAUTHORIZED');
    });
  });

  it('serves the OpenAPI document: the routes of the checked-in one (this app has no /metrics)', async () => {
    const response = await api(null).get('/api/openapi.json').expect(200);
    const checkedIn = JSON.parse(
      readFileSync(join(__dirname, '../../../../docs/openapi/orchestrator.openapi.json'), 'utf8'),
    );
    for (const path of Object.keys(response.body.paths))
      expect(response.body.paths[path]).toEqual(checkedIn.paths[path]);
    expect(Object.keys(response.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/runs',
        '/api/runs/{runId}',
        '/api/runs/{runId}/approve',
        '/api/runs/{runId}/reject',
        '/api/runs/{runId}/resume',
      ]),
    );
    const resume = response.body.paths['/api/runs/{runId}/resume'].post;
    expect(Object.keys(resume.responses)).toEqual(
      expect.arrayContaining(['202', '400', '401', '403', '404', '409', '429']),
    );
    expect(resume.security).toEqual([{ bearer: [] }, { session: [] }]);
    expect(response.body.paths['/health'].get.security).toEqual([]);
    await api().get('/api/docs/').expect(200);
  });

  it('serves the AsyncAPI document of the bus, the one checked in', async () => {
    const response = await api().get('/api/asyncapi.json').expect(200);
    expect(response.body).toEqual(JSON.parse(readFileSync(join(__dirname, '../../../../docs/asyncapi.json'), 'utf8')));
  });
});
