// Integration spec: the stack's Verdaccio is an npm registry the npm CLI itself publishes to and installs from, keeps
// nothing from the internet (no uplink), and refuses anonymous publishing.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { VerdaccioSeeder, stackVerdaccioUrl } from '@dco/testing';

jest.setTimeout(120_000);

describe('Verdaccio on the local stack', () => {
  let url: string;
  let dir: string;

  beforeAll(async () => {
    url = await stackVerdaccioUrl();
    dir = mkdtempSync(join(tmpdir(), 'dco-verdaccio-'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves what was published to `npm install` (the npm CLI, the packument and the tarball)', async () => {
    const name = `stack-probe-${randomBytes(4).toString('hex')}`;
    await new VerdaccioSeeder(url).publish(name, '1.2.3');
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'probe', private: true }));
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--registry', url, `${name}@^1.2.0`], {
      cwd: dir,
      env: { ...process.env, npm_config_cache: join(dir, '.npm') },
      stdio: 'pipe',
    });
    const installed = JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(installed.version).toBe('1.2.3');
  });

  it('has no uplink: a public package is unknown here', async () => {
    const response = await fetch(`${url}/kafkajs`);
    await response.arrayBuffer();
    expect(response.status).toBe(404);
  });

  it('refuses anonymous publishing', async () => {
    const response = await fetch(`${url}/anonymous-${randomBytes(4).toString('hex')}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x', versions: {} }),
    });
    await response.arrayBuffer();
    expect([401, 403]).toContain(response.status);
  });
});
