// The dashboard in a real browser (Debian chromium, headless) against the orchestrator with its real saga and REST API on the
// in-memory bus: a run updating live to completed, a gated run approved by a click, alerts appearing, hostile values escaped.
// Then a second orchestrator on the local profile: the infrastructure panel read live from the AWS emulator (an EC2 Neo4j
// fleet and ECS services made for the spec) and a real pointer file, refreshed as they change by hand, a broken pointer
// shown as its coded error; and the last DR drills as `dco drill` publishes them.
import { INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrowserContext, Page, chromium } from 'playwright-core';
import { EC2Client, RegisterImageCommand, RunInstancesCommand, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { LOCAL_AWS_ENDPOINT, SdkEcsServices, localEmulatorOptions } from '@dco/aws';
import { FileConnectionPointerStore } from '@dco/neo4j';
import { DrillConfig, objectiveOf } from '../../../cli/src/drill/drill.config';
import { judge, measure } from '../../../cli/src/drill/drill.model';
import { publishDrillOutcomes } from '../../../cli/src/drill/drill.runner';
import { AnyMessage, DataOf, FIXTURE_DATA, MessageType, createMessage, systemClock } from '@dco/contracts';
import { InMemoryMessageBus } from '@dco/messaging';
import { PlatformModule, loadConfig, sha256Hex, uuidGenerator } from '@dco/platform';
import { runTraceIds } from '@dco/observability';
import { waitFor } from '@dco/testing';
import { OrchestratorConfig } from '../orchestrator.config';
import { OrchestratorModule } from '../orchestrator.module';

const TOKEN = 'dashboard-operator-token-0001';
const VIEWER_TOKEN = 'dashboard-viewer-token-0001';
const AS_VIEWER = { authorization: `Bearer ${VIEWER_TOKEN}` };
const ARTIFACTS = join(__dirname, '..', '..', '..', '..', 'test-artifacts', 'dashboard');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const WAIT_MS = 10_000;

const dayFromNow = (days: number): string => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const clock = systemClock;
const ids = uuidGenerator;

/** Scripted workers: each command waits until the test releases its type, then answers like its worker would. */
class Workers {
  readonly handled: AnyMessage[] = [];
  private readonly gates = new Map<string, () => void>();
  private readonly waiting = new Map<string, Promise<void>>();

  constructor(
    private readonly answers: Partial<
      Record<MessageType, (command: AnyMessage) => { type: MessageType; data: object }>
    >,
  ) {}

  hold(type: MessageType): void {
    this.waiting.set(type, new Promise<void>((resolve) => this.gates.set(type, resolve)));
  }

  release(type: MessageType): void {
    this.gates.get(type)?.();
    this.waiting.delete(type);
  }

  async start(bus: InMemoryMessageBus): Promise<void> {
    await bus.subscribe({
      group: 'scripted-workers',
      types: ['DetectChanges', 'ApplyInfra', 'MigrateDb', 'RunDco', 'RollbackDb', 'RollbackInfra'],
      handler: async (command) => {
        this.handled.push(command);
        await this.waiting.get(command.type);
        const answer = this.answers[command.type]?.(command);
        if (!answer) return {};
        const producer =
          command.type === 'DetectChanges'
            ? 'detector'
            : command.type === 'RunDco'
              ? 'dco-runner'
              : command.type.includes('Db')
                ? 'db-migrator'
                : 'infra-deployer';
        return {
          messages: [
            createMessage(
              answer.type,
              answer.data as DataOf<MessageType>,
              { runId: command.runId, producer, causedBy: command },
              { clock, ids },
            ),
          ],
        };
      },
    });
  }
}

const changesFor = (command: AnyMessage) => {
  const day = (command.data as { day: string }).day;
  const gated = day === GATED_DAY;
  return {
    type: 'ChangesDetected' as const,
    data: {
      day,
      changes: [
        {
          kind: 'terraform-config',
          subject: 'infra/main.tf',
          from: 'a1',
          to: 'b2',
          risk: gated ? 'high' : 'low',
          reason: gated ? 'the plan replaces the Neo4j instance' : 'tags changed',
        },
        {
          kind: 'neo4j-ami',
          subject: 'neo4j',
          from: 'ami-0000000000000000a',
          to: 'ami-0000000000000000b',
          risk: 'medium',
          reason: 'neo4j-5.26.19 published',
        },
      ],
      sources: [],
    },
  };
};

const LIVE_DAY = dayFromNow(1);
const GATED_DAY = dayFromNow(2);
const workers = new Workers({
  DetectChanges: changesFor,
  ApplyInfra: () => ({ type: 'InfraApplied', data: FIXTURE_DATA.InfraApplied }),
  MigrateDb: () => ({ type: 'DbMigrated', data: FIXTURE_DATA.DbMigrated }),
  RunDco: (command) => ({
    type: 'DcoCompleted',
    data: { ...FIXTURE_DATA.DcoCompleted, day: (command.data as { day: string }).day },
  }),
});

let bus: InMemoryMessageBus;
let app: INestApplication;
let baseUrl: string;
let profileDir: string;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const config = loadConfig(OrchestratorConfig, {
    DCO_PROFILE: 'embedded',
    DCO_API_CREDENTIALS: `alice:operator:${sha256Hex(TOKEN)},wall:viewer:${sha256Hex(VIEWER_TOKEN)}`,
    DCO_DEADLINE: '23:59',
    PORT: '0',
    DCO_ALERT_CHECK_INTERVAL_MS: '60000',
    // This app's panel shows what the bus reports; the live reads are the second app's (below).
    DCO_DASHBOARD_INFRA_REFRESH_MS: '3600000',
  });
  bus = new InMemoryMessageBus();

  @Module({
    imports: [PlatformModule.forRoot({ service: 'orchestrator', config, bus }), OrchestratorModule.register(config)],
  })
  class DashboardSpecRoot {}

  app = await NestFactory.create(DashboardSpecRoot, { logger: ['error'] });
  await app.listen(0, '127.0.0.1');
  baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  await workers.start(bus);

  profileDir = mkdtempSync(join(tmpdir(), 'dco-chromium-'));
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 1000 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('dialog', (dialog) => {
    pageErrors.push(`unexpected dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  await page.goto(`${baseUrl}/`);
  // Nothing is shown before signing in; a viewer's token is enough to watch.
  await page.getByTestId('connection').filter({ hasText: 'sign in' }).waitFor({ timeout: WAIT_MS });
  await page.getByTestId('token').fill(VIEWER_TOKEN);
  await page.getByTestId('token-save').click();
  await page
    .getByTestId('token-status')
    .filter({ hasText: 'signed in as wall (viewer)' })
    .waitFor({ timeout: WAIT_MS });
  await page.getByTestId('connection').filter({ hasText: 'live' }).waitFor({ timeout: WAIT_MS });
  // The session is an HttpOnly cookie: the page's script cannot read it.
  await expect(
    page.evaluate(() => (globalThis as unknown as { document: { cookie: string } }).document.cookie),
  ).resolves.toBe('');
}, 60_000);

let appClosed = false;
afterAll(async () => {
  if (!appClosed) await app?.close();
  await context?.close();
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
});

const tick = (day: string) =>
  createMessage(
    'DailyTick',
    { day, trigger: 'schedule', scheduledAt: clock.now().toISOString() },
    { runId: `dco-${day}`, producer: 'scheduler' },
    { clock, ids },
  );
const screenshot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

describe('dashboard in a browser', () => {
  it('shows a running run updating live, with migration progress and infrastructure, until it completes', async () => {
    const runId = `dco-${LIVE_DAY}`;
    workers.hold('ApplyInfra');
    workers.hold('MigrateDb');
    await bus.publish(tick(LIVE_DAY));

    await page.getByTestId('current-run-id').filter({ hasText: runId }).waitFor({ timeout: WAIT_MS });
    await page.getByTestId('current-status').filter({ hasText: 'ApplyingInfra' }).waitFor({ timeout: WAIT_MS });
    await page.getByTestId('current-step').filter({ hasText: 'apply-infra' }).waitFor({ timeout: WAIT_MS });
    // The policy and the chosen window (ADR 0027): the default applies at the tick.
    await page
      .getByTestId('update-window')
      .filter({ hasText: 'update window (tick, tick)' })
      .waitFor({ timeout: WAIT_MS });
    const traceHref = await page.getByTestId('current-run').getByTestId('trace-link').getAttribute('href');
    expect(traceHref).toBe(`http://127.0.0.1:16686/trace/${runTraceIds(runId).traceId}`);
    await expect(page.locator('[data-testid="timeline-row"][data-step="detect"]').textContent()).resolves.toContain(
      'succeeded',
    );

    workers.release('ApplyInfra');
    await page.getByTestId('current-status').filter({ hasText: 'MigratingDb' }).waitFor({ timeout: WAIT_MS });
    await page.getByTestId('ecs-row').filter({ hasText: 'dco-runner' }).waitFor({ timeout: WAIT_MS });
    // The rollout's health before -> after (ADR 0025), as InfraApplied carried it.
    const health = page.locator('[data-testid="health-row"][data-service="dco-runner"]');
    await health.waitFor({ timeout: WAIT_MS });
    await expect(health.textContent()).resolves.toMatch(
      /apply-infra.*48 ms -> 51 ms.*0\.00% -> 0\.10%.*12 ms -> 13 ms.*ok/,
    );
    await bus.publish(
      createMessage(
        'DbMigrationProgress',
        { phase: 'restore', done: 500, total: 1000 },
        { runId, producer: 'db-migrator' },
        { clock, ids },
      ),
    );
    await page.getByTestId('migration').filter({ hasText: 'restore: 500/1000' }).waitFor({ timeout: WAIT_MS });
    await screenshot('01-run-in-progress');

    workers.release('MigrateDb');
    await page
      .getByTestId('current-status')
      .filter({ hasText: /^Completed$/ })
      .waitFor({ timeout: WAIT_MS });
    await page
      .locator('[data-testid="neo4j-row"][data-role="green"]')
      .filter({ hasText: 'serving' })
      .waitFor({ timeout: WAIT_MS });
    await expect(page.locator('[data-testid="neo4j-row"][data-role="green"]').textContent()).resolves.toContain(
      '5.26.19',
    );
    // A run's messages update the panel between two live reads (they are the second app's).
    await expect(
      page.locator(`[data-testid="history-row"][data-run-id="${runId}"] [data-testid="history-status"]`).textContent(),
    ).resolves.toBe('Completed');
    const steps = await page
      .locator('[data-testid="timeline-row"]')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-step')));
    expect(steps).toEqual(['detect', 'apply-infra', 'migrate-db', 'run-dco']);
    await screenshot('02-run-completed');
  });

  it("refuses a viewer's decision and a wrong token, and approves a gated run by an operator's click", async () => {
    const runId = `dco-${GATED_DAY}`;
    await bus.publish(tick(GATED_DAY));
    const approval = page.locator(`[data-testid="approval"][data-run-id="${runId}"]`);
    await approval.waitFor({ timeout: WAIT_MS });
    await expect(approval.getByTestId('approval-why').first().textContent()).resolves.toContain('high risk');

    // Signed in as a viewer: the API answers 403 and the page shows it.
    await approval.getByTestId('approve').click();
    await approval
      .getByTestId('approval-result')
      .filter({ hasText: '403 API.FORBIDDEN' })
      .waitFor({ timeout: WAIT_MS });

    // A wrong token is refused at sign-in (401) and the page shows it.
    await page.getByTestId('token').fill('not-the-operator-token');
    await page.getByTestId('token-save').click();
    await page.getByTestId('token-status').filter({ hasText: '401 API.UNAUTHORIZED' }).waitFor({ timeout: WAIT_MS });
    await expect(page.getByTestId('current-status').textContent()).resolves.toBe('AwaitingApproval');

    // Signed in as the operator alice; rejecting needs a reason.
    await page.getByTestId('token').fill(TOKEN);
    await page.getByTestId('token-save').click();
    await page
      .getByTestId('token-status')
      .filter({ hasText: 'signed in as alice (operator)' })
      .waitFor({ timeout: WAIT_MS });
    await approval.getByTestId('reject').click();
    await approval.getByTestId('approval-result').filter({ hasText: 'needs a reason' }).waitFor({ timeout: WAIT_MS });
    await screenshot('03-awaiting-approval');

    await page.locator('[data-testid="alert"][data-cause="APPROVAL_REQUIRED"]').waitFor({ timeout: WAIT_MS });
    await approval.getByTestId('approval-reason').fill('reviewed the plan with the DBA');
    await approval.getByTestId('approve').click();
    await page
      .getByTestId('current-status')
      .filter({ hasText: /^Completed$/ })
      .waitFor({ timeout: WAIT_MS });
    await expect(page.getByTestId('approvals').textContent()).resolves.toContain('Nothing waits for a decision');
    // The run view's audit trail (ADR 0028), loaded and then extended live: the decision under the operator's
    // credential with its reason, the DCO that ended the run.
    const audit = page.getByTestId('audit');
    await audit.locator('[data-testid="audit-row"][data-kind="dco"]').waitFor({ timeout: WAIT_MS });
    const decision = audit.locator('[data-testid="audit-row"][data-kind="approval-granted"]');
    await expect(decision.getByTestId('audit-actor').textContent()).resolves.toBe('alice');
    await expect(decision.textContent()).resolves.toContain('reviewed the plan with the DBA');
    // The run ended: its APPROVAL_REQUIRED notice is no longer open.
    await page
      .locator('[data-testid="alert"][data-cause="APPROVAL_REQUIRED"]')
      .waitFor({ state: 'detached', timeout: WAIT_MS });
    const run = (await (await fetch(`${baseUrl}/api/runs/${runId}`, { headers: AS_VIEWER })).json()) as {
      approvals: Array<{ decision?: { by: string; reason: string; granted: boolean } }>;
    };
    expect(run.approvals[0].decision).toMatchObject({
      granted: true,
      by: 'alice',
      reason: 'reviewed the plan with the DBA',
    });
  });

  it('rejects malformed and unauthorised approve/reject requests at the API', async () => {
    const runId = `dco-${GATED_DAY}`;
    const post = (path: string, body: string, token?: string) =>
      fetch(`${baseUrl}${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
        body,
      });
    const answer = async (response: Promise<Response>) => {
      const done = await response;
      return [done.status, ((await done.json()) as { code?: string }).code];
    };
    const decision = JSON.stringify({ reason: 'x' });
    expect(await answer(post(`/api/runs/${runId}/approve`, decision))).toEqual([401, 'API.UNAUTHORIZED']);
    expect(await answer(post(`/api/runs/${runId}/approve`, decision, 'wrong-token-wrong-token'))).toEqual([
      401,
      'API.UNAUTHORIZED',
    ]);
    expect(await answer(post(`/api/runs/${runId}/approve`, decision, VIEWER_TOKEN))).toEqual([403, 'API.FORBIDDEN']);
    expect((await post(`/api/runs/${runId}/approve`, '{"reason"', TOKEN)).status).toBe(400);
    // Who decides is the credential, never the body.
    expect(
      await answer(post(`/api/runs/${runId}/approve`, JSON.stringify({ by: 'mallory', reason: 'x' }), TOKEN)),
    ).toEqual([400, 'API.VALIDATION_FAILED']);
    expect((await post(`/api/runs/${encodeURIComponent('<script>')}/reject`, decision, TOKEN)).status).toBe(400);
    expect((await post(`/api/runs/${runId}/reject`, JSON.stringify({ reason: 'too late' }), TOKEN)).status).toBe(409);
  });

  it('shows alerts as they are raised, once per cause, and renders hostile values as text', async () => {
    const runId = `dco-${GATED_DAY}`;
    const hostile = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">';
    const alert = createMessage(
      'AlertRaised',
      {
        severity: 'critical',
        cause: 'STEP_FAILED',
        dedupeKey: `${runId}:apply-infra:failed`,
        summary: `apply-infra failed: ${hostile}`,
        detail: hostile,
      },
      { runId, producer: 'orchestrator' },
      { clock, ids },
    );
    await bus.publish(alert);
    const item = page.locator('[data-testid="alert"][data-cause="STEP_FAILED"]');
    await item.waitFor({ timeout: WAIT_MS });
    await expect(item.getByTestId('alert-summary').textContent()).resolves.toBe(`apply-infra failed: ${hostile}`);
    await expect(item.getByTestId('alert-detail').textContent()).resolves.toBe(hostile);
    // Raised again (another event, same cause): still one entry.
    await bus.publish(createMessage('AlertRaised', alert.data, { runId, producer: 'orchestrator' }, { clock, ids }));
    await item.filter({ hasText: 'raised 2 times' }).waitFor({ timeout: WAIT_MS });
    await expect(page.locator('[data-testid="alert"]').count()).resolves.toBe(1);
    await expect(page.locator('#alert-list script, #alert-list img').count()).resolves.toBe(0);
    await expect(page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).resolves.toBeUndefined();
    await screenshot('04-alert');
    expect(pageErrors).toEqual([]);
  });

  it('serves the page with a strict content security policy and the snapshot as JSON', async () => {
    const response = await fetch(`${baseUrl}/dashboard`);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await fetch(`${baseUrl}/api/dashboard`)).status).toBe(401);
    const snapshot = (await (await fetch(`${baseUrl}/api/dashboard`, { headers: AS_VIEWER })).json()) as {
      runs: Array<{ runId: string; status: string }>;
      alerts: unknown[];
    };
    expect(snapshot.runs.map((run) => [run.runId, run.status])).toEqual([
      [`dco-${GATED_DAY}`, 'Completed'],
      [`dco-${LIVE_DAY}`, 'Completed'],
    ]);
    expect(snapshot.alerts).toHaveLength(1);
  });

  it('shuts down promptly while a dashboard tab is connected, and the tab shows it lost the stream', async () => {
    // Without ending the event streams, close() waits for the tab's open connection and never finishes.
    let closed = false;
    const closing = app.close().then(() => (closed = true));
    await waitFor(() => closed, {
      timeoutMs: WAIT_MS,
      intervalMs: 50,
      description: 'the app to close while a dashboard tab is connected',
    });
    await closing;
    appClosed = true;
    await page.getByTestId('connection').filter({ hasText: 'reconnecting' }).waitFor({ timeout: WAIT_MS });
  });
});

describe('infrastructure and DR drill panels on the real stack (AWS emulator, pointer file)', () => {
  const suffix = ids.next().slice(0, 8);
  const cluster = `dash-${suffix}`;
  const environment = `dash-${suffix}`;
  const aws = localEmulatorOptions({ DCO_AWS_ENDPOINT: process.env.DCO_AWS_ENDPOINT ?? LOCAL_AWS_ENDPOINT });
  const ec2 = new EC2Client(aws);
  const ecsClient = new ECSClient(aws);
  const ecs = new SdkEcsServices(ecsClient);
  const stateDir = mkdtempSync(join(tmpdir(), 'dco-dashboard-state-'));
  const pointer = new FileConnectionPointerStore(join(stateDir, 'neo4j-pointer.json'));
  const liveBus = new InMemoryMessageBus();
  let liveApp: INestApplication;
  let livePage: Page;
  let blueId: string;
  let greenId: string;

  const launch = async (imageId: string, color: string, version: string) => {
    const result = await ec2.send(
      new RunInstancesCommand({
        ImageId: imageId,
        InstanceType: 'r6i.large',
        MinCount: 1,
        MaxCount: 1,
        TagSpecifications: [
          {
            ResourceType: 'instance',
            Tags: Object.entries({
              'dco:role': 'neo4j',
              'dco:env': environment,
              'dco:color': color,
              'dco:neo4j-version': version,
              'dco:bolt-uri': `bolt://10.0.0.${color === 'blue' ? 7 : 8}:7687`,
            }).map(([Key, Value]) => ({ Key, Value })),
          },
        ],
      }),
    );
    const id = result.Instances?.[0]?.InstanceId;
    if (!id) throw new Error('RunInstances returned no instance');
    return id;
  };
  const endpoint = (instanceId: string, version: string, last: string) => ({
    instanceId,
    boltUri: `bolt://10.0.0.${last}:7687`,
    version,
  });
  const row = (selector: string) => livePage.locator(selector);

  beforeAll(async () => {
    // The emulator's resources, made through the SDK as the infra-deployer and the db-migrator would leave them.
    const { ImageId } = await ec2.send(
      new RegisterImageCommand({ Name: `neo4j-5.20.0-${suffix}`, RootDeviceName: '/dev/xvda' }),
    );
    if (!ImageId) throw new Error('RegisterImage returned no ImageId');
    blueId = await launch(ImageId, 'blue', '5.20.0');
    await ecs.ensureCluster(cluster);
    for (const app of ['orchestrator', 'dco-runner']) {
      const definition = await ecs.registerTaskDefinition({
        family: `dco-${environment}-${app}`,
        image: `dco-autopilot/${app}:0.1.0`,
        environment: { DCO_APP: app },
      });
      await ecs.createService({ cluster, serviceName: app, taskDefinition: definition.arn, desiredCount: 1 });
    }
    await pointer.write({
      current: endpoint(blueId, '5.20.0', '7'),
      writes: 'open',
      generation: 1,
      updatedAt: new Date().toISOString(),
    });

    const config = loadConfig(OrchestratorConfig, {
      DCO_PROFILE: 'local',
      // The bus is the in-memory one passed below; Kafka is never dialled.
      KAFKA_BROKERS: '127.0.0.1:9',
      DCO_AWS_ENDPOINT: process.env.DCO_AWS_ENDPOINT ?? LOCAL_AWS_ENDPOINT,
      DCO_API_CREDENTIALS: `wall:viewer:${sha256Hex(VIEWER_TOKEN)}`,
      PORT: '0',
      DCO_ALERT_CHECK_INTERVAL_MS: '60000',
      DCO_DASHBOARD_INFRA_REFRESH_MS: '1000',
      DCO_ECS_CLUSTER: cluster,
      DCO_ENV: environment,
      DCO_STATE_DIR: stateDir,
    });

    @Module({
      imports: [
        PlatformModule.forRoot({ service: 'orchestrator', config, bus: liveBus }),
        OrchestratorModule.register(config),
      ],
    })
    class LiveDashboardSpecRoot {}

    liveApp = await NestFactory.create(LiveDashboardSpecRoot, { logger: ['error'] });
    await liveApp.listen(0, '127.0.0.1');
    const url = (await liveApp.getUrl()).replace('[::1]', '127.0.0.1');
    livePage = await context.newPage();
    livePage.on('pageerror', (error) => pageErrors.push(error.message));
    await livePage.goto(`${url}/dashboard`);
    await livePage.getByTestId('token').fill(VIEWER_TOKEN);
    await livePage.getByTestId('token-save').click();
    await livePage.getByTestId('connection').filter({ hasText: 'live' }).waitFor({ timeout: WAIT_MS });
  }, 60_000);

  afterAll(async () => {
    await liveApp?.close();
    const instances = [blueId, greenId].filter(Boolean);
    if (instances.length) await ec2.send(new TerminateInstancesCommand({ InstanceIds: instances }));
    for (const app of ['orchestrator', 'dco-runner']) await ecs.deleteService(cluster, app).catch(() => undefined);
    ec2.destroy();
    ecsClient.destroy();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it("shows the emulator's Neo4j fleet and ECS services and the pointer file, and follows them as they change", async () => {
    const blue = row(`[data-testid="neo4j-row"][data-instance="${blueId}"]`);
    await blue.filter({ hasText: 'serving' }).waitFor({ timeout: WAIT_MS });
    await expect(blue.textContent()).resolves.toMatch(/^blue.*5\.20\.0.*bolt:\/\/10\.0\.0\.7:7687.*running r6i\.large/);
    await livePage
      .getByTestId('neo4j-pointer')
      .filter({ hasText: `generation 1): ${blueId} 5.20.0` })
      .waitFor({ timeout: WAIT_MS });
    await expect(livePage.getByTestId('neo4j-pointer').textContent()).resolves.toContain(pointer.location);
    // Each service as DescribeServices answers it: revision, running/desired tasks.
    for (const app of ['orchestrator', 'dco-runner']) {
      const status = await ecs.describeService(cluster, app);
      const service = row(`[data-testid="ecs-row"][data-service="${app}"]`);
      await service.waitFor({ timeout: WAIT_MS });
      await expect(service.getByTestId('ecs-revision').textContent()).resolves.toBe('1');
      await expect(service.getByTestId('ecs-tasks').textContent()).resolves.toMatch(
        new RegExp(`^${status?.runningCount}/${status?.desiredCount}`),
      );
    }
    await expect(livePage.getByTestId('infra-live').textContent()).resolves.toContain('read live from EC2, ECS');
    await expect(livePage.getByTestId('infra-error').count()).resolves.toBe(0);
    await livePage.screenshot({ path: join(ARTIFACTS, '05-infrastructure-live.png'), fullPage: true });

    // By hand, between two reads: a green server launched, the pointer switched with writes frozen, a service scaled
    // to a new revision. The panel follows on its interval, without a reload.
    const image = await ec2.send(
      new RegisterImageCommand({ Name: `neo4j-5.26.19-${suffix}`, RootDeviceName: '/dev/xvda' }),
    );
    greenId = await launch(image.ImageId as string, 'green', '5.26.19');
    await pointer.write({
      current: endpoint(greenId, '5.26.19', '8'),
      previous: { ...endpoint(blueId, '5.20.0', '7'), retireAfter: new Date(Date.now() + 3_600_000).toISOString() },
      writes: 'frozen',
      generation: 2,
      updatedAt: new Date().toISOString(),
    });
    const next = await ecs.registerTaskDefinition({
      family: `dco-${environment}-dco-runner`,
      image: 'dco-autopilot/dco-runner:0.2.0',
      environment: { DCO_APP: 'dco-runner' },
    });
    await ecs.updateService({ cluster, serviceName: 'dco-runner', taskDefinition: next.arn, desiredCount: 3 });
    const scaled = await ecs.describeService(cluster, 'dco-runner');

    const green = row(`[data-testid="neo4j-row"][data-instance="${greenId}"]`);
    await green.filter({ hasText: 'serving' }).waitFor({ timeout: WAIT_MS });
    await expect(green.textContent()).resolves.toMatch(/^green.*5\.26\.19/);
    await blue.filter({ hasText: 'standby' }).waitFor({ timeout: WAIT_MS });
    await livePage.getByTestId('pointer-writes').filter({ hasText: 'frozen' }).waitFor({ timeout: WAIT_MS });
    await expect(livePage.getByTestId('neo4j-pointer').textContent()).resolves.toContain(
      `previous ${blueId} kept for rollback`,
    );
    const runner = row('[data-testid="ecs-row"][data-service="dco-runner"]');
    await runner.getByTestId('ecs-revision').filter({ hasText: /^2$/ }).waitFor({ timeout: WAIT_MS });
    await expect(runner.getByTestId('ecs-tasks').textContent()).resolves.toMatch(
      new RegExp(`^${scaled?.runningCount}/3`),
    );
  });

  it('shows a pointer it cannot read as DASHBOARD.INFRA_UNAVAILABLE beside the last values, and recovers', async () => {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(pointer.location, '{"current": "half a pointer"');
    const error = livePage.locator('[data-testid="infra-error"][data-source="pointer"]');
    await error.filter({ hasText: 'DASHBOARD.INFRA_UNAVAILABLE' }).waitFor({ timeout: WAIT_MS });
    // The fleet and services are still read; the pointer keeps its last value.
    await expect(livePage.getByTestId('neo4j-pointer').textContent()).resolves.toContain(`${greenId} 5.26.19`);
    await expect(livePage.locator('[data-testid="ecs-row"]').count()).resolves.toBe(2);
    await livePage.screenshot({ path: join(ARTIFACTS, '06-infrastructure-error.png'), fullPage: true });

    await pointer.write({
      current: endpoint(greenId, '5.26.19', '8'),
      writes: 'open',
      generation: 3,
      updatedAt: new Date().toISOString(),
    });
    await error.waitFor({ state: 'detached', timeout: WAIT_MS });
    await livePage.getByTestId('pointer-writes').filter({ hasText: 'open' }).waitFor({ timeout: WAIT_MS });
  });

  it('shows the last drill of each kind as `dco drill` publishes it: RTO and RPO against the objectives, met or missed', async () => {
    const drillConfig = loadConfig(DrillConfig, { KAFKA_BROKERS: '127.0.0.1:9' });
    const outcome = (kind: 'neo4j-loss' | 'orchestrator-loss', servingAtMs: number, recovered: string[]) => {
      const measurement = measure({
        kind,
        lossAtMs: 0,
        servingAtMs,
        acknowledged: ['w1', 'w2', 'w3'],
        covered: kind === 'neo4j-loss' ? ['w1'] : ['w1', 'w2', 'w3'],
        recovered,
        baselineMs: 500,
        parameters: {},
      });
      return { measurement, verdict: judge(measurement, objectiveOf(kind, drillConfig)) };
    };
    await expect(
      publishDrillOutcomes(
        [outcome('neo4j-loss', 129_400, ['w1']), outcome('orchestrator-loss', 75_000, ['w1', 'w2', 'w3'])],
        drillConfig,
        liveBus,
      ),
    ).resolves.toEqual({ figures: 2, alerts: 1 });

    const neo4j = row('[data-testid="drill-row"][data-kind="neo4j-loss"]');
    await neo4j.waitFor({ timeout: WAIT_MS });
    await expect(neo4j.getByTestId('drill-rto').textContent()).resolves.toBe('129.4 s (objective 300 s)');
    await expect(neo4j.getByTestId('drill-rpo').textContent()).resolves.toBe(
      '2 of 3 writes lost (0 before the recovery point; objective 0 of those)',
    );
    await expect(neo4j.getByTestId('drill-verdict').textContent()).resolves.toBe('met');
    const orchestrator = row('[data-testid="drill-row"][data-kind="orchestrator-loss"]');
    await expect(orchestrator.getByTestId('drill-verdict').textContent()).resolves.toBe('missed');
    await expect(orchestrator.getByTestId('drill-misses').textContent()).resolves.toContain(
      'orchestrator-loss: RTO 75 s exceeds the objective of 60 s',
    );
    // The missed objective's alert is on the same page.
    await livePage.locator('[data-testid="alert"][data-cause="DR_DRILL_FAILED"]').waitFor({ timeout: WAIT_MS });
    await livePage.screenshot({ path: join(ARTIFACTS, '07-dr-drills.png'), fullPage: true });

    // A page opened later (a restart reads the retained figures the same way) shows them from its first snapshot.
    await livePage.reload();
    await neo4j.getByTestId('drill-verdict').filter({ hasText: 'met' }).waitFor({ timeout: WAIT_MS });
    expect(pageErrors).toEqual([]);
  });
});
