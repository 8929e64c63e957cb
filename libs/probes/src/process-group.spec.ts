import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasExited, isProcessAlive, killProcessGroup, stopProcessGroup } from './process-group';
import { waitFor } from './wait-for';

/** A detached node process (leader of its own group) that writes `ready`, and `term` when it gets SIGTERM. */
async function startChild(dir: string, onTerm: 'exit' | 'ignore'): Promise<number> {
  const script = `
    const { writeFileSync } = require('node:fs');
    process.on('SIGTERM', () => { writeFileSync(${JSON.stringify(join(dir, 'term'))}, 'x'); ${onTerm === 'exit' ? 'process.exit(0);' : ''} });
    writeFileSync(${JSON.stringify(join(dir, 'ready'))}, 'x');
    setInterval(() => undefined, 1000);`;
  const child = spawn(process.execPath, ['-e', script], { detached: true, stdio: 'ignore' });
  child.unref();
  await waitFor(() => existsSync(join(dir, 'ready')), { timeoutMs: 20_000, description: 'the child to start' });
  return child.pid as number;
}

describe('stopping a process group', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dco-pgroup-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('asks with SIGTERM first, so a process that handles it shuts down cleanly', async () => {
    const pid = await startChild(dir, 'exit');
    await stopProcessGroup(pid, { graceMs: 20_000, name: 'child' });
    expect(hasExited(pid)).toBe(true);
    expect(readFileSync(join(dir, 'term'), 'utf8')).toBe('x');
  });

  it('kills at once with a grace of 0, and waits until the process has fully exited', async () => {
    const pid = await startChild(dir, 'ignore');
    await stopProcessGroup(pid, { graceMs: 0, name: 'child' });
    expect(hasExited(pid)).toBe(true);
    expect(isProcessAlive(pid)).toBe(false);
    expect(existsSync(join(dir, 'term'))).toBe(false);
  });

  it('kills a process that ignores SIGTERM', async () => {
    const pid = await startChild(dir, 'ignore');
    await killProcessGroup(pid, 'child');
    expect(hasExited(pid)).toBe(true);
  });
});
