// app-release: a manifest image that differs from the running task definition is a change; bad manifests are coded.
import { InMemoryEcsServices } from '@dco/aws';
import { InMemoryDocumentReader } from '../document-reader.port';
import { AppReleaseSource } from './app-release.source';

const cluster = 'dco';

async function deployed(image: string) {
  const ecs = new InMemoryEcsServices();
  await ecs.ensureCluster(cluster);
  const definition = await ecs.registerTaskDefinition({ family: 'dco-runner', image, environment: {} });
  await ecs.createService({ cluster, serviceName: 'dco-runner', taskDefinition: definition.arn, desiredCount: 1 });
  return ecs;
}

function manifest(text: string) {
  const documents = new InMemoryDocumentReader();
  documents.documents.set('release.json', text);
  return documents;
}

describe('AppReleaseSource', () => {
  it('reports a service whose running image differs from the manifest', async () => {
    const ecs = await deployed('dco/dco-runner:1.4.0');
    const source = new AppReleaseSource(manifest('{"services":{"dco-runner":{"image":"dco/dco-runner:1.5.0"}}}'), ecs, {
      manifestPath: 'release.json',
      cluster,
    });
    await expect(source.detect()).resolves.toEqual([
      expect.objectContaining({
        kind: 'app-release',
        subject: 'dco-runner',
        from: 'dco/dco-runner:1.4.0',
        to: 'dco/dco-runner:1.5.0',
      }),
    ]);
  });

  it('reports nothing when every service runs its manifest image', async () => {
    const ecs = await deployed('dco/dco-runner:1.5.0');
    const source = new AppReleaseSource(manifest('{"services":{"dco-runner":{"image":"dco/dco-runner:1.5.0"}}}'), ecs, {
      manifestPath: 'release.json',
      cluster,
    });
    await expect(source.detect()).resolves.toEqual([]);
  });

  it.each([
    ['not JSON', '{"services":'],
    ['no services object', '{"apps":{}}'],
    ['an image that is not a string', '{"services":{"dco-runner":{"image":42}}}'],
  ])('rejects a malformed manifest (%s) with DETECT.MANIFEST_INVALID', async (_label, text) => {
    const ecs = await deployed('dco/dco-runner:1.5.0');
    const source = new AppReleaseSource(manifest(text), ecs, { manifestPath: 'release.json', cluster });
    await expect(source.detect()).rejects.toMatchObject({ code: 'DETECT.MANIFEST_INVALID' });
  });
});

describe('AppReleaseSource and dependency-update builds', () => {
  it('leaves a service that runs one of its builds (ADR 0029) on it', async () => {
    const ecs = await deployed('dco/dco-runner:1.4.1');
    const text = JSON.stringify({
      services: {
        'dco-runner': { image: 'dco/dco-runner:1.4.0', builds: { 'kafkajs@2.2.5': 'dco/dco-runner:1.4.1' } },
      },
    });
    const source = new AppReleaseSource(manifest(text), ecs, { manifestPath: 'release.json', cluster });
    await expect(source.detect()).resolves.toEqual([]);
  });
});
