// terraform-config and dependency against a real tofu workspace applied on the emulator: nothing after an apply, the
// change once the configuration or the dependency manifest moves on.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { localInfra } from '../../../../infra-deployer/src/apply-infra/local-infra.fixture';
import { FileDocumentReader } from '../document-reader.port';
import { DependencySource } from './dependency.source';
import { TerraformConfigSource } from './terraform-config.source';

jest.setTimeout(120_000);

describe('terraform-config and dependency sources on a real workspace', () => {
  let infra: Awaited<ReturnType<typeof localInfra>>;
  beforeAll(async () => {
    infra = await localInfra();
    await infra.applyInfra.execute('dco-2026-10-01', { day: '2026-10-01', changes: [] });
  });
  afterAll(() => infra.close());

  it('terraform-config: none after the apply, then the change confirmed by a plan', async () => {
    const source = new TerraformConfigSource(infra.workspace);
    await expect(source.detect()).resolves.toEqual([]);

    await writeFile(
      join(infra.configDir, 'README.md'),
      'a comment-only change: the hash moves, the plan finds nothing\n',
    );
    await expect(source.detect()).resolves.toEqual([]);

    await infra.writeVars((current) => ({ ...current, neo4j_instance_type: 'r6i.xlarge' }));
    const [change] = await source.detect();
    expect(change).toMatchObject({
      kind: 'terraform-config',
      from: await infra.workspace.lastAppliedHash(),
      to: await infra.workspace.currentHash(),
      risk: 'high',
    });
    expect(change.reason).toContain('1 to replace');
  });

  it('dependency: none while the manifest equals the deployed copy, then the bumped version', async () => {
    const source = new DependencySource(new FileDocumentReader(), {
      manifestPath: join(infra.configDir, 'release', 'dependencies.json'),
      deployedPath: async () => {
        const good = await infra.workspace.lastGood();
        return good ? join(good.snapshotDir, 'release', 'dependencies.json') : undefined;
      },
    });
    await expect(source.detect()).resolves.toEqual([]);
    const path = join(infra.configDir, 'release', 'dependencies.json');
    const manifest = JSON.parse(await readFile(path, 'utf8')) as { dependencies: Record<string, string> };
    await writeFile(path, JSON.stringify({ dependencies: { ...manifest.dependencies, kafkajs: '2.3.0' } }));
    await expect(source.detect()).resolves.toEqual([
      expect.objectContaining({ subject: 'kafkajs', from: '2.2.4', to: '2.3.0', risk: 'medium' }),
    ]);
  });
});
