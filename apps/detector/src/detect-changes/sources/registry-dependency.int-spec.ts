// The registry dependency source against the stack's real Verdaccio (seeded as a publisher would) and ECS on the emulator:
// it finds the update, the deprecated version and the advisory-driven urgent change; a registry that is down or a bad
// package name fails the source with its code, and the detection goes on without it.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ECSClient } from '@aws-sdk/client-ecs';
import { SdkEcsServices, localEmulatorOptions } from '@dco/aws';
import { freePort } from '@dco/probes';
import { DetectChangesHandler } from '../detect-changes.handler';
import { FileDocumentReader } from '../document-reader.port';
import { NpmRegistryClient } from '../dependency-updates/npm-registry.adapter';
import { VerdaccioSeeder, stackVerdaccioUrl } from '@dco/testing';
import { ChangeSource } from '../change-source.port';
import { RegistryDependencySource } from './registry-dependency.source';

jest.setTimeout(60_000);

const ecsClient = new ECSClient(localEmulatorOptions());
const ecs = new SdkEcsServices(ecsClient);
const id = randomBytes(4).toString('hex');
const cluster = `dco-deps-${id}`;
const lib = { patch: `svc-lib-${id}`, deprecated: `old-lib-${id}`, advised: `vuln-lib-${id}` };
const context = { day: '2026-12-05', now: new Date() };
let dir: string;
let seeder: VerdaccioSeeder;

function writeRelease(
  lockfiles: Record<string, Record<string, string>>,
  builds: Record<string, Record<string, string>> = {},
) {
  const services = Object.fromEntries(
    Object.keys(lockfiles).map((service) => [
      service,
      { image: `dco-autopilot/${service}:0.1.0`, lockfile: `lockfiles/${service}.json`, builds: builds[service] ?? {} },
    ]),
  );
  writeFileSync(join(dir, 'release-manifest.json'), JSON.stringify({ services }));
  mkdirSync(join(dir, 'lockfiles'), { recursive: true });
  for (const [service, dependencies] of Object.entries(lockfiles)) {
    const packages = Object.fromEntries(
      Object.entries(dependencies).map(([name, version]) => [`node_modules/${name}`, { version }]),
    );
    const root = {
      name: service,
      dependencies: Object.fromEntries(Object.keys(dependencies).map((name) => [name, '*'])),
    };
    writeFileSync(
      join(dir, 'lockfiles', `${service}.json`),
      JSON.stringify({ lockfileVersion: 3, packages: { '': root, ...packages } }),
    );
  }
}

function source(registry = new NpmRegistryClient({ url: seeder.url, advisoryFeed: seeder.advisoryFeed })) {
  return new RegistryDependencySource(new FileDocumentReader(), ecs, registry, {
    manifestPath: join(dir, 'release-manifest.json'),
    cluster,
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dco-deps-'));
  seeder = new VerdaccioSeeder(await stackVerdaccioUrl());
  await ecs.ensureCluster(cluster);
  for (const service of ['dco-runner', 'orchestrator']) {
    const definition = await ecs.registerTaskDefinition({
      family: `${service}-${id}`,
      containerName: service,
      image: `dco-autopilot/${service}:0.1.0`,
      environment: {},
    });
    await ecs.createService({ cluster, serviceName: service, taskDefinition: definition.arn, desiredCount: 1 });
  }
  for (const version of ['1.0.0', '1.0.1']) await seeder.publish(lib.patch, version);
  for (const version of ['2.0.0', '2.1.0']) await seeder.publish(lib.deprecated, version);
  await seeder.deprecate(lib.deprecated, '2.0.0', 'leaks file handles, use 2.1.0');
  for (const version of ['3.0.0', '3.0.1', '4.0.0']) await seeder.publish(lib.advised, version);
  await seeder.advise(lib.advised, {
    id: `GHSA-${id}`,
    title: 'prototype pollution in merge',
    severity: 'critical',
    url: `https://github.com/advisories/GHSA-${id}`,
    vulnerableVersions: '<3.0.1',
  });
});

afterAll(() => {
  ecsClient.destroy();
  rmSync(dir, { recursive: true, force: true });
});

describe('RegistryDependencySource on Verdaccio', () => {
  it('finds the patch, the deprecated version and the advisory-driven urgent update, with the services and builds', async () => {
    writeRelease(
      {
        'dco-runner': { [lib.patch]: '1.0.0', [lib.advised]: '3.0.0' },
        orchestrator: { [lib.deprecated]: '2.0.0', [lib.advised]: '3.0.0' },
      },
      { 'dco-runner': { [`${lib.advised}@3.0.1`]: 'dco-autopilot/dco-runner:0.1.1' } },
    );
    const changes = await source().detect(context);
    expect(changes).toEqual([
      expect.objectContaining({
        subject: lib.deprecated,
        from: '2.0.0',
        to: '2.1.0',
        risk: 'high',
        dependency: expect.objectContaining({ installed: 'deprecated', services: ['orchestrator'] }),
      }),
      expect.objectContaining({ subject: lib.patch, from: '1.0.0', to: '1.0.1', risk: 'low' }),
      expect.objectContaining({
        subject: lib.advised,
        from: '3.0.0',
        // 4.0.0 is a new major: the fixed patch within the installed major first.
        to: '3.0.1',
        risk: 'low',
        urgent: true,
        dependency: expect.objectContaining({
          services: ['dco-runner', 'orchestrator'],
          advisories: [expect.objectContaining({ id: `GHSA-${id}`, severity: 'critical' })],
          // The orchestrator has no image built with 3.0.1 yet: it waits for one.
          rollouts: [{ service: 'dco-runner', image: 'dco-autopilot/dco-runner:0.1.1' }],
        }),
      }),
    ]);
    expect(changes.find((change) => change.subject === lib.patch)?.urgent).toBeUndefined();
  });

  it('fails with DETECT.REGISTRY_UNREACHABLE when the registry is down, and the detection goes on without it', async () => {
    writeRelease({ 'dco-runner': { [lib.patch]: '1.0.0' } });
    const down = source(new NpmRegistryClient({ url: `http://127.0.0.1:${await freePort()}` }));
    await expect(down.detect(context)).rejects.toMatchObject({ code: 'DETECT.REGISTRY_UNREACHABLE' });
    const other: ChangeSource = { name: 'external', detect: async () => [] };
    const detected = await new DetectChangesHandler([down, other], { now: () => new Date() }).execute(context.day);
    expect(detected.sources).toEqual([
      expect.objectContaining({
        source: 'dependency',
        status: 'failed',
        error: expect.stringContaining('DETECT.REGISTRY_UNREACHABLE'),
      }),
      expect.objectContaining({ source: 'external', status: 'ok' }),
    ]);
  });

  it('refuses a lockfile naming a package that is not npm-valid before any request', async () => {
    writeRelease({ 'dco-runner': { '../../-/user/org.couchdb.user:admin': '1.0.0' } });
    await expect(source().detect(context)).rejects.toMatchObject({ code: 'DETECT.PACKAGE_NAME_INVALID' });
  });
});
