// Integration spec of the supervised-daemon lifecycle with a tiny HTTP daemon: readiness, START_FAILED, NOT_READY, restart of an unhealthy process.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, stackConfig, stackPaths, waitFor } from '@dco/testing';
import { StackError } from '../stack-error';
import { httpGet, isProcessAlive } from '@dco/probes';
import { readPidRecord, spawnDaemon } from '../support/process-supervisor';
import { DaemonComponent, StackContext } from './stack-component';

/** A daemon whose health endpoint answers 200 when `healthy` is true, after `delayMs`; exits at once with `exitCode` if set. */
function httpDaemon(
  port: number,
  behaviour: { healthy: boolean; delayMs?: number; exitCode?: number },
  startTimeoutMs = 10000,
): DaemonComponent {
  const script = `
    if (${behaviour.exitCode ?? -1} >= 0) { console.error('bo' + 'om: bad config'); process.exit(${behaviour.exitCode ?? 0}); }
    setTimeout(() => require('node:http').createServer((req, res) => { res.statusCode = ${behaviour.healthy ? 200 : 503}; res.end(); })
      .listen(${port}, '127.0.0.1'), ${behaviour.delayMs ?? 0});`;
  return new DaemonComponent('probe-daemon', () => ({
    address: `http://127.0.0.1:${port}`,
    host: '127.0.0.1',
    ports: [port],
    startTimeoutMs,
    stopGraceMs: 2000,
    install: async () => undefined,
    prepare: async () => undefined,
    launch: () => ({ command: process.execPath, args: ['-e', script] }),
    probe: async () => {
      try {
        const response = await httpGet(`http://127.0.0.1:${port}/`, 1000);
        return response.ok ? undefined : `answered ${response.status}`;
      } catch (error) {
        return error instanceof Error ? error.message : String(error);
      }
    },
  }));
}

describe('DaemonComponent', () => {
  let ctx: StackContext;
  let port: number;

  beforeEach(async () => {
    const config = { ...stackConfig(), stateDir: mkdtempSync(join(tmpdir(), 'dco-daemon-')) };
    ctx = { config, paths: stackPaths(config), log: () => undefined };
    port = await freePort();
  });

  afterEach(async () => {
    await httpDaemon(port, { healthy: true }).down(ctx);
    rmSync(ctx.config.stateDir, { recursive: true, force: true });
  });

  it('waits for the probe (no fixed sleep), then reuses the healthy process on the next up', async () => {
    const daemon = httpDaemon(port, { healthy: true, delayMs: 700 });
    const first = await daemon.up(ctx);
    expect(first).toMatchObject({ state: 'running', reused: false });
    const second = await daemon.up(ctx);
    expect(second).toMatchObject({ state: 'running', reused: true, pid: first.pid });
    expect(await daemon.status(ctx)).toMatchObject({ state: 'running', pid: first.pid });
  });

  it('fails with STACK.START_FAILED and the log tail when the process exits while starting', async () => {
    const failure = await httpDaemon(port, { healthy: true, exitCode: 3 })
      .up(ctx)
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StackError);
    expect((failure as StackError).code).toBe('STACK.START_FAILED');
    expect((failure as StackError).message).toContain(join(ctx.paths.logsDir, 'probe-daemon.log'));
    expect((failure as StackError).detail).toContain('boom: bad config');
  });

  // Start deadlines of 5 s, not less: a `node -e` server took 0.3-0.65 s to listen on the loaded 2-core host (load 12), and
  // a deadline of 1.5 s left a slower start failing with "connection refused" instead of the 503, or never restarted.
  it('fails with STACK.NOT_READY when the probe never passes, and stops the process it started', async () => {
    const failure = await httpDaemon(port, { healthy: false }, 5000)
      .up(ctx)
      .catch((error: unknown) => error);
    expect((failure as StackError).code).toBe('STACK.NOT_READY');
    expect((failure as StackError).message).toContain('answered 503');
    expect(readPidRecord(join(ctx.paths.pidsDir, 'probe-daemon.pid'))).toBeUndefined();
    expect(await httpDaemon(port, { healthy: true }).status(ctx)).toMatchObject({ state: 'stopped' });
  });

  it('restarts a live process of its own that stays unhealthy past its start deadline', async () => {
    const healthy = httpDaemon(port, { healthy: true }, 5000);
    const sick = spawnDaemon({
      name: 'probe-daemon',
      command: process.execPath,
      args: [
        '-e',
        `require('node:http').createServer((req, res) => { res.statusCode = 500; res.end(); }).listen(${port}, '127.0.0.1')`,
      ],
      logFile: join(ctx.paths.logsDir, 'probe-daemon.log'),
      pidFile: join(ctx.paths.pidsDir, 'probe-daemon.pid'),
      owner: healthy.owner(ctx),
    });
    await waitFor(async () => (await healthy.status(ctx)).state === 'unhealthy', {
      timeoutMs: 10000,
      description: 'the sick daemon to listen',
    });
    const lines: string[] = [];
    const restarted = await healthy.up({ ...ctx, log: (line) => lines.push(line) });
    expect(restarted).toMatchObject({ state: 'running', reused: false });
    expect(restarted.pid).not.toBe(sick.pid);
    expect(isProcessAlive(sick.pid)).toBe(false);
    expect(lines.join('\n')).toMatch(new RegExp(`pid ${sick.pid} is not healthy .*restarting it`));
  });
});
