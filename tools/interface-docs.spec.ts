// The checked-in interface documents are what the code generates, and each service's OpenAPI document passes a real
// validator (@apidevtools/swagger-parser: the OpenAPI schema plus the rules a schema cannot express, such as path
// parameters that every operation must declare).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVICE_CONTROLLERS, asJson, openApiPath, serviceOpenApi } from './interface-docs';

const ROOT = join(__dirname, '..');
jest.setTimeout(60_000);

/** The validator is an ES module, so it runs in a node process of its own. */
function validate(paths: string[]): { path: string; valid: boolean; errors?: string[] }[] {
  const run = spawnSync(process.execPath, [join(__dirname, 'validate-openapi.mjs'), ...paths], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return run.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
}

describe('interface documents', () => {
  it('the OpenAPI document of every service validates, and documents /health and /metrics', async () => {
    const services = Object.keys(SERVICE_CONTROLLERS);
    expect(validate(services.map(openApiPath))).toEqual(
      services.map((service) => ({ path: openApiPath(service), valid: true })),
    );
    for (const service of services)
      expect(Object.keys((await serviceOpenApi(service)).paths)).toEqual(
        expect.arrayContaining(['/health', '/metrics']),
      );
  });

  it('the validator refuses an operation that does not declare its path parameter', async () => {
    const document = await serviceOpenApi('orchestrator');
    delete document.paths['/api/runs/{runId}/approve'].post?.parameters;
    const path = join(mkdtempSync(join(tmpdir(), 'openapi-')), 'broken.json');
    writeFileSync(path, asJson(document));
    expect(validate([path])).toEqual([
      { path, valid: false, errors: [expect.stringContaining('path-parameters-defined')] },
    ]);
  });

  it('declares the path parameters of every operation', async () => {
    const document = await serviceOpenApi('orchestrator');
    for (const action of ['approve', 'reject', 'resume']) {
      expect(document.paths[`/api/runs/{runId}/${action}`].post?.parameters).toEqual([
        expect.objectContaining({ name: 'runId', in: 'path', required: true }),
      ]);
    }
  });

  it('are checked in as generated (run npm run docs:interfaces when this fails)', () => {
    const check = spawnSync(
      process.execPath,
      ['-r', join(__dirname, 'register.js'), join(__dirname, 'write-interface-docs.ts'), '--check'],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect({ status: check.status, stale: check.stdout.trim() }).toEqual({ status: 0, stale: '' });
  });
});
