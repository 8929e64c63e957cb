// The npm HTTP adapter against the stack's real Verdaccio (the contract the in-memory registry passes), and its
// rejection paths: a registry that is down, one that answers what is not a packument, a name that is not a package's.
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { freePort } from '@dco/probes';
import { NpmRegistryClient } from './npm-registry.adapter';
import { packageRegistryContract } from './package-registry.contract';
import { VerdaccioSeeder, stackVerdaccioUrl } from '@dco/testing';

jest.setTimeout(60_000);

packageRegistryContract('npm HTTP API on Verdaccio', async () => {
  const seeder = new VerdaccioSeeder(await stackVerdaccioUrl());
  return { registry: new NpmRegistryClient({ url: seeder.url, advisoryFeed: seeder.advisoryFeed }), seeder };
});

describe('NpmRegistryClient rejections', () => {
  let server: Server;
  let answer: { status: number; body: string };
  let url: string;

  beforeAll(async () => {
    // A registry that answers whatever the row sets: the adapter's own HTTP and parsing, a fault from outside.
    server = createServer((_, response) =>
      response.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('reports a registry that is down as DETECT.REGISTRY_UNREACHABLE', async () => {
    const registry = new NpmRegistryClient({ url: `http://127.0.0.1:${await freePort()}` });
    await expect(registry.packument('kafkajs')).rejects.toMatchObject({ code: 'DETECT.REGISTRY_UNREACHABLE' });
    await expect(registry.advisories({ kafkajs: ['2.2.4'] })).rejects.toMatchObject({
      code: 'DETECT.REGISTRY_UNREACHABLE',
    });
  });

  it.each([
    ['not JSON', 200, '<html>proxy error</html>', 'DETECT.REGISTRY_ANSWER_INVALID'],
    [
      'a packument of another package',
      200,
      JSON.stringify({ name: 'other', versions: {} }),
      'DETECT.REGISTRY_ANSWER_INVALID',
    ],
    [
      'versions that are not manifests',
      200,
      JSON.stringify({ name: 'kafkajs', versions: { '1.0.0': 'x' } }),
      'DETECT.REGISTRY_ANSWER_INVALID',
    ],
    [
      'a deprecation that is not a message',
      200,
      JSON.stringify({ name: 'kafkajs', versions: { '1.0.0': { deprecated: true } } }),
      'DETECT.REGISTRY_ANSWER_INVALID',
    ],
    ['a server error', 503, '{}', 'DETECT.REGISTRY_UNREACHABLE'],
    ['a refusal', 401, '{"error":"unauthorized"}', 'DETECT.REGISTRY_ANSWER_INVALID'],
  ])('rejects a packument answer that is %s', async (_, status, body, code) => {
    answer = { status, body };
    await expect(new NpmRegistryClient({ url }).packument('kafkajs')).rejects.toMatchObject({ code });
  });

  it.each([
    ['a list', '[]'],
    ['an advisory without its range', JSON.stringify({ kafkajs: [{ id: 1, title: 'x' }] })],
    ['advisories that are not a list', JSON.stringify({ kafkajs: { id: 1 } })],
  ])('rejects a bulk advisory answer that is %s', async (_, body) => {
    answer = { status: 200, body };
    await expect(new NpmRegistryClient({ url }).advisories({ kafkajs: ['2.2.4'] })).rejects.toMatchObject({
      code: 'DETECT.REGISTRY_ANSWER_INVALID',
    });
  });

  it('reads the bulk advisory endpoint answer (the public registry format)', async () => {
    answer = {
      status: 200,
      body: JSON.stringify({
        kafkajs: [
          {
            id: 1099999,
            url: 'https://github.com/advisories/GHSA-x',
            title: 'DoS',
            severity: 'high',
            vulnerable_versions: '<2.2.5',
          },
        ],
      }),
    };
    await expect(new NpmRegistryClient({ url }).advisories({ kafkajs: ['2.2.4'] })).resolves.toEqual({
      kafkajs: [
        {
          id: '1099999',
          url: 'https://github.com/advisories/GHSA-x',
          title: 'DoS',
          severity: 'high',
          vulnerableVersions: '<2.2.5',
        },
      ],
    });
  });

  it('refuses a bad package name before any request', async () => {
    answer = { status: 500, body: '' };
    await expect(new NpmRegistryClient({ url }).packument('../../-/all')).rejects.toMatchObject({
      code: 'DETECT.PACKAGE_NAME_INVALID',
    });
  });

  it('reports an advisory feed the registry does not publish', async () => {
    const registry = new NpmRegistryClient({
      url: await stackVerdaccioUrl(),
      advisoryFeed: 'dco-feed-never-published',
    });
    await expect(registry.advisories({ kafkajs: ['2.2.4'] })).rejects.toMatchObject({
      code: 'DETECT.REGISTRY_ANSWER_INVALID',
    });
  });
});
