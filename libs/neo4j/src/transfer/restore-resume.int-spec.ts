// Fault spec: `dco db restore` killed with SIGKILL mid-restore, then started again: it resumes at the last committed batch and ends equal.
import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import neo4j from 'neo4j-driver';
import { BoltGraphDatabase } from '../bolt/bolt-graph-database.adapter';
import { boltAuth } from '../bolt/neo4j-credentials';
import { waitFor } from '@dco/probes';
import { bulkStatement, everyTypeGraphStatements } from '../testing/every-type-graph.fixture';
import { ScratchServer, startScratchServer } from '../testing/scratch-servers';
import { exportGraph } from './export-graph';
import { validateGraphs } from './validate-graph';
import { TEST_BACKUP_KEY_ENTRY, testBackupSigner } from '../testing/test-backup-signer.fixture';

const ROOT = resolve(__dirname, '../../../..');

function restoreProcess(
  file: string,
  target: { boltUri: string; credentials: { user: string; password: string } },
): { child: ChildProcess; output: Promise<{ code: number | null; stdout: string }> } {
  const child = spawn(
    process.execPath,
    [
      '-r',
      './tools/register.js',
      'apps/cli/src/main.ts',
      'db',
      'restore',
      file,
      '--target',
      target.boltUri,
      '--batch-size',
      '250',
      '--json',
    ],
    {
      cwd: ROOT,
      // The CLI verifies the backup with the key the spec signed it with, and logs in to the scratch green.
      env: {
        ...process.env,
        DCO_BACKUP_SIGNING_KEY: TEST_BACKUP_KEY_ENTRY,
        NEO4J_USER: target.credentials.user,
        NEO4J_PASSWORD: target.credentials.password,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.resume();
  const output = new Promise<{ code: number | null; stdout: string }>((done) =>
    child.on('exit', (code) => done({ code, stdout })),
  );
  return { child, output };
}

describe('restore killed with SIGKILL', () => {
  let blueServer: ScratchServer;
  let greenServer: ScratchServer;
  let dir: string;

  beforeAll(async () => {
    [blueServer, greenServer] = await Promise.all([startScratchServer('5.20.0'), startScratchServer('5.26.19')]);
    const driver = neo4j.driver(blueServer.boltUri, boltAuth(blueServer.credentials));
    for (const statement of [...everyTypeGraphStatements, bulkStatement(15_000)])
      await driver.executeQuery(statement.query, statement.params ?? {});
    await driver.close();
    dir = mkdtempSync(join(tmpdir(), 'dco-resume-'));
  }, 300_000);

  afterAll(async () => {
    await Promise.all([blueServer?.dispose(), greenServer?.dispose()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('resumes from the last committed batch and finishes with equal checksums', async () => {
    const blue = new BoltGraphDatabase(blueServer.boltUri, blueServer.credentials);
    const green = new BoltGraphDatabase(greenServer.boltUri, greenServer.credentials);
    try {
      const file = join(dir, 'blue.backup.gz');
      const exported = await exportGraph(blue, createWriteStream(file), { signer: testBackupSigner });
      const total = exported.footer.nodes + exported.footer.relationships;

      const first = restoreProcess(file, greenServer);
      const reached = await waitFor(
        async () => {
          const progress = await green.readRestoreProgress().catch(() => undefined);
          return progress && progress.recordsDone >= 2_000 ? progress.recordsDone : undefined;
        },
        { timeoutMs: 240_000, intervalMs: 100, description: 'the first restore to commit some batches' },
      );
      first.child.kill('SIGKILL');
      const killed = await first.output;
      expect(killed.code).toBeNull();
      const left = await green.readRestoreProgress();
      expect(left?.recordsDone).toBeGreaterThanOrEqual(reached);
      expect(left?.recordsDone).toBeLessThan(total);

      const second = restoreProcess(file, greenServer);
      const finished = await second.output;
      expect(finished.code).toBe(0);
      const result = JSON.parse(finished.stdout) as { resumedFrom: number; nodes: number; relationships: number };
      expect(result.resumedFrom).toBe(left?.recordsDone);
      expect(result).toMatchObject({ nodes: exported.footer.nodes, relationships: exported.footer.relationships });
      const validation = await validateGraphs(blue, green);
      expect(validation.target.nodes).toBe(exported.footer.nodes);
    } finally {
      await blue.close();
      await green.close();
    }
  }, 600_000);
});
