// dependency from the registry, on the in-memory registry: Given what services run and what is published, Then the changes.
import { InMemoryEcsServices } from '@dco/aws';
import { InMemoryDocumentReader } from '../document-reader.port';
import { InMemoryPackageRegistry } from '../dependency-updates/package-registry.port';
import { RegistryDependencySource } from './registry-dependency.source';

const cluster = 'dco';

function lockfile(dependencies: Record<string, string>): string {
  return JSON.stringify({
    lockfileVersion: 3,
    packages: {
      '': { dependencies: Object.fromEntries(Object.keys(dependencies).map((name) => [name, '*'])) },
      ...Object.fromEntries(
        Object.entries(dependencies).map(([name, version]) => [`node_modules/${name}`, { version }]),
      ),
    },
  });
}

async function world(options: { running?: Record<string, string> } = {}) {
  const documents = new InMemoryDocumentReader();
  documents.documents.set(
    'release/release-manifest.json',
    JSON.stringify({
      services: {
        'dco-runner': {
          image: 'dco/dco-runner:1.0.0',
          lockfile: 'lock/dco-runner.json',
          builds: { 'kafkajs@2.2.5': 'dco/dco-runner:1.0.1' },
        },
        orchestrator: { image: 'dco/orchestrator:1.0.0', lockfile: 'lock/orchestrator.json' },
        scheduler: { image: 'dco/scheduler:1.0.0' },
      },
    }),
  );
  documents.documents.set('release/lock/dco-runner.json', lockfile({ kafkajs: '2.2.4', pino: '9.0.0' }));
  documents.documents.set('release/lock/orchestrator.json', lockfile({ kafkajs: '2.2.4', 'private-lib': '1.0.0' }));
  const ecs = new InMemoryEcsServices();
  await ecs.ensureCluster(cluster);
  for (const [service, image] of Object.entries(options.running ?? {})) {
    const definition = await ecs.registerTaskDefinition({ family: service, image, environment: {} });
    await ecs.createService({ cluster, serviceName: service, taskDefinition: definition.arn, desiredCount: 1 });
  }
  const registry = new InMemoryPackageRegistry();
  await registry.publish('kafkajs', '2.2.4');
  await registry.publish('pino', '9.0.0');
  const source = new RegistryDependencySource(documents, ecs, registry, {
    manifestPath: 'release/release-manifest.json',
    cluster,
  });
  return { documents, registry, source };
}

const context = { day: '2026-12-05', now: new Date('2026-12-05T00:00:00Z') };

describe('RegistryDependencySource', () => {
  it('Given everything current, Then no change (a package the registry does not know is left alone)', async () => {
    const { source } = await world();
    await expect(source.detect(context)).resolves.toEqual([]);
  });

  it('Given a patch published, Then one change naming every service that runs it and the image built with it', async () => {
    const { registry, source } = await world();
    await registry.publish('kafkajs', '2.2.5');
    await expect(source.detect(context)).resolves.toEqual([
      {
        kind: 'dependency',
        subject: 'kafkajs',
        from: '2.2.4',
        to: '2.2.5',
        risk: 'low',
        reason:
          'kafkajs 2.2.4 -> 2.2.5 (patch); run by dco-runner, orchestrator; built into dco/dco-runner:1.0.1; no image built yet for orchestrator',
        dependency: {
          package: 'kafkajs',
          installed: 'published',
          services: ['dco-runner', 'orchestrator'],
          advisories: [],
          rollouts: [{ service: 'dco-runner', image: 'dco/dco-runner:1.0.1' }],
        },
      },
    ]);
  });

  it('Given an advisory on the installed version, Then the change is urgent and names it', async () => {
    const { registry, source } = await world();
    await registry.publish('kafkajs', '2.2.5');
    await registry.advise('kafkajs', {
      id: 'GHSA-kafk-ajs0-0001',
      title: 'denial of service',
      severity: 'high',
      url: 'https://github.com/advisories/GHSA-kafk-ajs0-0001',
      vulnerableVersions: '<2.2.5',
    });
    const [change] = await source.detect(context);
    expect(change).toMatchObject({ subject: 'kafkajs', to: '2.2.5', urgent: true, risk: 'low' });
    expect(change.dependency?.advisories).toEqual([
      {
        id: 'GHSA-kafk-ajs0-0001',
        severity: 'high',
        title: 'denial of service',
        url: 'https://github.com/advisories/GHSA-kafk-ajs0-0001',
      },
    ]);
  });

  it('Given a deprecated installed version, Then a high-risk change (approval)', async () => {
    const { registry, source } = await world();
    await registry.publish('pino', '9.0.1');
    await registry.deprecate('pino', '9.0.0', 'memory leak');
    await expect(source.detect(context)).resolves.toEqual([
      expect.objectContaining({ subject: 'pino', from: '9.0.0', to: '9.0.1', risk: 'high' }),
    ]);
  });

  it('Given dco-runner already runs the kafkajs build, Then only the orchestrator still needs the update', async () => {
    const { registry, source } = await world({ running: { 'dco-runner': 'dco/dco-runner:1.0.1' } });
    await registry.publish('kafkajs', '2.2.5');
    const changes = await source.detect(context);
    expect(changes).toEqual([
      expect.objectContaining({
        subject: 'kafkajs',
        from: '2.2.4',
        dependency: expect.objectContaining({ services: ['orchestrator'], rollouts: [] }),
      }),
    ]);
  });

  it.each([
    ['a missing lockfile', 'release/lock/orchestrator.json', undefined, 'DETECT.MANIFEST_INVALID'],
    ['a lockfile that is not one', 'release/lock/orchestrator.json', '[]', 'DETECT.MANIFEST_INVALID'],
    ['a missing manifest', 'release/release-manifest.json', undefined, 'DETECT.MANIFEST_INVALID'],
  ])('Given %s, Then a coded rejection', async (_, path, text, code) => {
    const { documents, source } = await world();
    if (text === undefined) documents.documents.delete(path);
    else documents.documents.set(path, text);
    await expect(source.detect(context)).rejects.toMatchObject({ code });
  });
});
