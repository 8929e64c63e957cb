// Test fixture for the infra-deployer's integration specs: a private copy of infra/ on the shared emulator (own cluster
// and bus), a private state dir, and tiny HTTP "services" whose health and error rate a test controls.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ECSClient } from '@aws-sdk/client-ecs';
import {
  DEFAULT_ROLLOUT_POLICY,
  HealthComparisonPolicy,
  HttpHealthEndpoint,
  HttpHealthMeter,
  HttpHealthProbe,
  SdkEcsServices,
  localEmulatorOptions,
} from '@dco/aws';
import { snapshotConfig } from '@dco/terraform';
import { buildInfraUseCases } from './infra-use-cases.factory';

export const REPO_ROOT = resolve(__dirname, '../../../..');

export interface ServiceBehaviour {
  /** What /health answers. */
  status: number;
  /** Share of the requests counted in /metrics that failed with a 5xx, 0..1. */
  errorRate: number;
}

/** One HTTP server standing in for every service's tasks: /<service>/health and /<service>/metrics. */
export async function startServiceDoubles(): Promise<{
  url: string;
  behaviour: Map<string, ServiceBehaviour>;
  close(): Promise<void>;
}> {
  const behaviour = new Map<string, ServiceBehaviour>();
  const counters = new Map<string, { ok: number; failed: number }>();
  const server: Server = createServer((request, response) => {
    const [, service, kind] = (request.url ?? '').split('/');
    const state = behaviour.get(service) ?? { status: 200, errorRate: 0 };
    if (kind === 'health') {
      response.writeHead(state.status, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ status: state.status === 200 ? 'ok' : 'error' }));
      return;
    }
    // Every scrape sees 100 more requests, of which errorRate failed.
    const counter = counters.get(service) ?? { ok: 0, failed: 0 };
    const failed = Math.round(100 * state.errorRate);
    counter.failed += failed;
    counter.ok += 100 - failed;
    counters.set(service, counter);
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    response.end(`http_requests_total{code="200"} ${counter.ok}\nhttp_requests_total{code="500"} ${counter.failed}\n`);
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    behaviour,
    close: () => new Promise((done) => server.close(() => done())),
  };
}

const SPEC_EPOCH = '2026-11-10T00:00:00Z';

/** Real time, shifted to start at `epoch`. */
function clockFrom(epoch: string): { now(): Date } {
  const offset = Date.parse(epoch) - Date.now();
  return { now: () => new Date(Date.now() + offset) };
}

export interface LocalInfraOptions {
  apps?: string[];
  /** Health before vs after each rollout (absent: not compared, as before ADR 0025). */
  health?: HealthComparisonPolicy;
  /** Where some services' health and metrics are read instead of the doubles, once the cluster's name is known. */
  endpoints?: (cluster: string, ecs: SdkEcsServices) => Promise<Record<string, HttpHealthEndpoint>>;
}

export async function localInfra(options: LocalInfraOptions = {}) {
  const root = await mkdtemp(join(tmpdir(), 'dco-infra-'));
  const configDir = join(root, 'config');
  await snapshotConfig(join(REPO_ROOT, 'infra'), configDir);
  const suffix = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;
  const cluster = `dco-it-${suffix}`;
  const vars = JSON.parse(await readFile(join(configDir, 'terraform.tfvars.json'), 'utf8')) as {
    apps: Record<string, unknown>;
  } & Record<string, unknown>;
  const apps = options.apps ?? ['dco-runner'];
  const tfvars = {
    ...vars,
    environment: `it-${suffix}`,
    cluster_name: cluster,
    event_bus_name: `dco-it-${suffix}`,
    apps: Object.fromEntries(
      apps.map((app) => [app, { image: `dco-autopilot/${app}:0.1.0`, desired_count: 2, cpu: 256, memory: 512 }]),
    ),
  };
  const writeVars = (change: (current: typeof tfvars) => typeof tfvars) =>
    writeFile(join(configDir, 'terraform.tfvars.json'), JSON.stringify(change(tfvars), null, 2));
  await writeVars((current) => current);

  const doubles = await startServiceDoubles();
  const endpoints = Object.fromEntries(
    apps
      .flatMap((app) => [app, `${app}-canary`])
      .map((service) => [
        service,
        { healthUrl: `${doubles.url}/${service}/health`, metricsUrl: `${doubles.url}/${service}/metrics` },
      ]),
  );
  const client = new ECSClient(localEmulatorOptions());
  const ecs = new SdkEcsServices(client);
  Object.assign(endpoints, await options.endpoints?.(cluster, ecs));
  const endpoint = localEmulatorOptions().endpoint ?? '';
  const useCases = buildInfraUseCases(
    {
      repoRoot: REPO_ROOT,
      configDir,
      stateDir: join(root, 'state'),
      engine: 'tofu',
      rollout: {
        ...DEFAULT_ROLLOUT_POLICY,
        cluster,
        canaryFraction: 0.5,
        canaryAnalysisMs: 300,
        gateMs: 300,
        pollIntervalMs: 50,
        steadyStateTimeoutMs: 20_000,
        ...(options.health ? { health: options.health } : {}),
      },
      env: { DCO_AWS_ENDPOINT: endpoint },
    },
    // The specs' days are fixed (2026-11-0x): the workspace's clock runs from just after them, so its 30-day retention
    // never prunes a run record a spec is about to roll back (it did once the calendar passed 2026-12-05).
    {
      clock: clockFrom(SPEC_EPOCH),
      ecs,
      probe: new HttpHealthProbe({ endpoints }),
      meter: new HttpHealthMeter(endpoints),
    },
    process.env,
  );
  return {
    ...useCases,
    root,
    configDir,
    cluster,
    ecs,
    doubles,
    tfvars,
    writeVars,
    async close() {
      await doubles.close();
      client.destroy();
      await rm(root, { recursive: true, force: true });
    },
  };
}
