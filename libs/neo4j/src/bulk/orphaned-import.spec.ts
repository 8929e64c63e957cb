import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasExited, isProcessAlive, killProcessGroup } from '@dco/probes';
import { IMPORT_PID_FILE, stopOrphanedImport } from './offline-import';

/** A detached process standing in for an importer left behind, with NEO4J_HOME in its environment as the real one has. */
function orphan(neo4jHome: string): number {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => undefined, 1000)'], {
    detached: true,
    stdio: 'ignore',
    env: { ...process.env, NEO4J_HOME: neo4jHome },
  });
  child.unref();
  return child.pid as number;
}

describe('stopOrphanedImport', () => {
  let home: string;
  const started: number[] = [];
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'dco-orphan-'));
  });
  afterEach(async () => {
    for (const pid of started.splice(0)) if (isProcessAlive(pid)) await killProcessGroup(pid, 'stand-in');
    rmSync(home, { recursive: true, force: true });
  });

  it('stops the importer whose pid the home records and that imports into this home', async () => {
    const pid = orphan(home);
    started.push(pid);
    writeFileSync(join(home, IMPORT_PID_FILE), String(pid));
    expect(await stopOrphanedImport(home)).toBe(pid);
    expect(hasExited(pid)).toBe(true);
    expect(existsSync(join(home, IMPORT_PID_FILE))).toBe(false);
  });

  it('leaves alone a process that reuses the recorded pid for something else (another home), and forgets the file', async () => {
    const pid = orphan(join(home, 'elsewhere'));
    started.push(pid);
    writeFileSync(join(home, IMPORT_PID_FILE), String(pid));
    expect(await stopOrphanedImport(home)).toBeUndefined();
    expect(isProcessAlive(pid)).toBe(true);
    expect(existsSync(join(home, IMPORT_PID_FILE))).toBe(false);
  });

  it('does nothing without a pid file, or with one that holds no pid', async () => {
    expect(await stopOrphanedImport(home)).toBeUndefined();
    writeFileSync(join(home, IMPORT_PID_FILE), 'not a pid');
    expect(await stopOrphanedImport(home)).toBeUndefined();
  });
});
