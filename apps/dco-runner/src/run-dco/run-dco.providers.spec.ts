// The real stage's lifecycle: the ledger opened at start without holding the service's start, closed on shutdown.
import { Logger } from '@nestjs/common';
import { RunDcoLifecycle } from './run-dco.providers';
import { RealDcoRunner } from './run-dco.factory';

describe('RunDcoLifecycle', () => {
  const runnerWith = (warmUp: () => Promise<boolean>) => {
    const close = jest.fn(async () => undefined);
    const runner: RealDcoRunner = { runDco: { run: jest.fn() } as unknown as RealDcoRunner['runDco'], warmUp, close };
    return { runner, close };
  };
  let warn: jest.SpyInstance;
  let log: jest.SpyInstance;
  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('opens the ledger at start without waiting for it, and says so once it is open', async () => {
    let open!: (opened: boolean) => void;
    const { runner } = runnerWith(() => new Promise<boolean>((resolve) => (open = resolve)));
    const lifecycle = new RunDcoLifecycle(runner);
    expect(lifecycle.onApplicationBootstrap()).toBeUndefined();
    open(true);
    await new Promise((resolve) => setImmediate(resolve));
    expect(log).toHaveBeenCalledWith('the Neo4j ledger is open, its schema migrated and its statements planned');
  });

  it('logs a warning, and does not fail the start, when Neo4j does not answer yet', async () => {
    const { runner } = runnerWith(() => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:7687')));
    new RunDcoLifecycle(runner).onApplicationBootstrap();
    await new Promise((resolve) => setImmediate(resolve));
    expect(warn).toHaveBeenCalledWith(
      'the Neo4j ledger was not opened at start (the first command opens it): connect ECONNREFUSED 127.0.0.1:7687',
    );
  });

  it('closes the runner on shutdown, and says nothing of an opening the shutdown cut short', async () => {
    let fail!: (error: Error) => void;
    const { runner, close } = runnerWith(() => new Promise<boolean>((_, reject) => (fail = reject)));
    const lifecycle = new RunDcoLifecycle(runner);
    lifecycle.onApplicationBootstrap();
    await lifecycle.onApplicationShutdown();
    fail(new Error('the Neo4j ledger source was closed'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(close).toHaveBeenCalledTimes(1);
    expect(warn).not.toHaveBeenCalled();
  });
});
